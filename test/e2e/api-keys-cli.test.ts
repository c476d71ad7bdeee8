import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli-process";
import { type ServerProcess, startServer } from "./support/server-process";

describe("mailroute keys --local: scoped keys made by the CLI in the database", () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("creates a send key that sends but is refused PUT /v1/routes with 403", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mailroute-keys-"));
    const environment = {
      MAILROUTE_DATABASE: join(folder, "mailroute.db"),
      MAILROUTE_CONFIG: "",
      MAILROUTE_API_KEY: "admin-key-for-the-cli-test-0123456789",
    };
    server = await startServer(environment);
    const created = await runCli(environment, [
      "keys",
      "create",
      "--name",
      "app",
      "--scope",
      "send",
      "--local",
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('"app"');
    const key = /\n(mr_[A-Za-z0-9]{40})\n/.exec(created.stdout)?.[1] ?? "";
    expect(key).not.toBe("");
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const put = await fetch(`${server.url}/v1/routes`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ routes: [{ name: "default", providers: ["capture"] }] }),
    });
    expect(put.status).toBe(403);
    expect(await put.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    const sent = await fetch(`${server.url}/v1/messages`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        from: "noreply@acme.test",
        to: "user@example.com",
        subject: "Hi",
        text: "Hello",
      }),
    });
    expect(sent.status).toBe(202);

    const listed = await runCli(environment, ["keys", "list", "--local"]);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trim().split("\n");
    expect(header?.split(/\s{2,}/)).toEqual([
      "ID",
      "NAME",
      "PREFIX",
      "SCOPES",
      "CREATED",
      "LAST USED",
    ]);
    const row = (rows.find((line) => line.split(/\s{2,}/)[1] === "app") ?? "").split(/\s{2,}/);
    expect(row.slice(2, 4)).toEqual([`${key.slice(0, 11)}…`, "send"]);
    expect(listed.stdout).not.toContain(key);
    const id = row[0] ?? "";
    const revoked = await runCli(environment, ["keys", "revoke", id, "--local"]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked API key ${id}.\n` });
    const again = await runCli(environment, ["keys", "revoke", id, "--local"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("NOT_FOUND");
    expect((await runCli(environment, ["keys", "list", "--local"])).stdout).not.toContain(id);
  });

  it("refuses an unknown scope as a usage error", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mailroute-keys-"));
    const result = await runCli(
      { MAILROUTE_DATABASE: join(folder, "mailroute.db"), MAILROUTE_CONFIG: "" },
      ["keys", "create", "--scope", "owner"],
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown scope 'owner'");
  });
});
