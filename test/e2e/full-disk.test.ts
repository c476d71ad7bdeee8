import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";

/**
 * Fills the filesystem at `folder` with one file until the kernel refuses more (ENOSPC), so the
 * next write anything else makes there fails the way a full disk fails it.
 */
function fillUp(file: string): void {
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      writeFileSync(file, chunk, { flag: written === 0 ? "w" : "a" });
      written += chunk.length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") {
      throw error;
    }
  }
  // The last partial chunk may have been refused: top it up byte by byte.
  try {
    for (;;) {
      writeFileSync(file, Buffer.alloc(512), { flag: "a" });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") {
      throw error;
    }
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  code?: string;
  id?: string;
}

describe("a full disk", () => {
  // The database lives on its own small tmpfs, which the test fills up with a filler file.
  // Tests run as root here; mounting is what a full disk needs, so a refusal fails the test.
  const disk = mkdtempSync(join(tmpdir(), "mailroute-full-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", disk]);
  const filler = join(disk, "filler");
  const environment = {
    ...serverEnvironment({
      prefix: "full-disk",
      // Short leases: a completion the full disk refused is claimed again soon after.
      config: { dispatch: { attemptTimeoutMs: 1000, leaseMarginMs: 500, pollIntervalMs: 50 } },
      apiKey,
    }),
    MAILROUTE_DATABASE: join(disk, "mailroute.db"),
  };
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);

  afterAll(async () => {
    await server?.stop();
    execFileSync("umount", [disk]);
    rmSync(disk, { recursive: true, force: true });
  });

  const send = async (index: number): Promise<Answer> => {
    const response = await fetch(`${server?.url}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        from: "Acme <noreply@acme.test>",
        to: `user${index}@example.com`,
        subject: `Receipt ${index}`,
        text: `${index} `.repeat(4000),
      }),
    });
    const body = (await response.json()) as { id?: string; error?: { code: string } };
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      ...(body.error ? { code: body.error.code } : {}),
      ...(body.id ? { id: body.id } : {}),
    };
  };

  it("answers accepts 503 with Retry-After while full, loses nothing acknowledged, and recovers by itself", async () => {
    server = await startServer(environment);
    const first = await send(0);
    expect(first.status).toBe(202);
    fillUp(filler);

    // SQLite may still reuse room inside its WAL for a while; keep sending until it is refused.
    const answers: Answer[] = [];
    for (let index = 1; index <= 400; index += 1) {
      const answer = await send(index);
      answers.push(answer);
      if (answers.filter((item) => item.status === 503).length >= 5) {
        break;
      }
    }
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    // Never a 500, and every refusal says why and when to come back.
    expect(answers.filter((answer) => answer.status !== 202 && answer.status !== 503)).toEqual([]);
    for (const answer of refused) {
      expect(["STORAGE_FULL", "DATABASE_UNAVAILABLE"]).toContain(answer.code);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    expect(refused.some((answer) => answer.code === "STORAGE_FULL")).toBe(true);

    // Space is back: the same server takes accepts again, without a restart.
    rmSync(filler);
    let recovered: Answer | undefined;
    const backInTime = await waitUntil(
      async () => {
        recovered = await send(1000);
        return recovered.status === 202;
      },
      30_000,
      200,
    );
    expect(backInTime).toBe(true);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // Nothing acknowledged is lost: every 202 is stored and sent, before and after a kill -9.
    const acknowledged = [
      first,
      ...answers.filter((answer) => answer.status === 202),
      ...(recovered ? [recovered] : []),
    ].map((answer) => answer.id as string);
    const allSent = async () => {
      for (const id of acknowledged) {
        const detail = await api.get<{ status: string }>(`/v1/messages/${id}`);
        if (detail.status !== "sent") {
          return false;
        }
      }
      return true;
    };
    expect(await waitUntil(allSent, 60_000, 250)).toBe(true);
    console.log(
      `full disk: ${acknowledged.length} acknowledged (all sent), ${refused.length} refused with 503 ${[...new Set(refused.map((answer) => answer.code))].join("/")}`,
    );
    await server.kill();
    server = await startServer(environment);
    expect(await allSent()).toBe(true);
    expect((await send(2000)).status).toBe(202);
  });
});
