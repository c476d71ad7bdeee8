import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "./support/server-process";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `npm run mailroute -- <args>` (the CLI, as a process) against the given database. */
function runCli(
  environment: Record<string, string>,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "apps/server/src/cli.ts", ...args],
      { cwd: repositoryRoot, env: { ...process.env, ...environment } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("mailroute keys: scoped keys made by the CLI", () => {
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

    const listed = await runCli(environment, ["keys", "list"]);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split("\n").find((line) => line.includes("\tapp\t")) ?? "";
    expect(row).toContain(`${key.slice(0, 11)}…\tsend\t`);
    expect(listed.stdout).not.toContain(key);
    const id = row.split("\t")[0] ?? "";
    const revoked = await runCli(environment, ["keys", "revoke", id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked API key ${id}.\n` });
    expect((await runCli(environment, ["keys", "revoke", id])).code).toBe(1);
    expect((await runCli(environment, ["keys", "list"])).stdout).not.toContain(id);
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
