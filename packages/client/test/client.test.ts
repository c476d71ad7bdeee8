import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mailroute, MailrouteError } from "../src/index";
import {
  adminKey,
  type RunningMailroute,
  startMailroute,
  waitUntil,
} from "./support/mailroute-server";

const from = "Acme <noreply@acme.test>";

describe("the client against a running mailroute", () => {
  let server: RunningMailroute;
  let mr: Mailroute;
  /** Every URL the client fetched, and the x-request-id of each answer. */
  const requests: { url: string; requestId: string | null }[] = [];

  beforeAll(async () => {
    server = await startMailroute();
    mr = new Mailroute({
      baseUrl: `${server.url}/`,
      apiKey: adminKey,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        requests.push({ url: String(input), requestId: response.headers.get("x-request-id") });
        return response;
      },
    });
  });
  afterAll(() => server.close());

  it("sends a message, reads it back once sent, and finds what the capture provider got", async () => {
    const accepted = await mr.messages.send({
      from,
      to: "user@example.com",
      subject: "Reset your password",
      text: "Your code is 123456",
      tags: ["password-reset"],
    });
    expect(accepted.status).toBe("queued");
    await waitUntil(async () => (await mr.messages.get(accepted.id)).status === "sent");
    const message = await mr.messages.get(accepted.id);
    expect(message).toMatchObject({
      id: accepted.id,
      subject: "Reset your password",
      attempts: [{ provider: "capture", outcome: "accepted" }],
    });
    const captures = await mr.captures.list({ messageId: accepted.id });
    expect(captures.data.map((capture) => capture.message.subject)).toEqual([
      "Reset your password",
    ]);
    const events = await mr.events.list({ messageId: accepted.id });
    expect(events.data.map((event) => event.type)).toEqual(["queued", "sent"]);
  });

  it("sends a batch and lists one page by filter", async () => {
    const batch = await mr.messages.sendBatch({
      messages: [
        { from, to: "a@example.com", subject: "One", text: "1", tags: ["batch"] },
        { from, to: "not an address", subject: "Two", text: "2", tags: ["batch"] },
      ],
    });
    expect(batch.data).toHaveLength(2);
    expect(batch.data[0]).toMatchObject({ index: 0, status: "queued" });
    expect(batch.data[1]).toMatchObject({ index: 1, error: { code: "VALIDATION_ERROR" } });
    const page = await mr.messages.list({ tag: "batch" });
    expect(page.data.map((message) => message.subject)).toEqual(["One"]);
  });

  it("iterates every message over several pages, following nextCursor", async () => {
    const sent: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      sent.push(
        (
          await mr.messages.send({
            from,
            to: "p@example.com",
            subject: `P${index}`,
            text: "p",
            tags: ["paging"],
          })
        ).id,
      );
    }
    const before = requests.length;
    const seen: string[] = [];
    for await (const message of mr.messages.iterate({ tag: "paging", limit: 2 })) {
      seen.push(message.id);
    }
    expect(seen.sort()).toEqual([...sent].sort());
    const pages = requests.slice(before).filter((request) => request.url.includes("/v1/messages?"));
    expect(pages).toHaveLength(3);
    expect(pages[1]?.url).toContain("cursor=");
  });

  it("iterates the event feed after a cursor, page by page", async () => {
    const { id } = await mr.messages.send({ from, to: "e@example.com", subject: "E", text: "e" });
    await waitUntil(async () => (await mr.messages.get(id)).status === "sent");
    const types: string[] = [];
    for await (const event of mr.events.iterate({ messageId: id, limit: 1 })) {
      types.push(event.type);
    }
    expect(types).toEqual(["queued", "sent"]);
  });

  it("cancels a scheduled message and maps a refused release to MailrouteError", async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await mr.messages.send({
      from,
      to: "s@example.com",
      subject: "Later",
      text: "l",
      sendAt,
    });
    expect(scheduled.status).toBe("scheduled");
    expect(await mr.messages.cancel(scheduled.id)).toMatchObject({
      id: scheduled.id,
      status: "cancelled",
    });
    const refused = await mr.messages.release(scheduled.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MailrouteError);
    expect(refused).toMatchObject({ status: 409 });
  });

  it("creates, reads, versions, renders, sends and deletes a stored template", async () => {
    const created = await mr.templates.create({
      name: "welcome",
      subject: "Welcome, {{name}}",
      text: "Hello {{name}}",
    });
    expect(created).toMatchObject({ name: "welcome", version: 1 });
    const updated = await mr.templates.update("welcome", {
      subject: "Hi {{name}}",
      text: "Hey {{name}}",
    });
    expect(updated.version).toBe(2);
    expect((await mr.templates.get(created.id, { version: 1 })).subject).toBe("Welcome, {{name}}");
    expect((await mr.templates.list()).data.map((template) => template.name)).toEqual(["welcome"]);
    const rendered = await mr.templates.render("welcome", { data: { name: "Ada" } });
    expect(rendered).toMatchObject({ subject: "Hi Ada", text: "Hey Ada" });
    const { id } = await mr.messages.send({
      from,
      to: "t@example.com",
      template: { id: "welcome", data: { name: "Bo" } },
    });
    expect((await mr.messages.get(id)).subject).toBe("Hi Bo");
    expect(await mr.templates.delete(created.id)).toBeUndefined();
  });

  it("adds, lists, iterates and removes suppressions", async () => {
    const added = await mr.suppressions.add({ email: "Blocked@Example.com", note: "asked us" });
    expect(added).toMatchObject({ email: "blocked@example.com", reason: "manual" });
    await mr.suppressions.add({ email: "second@example.com" });
    const emails: string[] = [];
    for await (const suppression of mr.suppressions.iterate({ limit: 1 })) {
      emails.push(suppression.email);
    }
    expect(emails.sort()).toEqual(["blocked@example.com", "second@example.com"]);
    expect(await mr.suppressions.remove("blocked@example.com")).toBeUndefined();
    expect((await mr.suppressions.list({ email: "blocked@example.com" })).data).toEqual([]);
  });

  it("reads, simulates and replaces the routing table, and lists the providers", async () => {
    const table = await mr.routes.get();
    expect(table.routes.map((route) => route.name)).toEqual(["default"]);
    const simulated = await mr.routes.simulate({
      from,
      to: "r@example.com",
      subject: "R",
      text: "r",
    });
    expect(simulated).toMatchObject({ route: "default", plan: ["capture"] });
    const replaced = await mr.routes.put({
      routes: [
        { name: "receipts", match: { tags: ["receipt"] }, providers: ["capture"] },
        { name: "default", providers: ["capture"] },
      ],
    });
    expect(replaced).toMatchObject({ source: "api" });
    expect((await mr.routes.get()).routes.map((route) => route.name)).toEqual([
      "receipts",
      "default",
    ]);
    const providers = await mr.providers.list();
    expect(providers.data.map((provider) => [provider.name, provider.breaker])).toEqual([
      ["capture", "closed"],
    ]);
  });

  it("maps a 400 to MailrouteError with its code, field details and request id", async () => {
    const before = requests.length;
    const error = await mr.messages
      .send({ from, to: "not an address", subject: "x", text: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailrouteError);
    const mailrouteError = error as MailrouteError;
    expect(mailrouteError).toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
    expect(mailrouteError.details.map((detail) => detail.path)).toContain("to");
    // A 4xx is an answer, not a failure to retry: one request only.
    expect(requests.length - before).toBe(1);
    expect(mailrouteError.requestId).toBe(requests.at(-1)?.requestId);
    expect(mailrouteError.requestId).toMatch(/\S/);
  });

  it("maps 404 and 401 the same way", async () => {
    await expect(mr.messages.get("msg_does_not_exist")).rejects.toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
    const stranger = new Mailroute({ baseUrl: server.url, apiKey: "mr_not_a_key" });
    await expect(stranger.providers.list()).rejects.toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
  });

  it("creates a scoped key, which answers 403 outside its scope, lists it, and revokes it (401)", async () => {
    const created = await mr.apiKeys.create({ name: "billing", scopes: ["send"] });
    expect(created).toMatchObject({ name: "billing", scopes: ["send"] });
    expect(created.key).toMatch(/^mr_/);
    const sender = new Mailroute({ baseUrl: server.url, apiKey: created.key });
    const sent = await sender.messages.send({
      from,
      to: "user@example.com",
      subject: "s",
      text: "t",
    });
    expect(sent.status).toBe("queued");
    const refused = await sender.routes.get().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(MailrouteError);
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });
    const listed = [];
    for await (const key of mr.apiKeys.iterate()) {
      listed.push(key);
    }
    const mine = listed.find((key) => key.id === created.id);
    expect(mine).toMatchObject({ name: "billing", scopes: ["send"] });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    await mr.apiKeys.revoke(created.id);
    await expect(
      sender.messages.send({ from, to: "user@example.com", subject: "s", text: "t" }),
    ).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });
});
