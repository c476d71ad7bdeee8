import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, startServer } from "./support/server-process";

describe("quick start: no configuration at all", () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("prints a first API key that sends the README's example through capture", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mailroute-quick-"));
    server = await startServer({
      MAILROUTE_DATABASE: join(folder, "mailroute.db"),
      MAILROUTE_CONFIG: "",
      LOG_LEVEL: "info",
    });
    const output = server.output();
    expect(output).toMatch(/Config\s+none: the local capture provider/);
    const key = /\n\s+(mr_[A-Za-z0-9]{40})\n/.exec(output)?.[1];
    expect(key).toBeDefined();
    const api = createApiClient(() => server?.url ?? "", key as string);
    const answer = await api.send({
      from: "Acme <noreply@acme.test>",
      to: "user@example.com",
      subject: "Reset your password",
      text: "Your code is 123456",
      tags: ["password-reset"],
    });
    expect(answer.status).toBe(202);
    let message: { status: string; attempts: { provider: string; outcome: string }[] } | undefined;
    await waitUntil(async () => {
      message = await api.get(`/v1/messages/${answer.id}`);
      return message?.status === "sent";
    }, 10_000);
    expect(message).toMatchObject({
      status: "sent",
      attempts: [{ provider: "capture", outcome: "accepted" }],
    });
    const captures = await api.get<{ data: { messageId: string; message: { subject: string } }[] }>(
      "/v1/captures",
    );
    expect(captures.data[0]).toMatchObject({
      messageId: answer.id,
      message: { subject: "Reset your password" },
    });
    // The banner went to stderr: stdout is JSON lines only, the access log among them.
    const lines = server
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "request",
        method: "POST",
        route: "/v1/messages",
        status: 202,
      }),
    );
    expect(server.stdout()).not.toContain(key);
    // The banner's docs and metrics addresses answer, with no key (metrics: from this machine).
    for (const name of ["Docs", "Metrics"]) {
      const url = new RegExp(`${name}\\s+(http://\\S+)`).exec(output)?.[1] ?? "";
      expect(new URL(url).port).toBe(new URL(server.url).port);
      expect((await fetch(url)).status).toBe(200);
    }
  });
});
