import { MailrouteError, type MessageDetail } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { createMessagesService, type MessagesServiceDependencies } from "./messages";
import { createUnsubscribeLinks } from "./unsubscribe";

/** A store that knows one message (or none) and answers release/cancel as told. */
function setup(options: { status: string | null; storeAgrees: boolean }) {
  const calls: string[] = [];
  let notified = 0;
  const store: MessagesServiceDependencies["store"] = {
    acceptMessage: () => Promise.reject(new Error("not used")),
    acceptMessages: () => Promise.reject(new Error("not used")),
    findEarlierAnswer: () => Promise.reject(new Error("not used")),
    listMessages: () => Promise.reject(new Error("not used")),
    getMessage: async (id) =>
      options.status === null ? null : ({ id, status: options.status } as MessageDetail),
    releaseMessage: async (id) => {
      calls.push(`release ${id}`);
      return options.storeAgrees;
    },
    cancelMessage: async (id) => {
      calls.push(`cancel ${id}`);
      return options.storeAgrees;
    },
  };
  const service = createMessagesService({
    store,
    notifyDispatcher: () => {
      notified += 1;
    },
    sendAtHorizonDays: 30,
    templates: { renderForMessage: () => Promise.reject(new Error("not used")) },
    routes: () => [],
    unsubscribeLinks: createUnsubscribeLinks(
      { publicUrl: null },
      { keepSetting: () => Promise.reject(new Error("not used")) },
    ),
    metrics: { messagesAccepted: () => {}, messageFinished: () => {} },
  });
  return { service, calls, notified: () => notified };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  return error instanceof MailrouteError ? error.code : `no error (${String(error)})`;
}

describe("messages.release and messages.cancel", () => {
  const rows = [
    { verb: "release", status: null, storeAgrees: false, code: "NOT_FOUND", stored: false },
    { verb: "release", status: "queued", storeAgrees: false, code: "CONFLICT", stored: true },
    { verb: "cancel", status: null, storeAgrees: false, code: "NOT_FOUND", stored: false },
    { verb: "cancel", status: "sending", storeAgrees: false, code: "CONFLICT", stored: true },
  ] as const;
  for (const row of rows) {
    it(`${row.verb} answers ${row.code} for a message that is ${row.status ?? "unknown"}`, async () => {
      const { service, calls, notified } = setup(row);
      expect(await codeOf(service[row.verb]("msg_1"))).toBe(row.code);
      // An unknown message never reaches the store's write; a refused one is not queued again.
      expect(calls).toEqual(row.stored ? [`${row.verb} msg_1`] : []);
      expect(notified()).toBe(0);
    });
  }

  it("release queues a held message again and wakes the dispatcher", async () => {
    const { service, notified } = setup({ status: "held", storeAgrees: true });
    expect(await service.release("msg_1")).toEqual({ id: "msg_1", status: "queued" });
    expect(notified()).toBe(1);
  });

  it("cancel cancels a waiting message without waking the dispatcher", async () => {
    const { service, notified } = setup({ status: "scheduled", storeAgrees: true });
    expect(await service.cancel("msg_1")).toEqual({ id: "msg_1", status: "cancelled" });
    expect(notified()).toBe(0);
  });

  it("names the status the message is in when it refuses", async () => {
    const { service } = setup({ status: "sent", storeAgrees: false });
    await expect(service.release("msg_1")).rejects.toThrow("message msg_1 is sent, not held");
    await expect(service.cancel("msg_1")).rejects.toThrow(
      "message msg_1 is sent and cannot be cancelled now",
    );
  });
});

describe("messages.get", () => {
  it("answers NOT_FOUND for an unknown id", async () => {
    const { service } = setup({ status: null, storeAgrees: false });
    expect(await codeOf(service.get("msg_missing"))).toBe("NOT_FOUND");
  });
});
