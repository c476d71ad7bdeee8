import { createFakeProvider } from "@mailroute/core/testing";
import { createTestStore } from "@mailroute/store/testing";
import { describe, expect, it } from "vitest";
import { closeAppsAfterEach, storedCounts, validBody } from "../../test-support";

const setup = closeAppsAfterEach();

/** An error as the driver raises it: better-sqlite3, node's fs, node-postgres. */
const driverError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A test store whose accepts throw `refusal` while it is set, as a database refusing writes. */
function refusingStore() {
  const store = createTestStore();
  let refusal: Error | null = null;
  const refusing: typeof store = {
    ...store,
    acceptMessage: (input) => (refusal ? Promise.reject(refusal) : store.acceptMessage(input)),
    acceptMessages: (input) => (refusal ? Promise.reject(refusal) : store.acceptMessages(input)),
    close: () => store.close(),
  };
  return {
    store: refusing,
    refuse(error: Error | null) {
      refusal = error;
    },
  };
}

interface ErrorBody {
  error: { code: string; message: string };
}

describe("accepts while the database refuses writes", () => {
  it.each([
    ["SQLITE_FULL", "database or disk is full", "STORAGE_FULL", "30"],
    ["ENOSPC", "no space left on device, fsync", "STORAGE_FULL", "30"],
    [
      "53100",
      'could not extend file "base/16384/16385": No space left on device',
      "STORAGE_FULL",
      "30",
    ],
    ["SQLITE_IOERR_WRITE", "disk I/O error", "DATABASE_UNAVAILABLE", "5"],
    ["SQLITE_READONLY", "attempt to write a readonly database", "DATABASE_UNAVAILABLE", "5"],
    ["53000", "insufficient resources", "DATABASE_UNAVAILABLE", "5"],
    ["53200", "out of memory", "DATABASE_UNAVAILABLE", "5"],
    ["57P01", "terminating connection due to administrator command", "DATABASE_UNAVAILABLE", "5"],
    ["ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432", "DATABASE_UNAVAILABLE", "5"],
  ])(
    "answers %s with 503 %s and Retry-After, stores nothing, and takes the retry once it passes",
    async (code, message, expected, retryAfter) => {
      const refusing = refusingStore();
      const app = await setup({
        providers: [createFakeProvider("primary")],
        store: refusing.store,
      });
      refusing.refuse(driverError(code, message));

      const refused = await app.send(validBody, { "idempotency-key": `retry-${code}` });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe(retryAfter);
      const body = (await refused.json()) as ErrorBody;
      expect(body.error.code).toBe(expected);
      expect(body.error.message).toMatch(/nothing was stored/);
      expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });

      const batch = await app.app.request("/v1/messages/batch", {
        method: "POST",
        headers: app.headers,
        body: JSON.stringify({ messages: [validBody, validBody] }),
      });
      expect(batch.status).toBe(503);
      expect(((await batch.json()) as ErrorBody).error.code).toBe(expected);

      // Space (or the connection) is back: the same request, same key, is stored this time.
      refusing.refuse(null);
      const retried = await app.send(validBody, { "idempotency-key": `retry-${code}` });
      expect(retried.status).toBe(202);
      expect(await storedCounts(app)).toEqual({ messages: 1, jobs: 1 });
    },
  );

  it("still answers any other store error with a 500", async () => {
    const refusing = refusingStore();
    const app = await setup({ providers: [createFakeProvider("primary")], store: refusing.store });
    refusing.refuse(driverError("SQLITE_CORRUPT", "database disk image is malformed"));
    const response = await app.send(validBody);
    expect(response.status).toBe(500);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(((await response.json()) as ErrorBody).error.code).toBe("INTERNAL_ERROR");
  });
});
