import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "./support/api-client";
import { runCli, spawnCli } from "./support/cli-process";
import { type ServerProcess, startServer } from "./support/server-process";

const adminKey = "admin-key-for-the-cli-e2e-0123456789";

describe("mailroute: the CLI against a running server, through @mailroute/client", () => {
  let server: ServerProcess;
  let folder: string;
  /** The CLI's environment: the server's URL and the admin key, as a remote user sets them. */
  let remote: Record<string, string>;
  const cli = (args: string[], environment: Record<string, string> = {}, stdin?: string) =>
    runCli({ ...remote, ...environment }, args, stdin);
  const json = async <T>(args: string[], environment: Record<string, string> = {}) => {
    const result = await cli([...args, "--json"], environment);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout) as T;
  };
  const file = (name: string, content: unknown) => {
    const path = join(folder, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "mailroute-cli-"));
    server = await startServer({
      MAILROUTE_DATABASE: join(folder, "mailroute.db"),
      MAILROUTE_CONFIG: "",
      MAILROUTE_API_KEY: adminKey,
    });
    // Nothing of the server's own environment: only what a user of a remote mailroute sets.
    remote = { MAILROUTE_URL: server.url, MAILROUTE_API_KEY: adminKey, MAILROUTE_DATABASE: "" };
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("sends with flags, then `messages get --json` answers the stored message", async () => {
    const sent = await json<{ id: string; status: string }>([
      "send",
      "--from",
      "noreply@acme.test",
      "--to",
      "ada@example.com",
      "--to",
      "alan@example.com",
      "--subject",
      "Reset your password",
      "--text",
      "Your code is 123456",
      "--tag",
      "password-reset",
      "--metadata",
      "user=42",
    ]);
    expect(sent).toMatchObject({ id: expect.stringMatching(/^msg_/), status: "queued" });
    await waitUntil(
      async () => (await json<{ status: string }>(["messages", "get", sent.id])).status === "sent",
      10_000,
    );
    const message = await json<Record<string, unknown>>(["messages", "get", sent.id]);
    expect(message).toMatchObject({
      id: sent.id,
      status: "sent",
      subject: "Reset your password",
      tags: ["password-reset"],
      metadata: { user: "42" },
    });
    expect(JSON.stringify(message.to)).toContain("alan@example.com");
  });

  it("sends a whole JSON body from stdin", async () => {
    const body = {
      from: "noreply@acme.test",
      to: "grace@example.com",
      subject: "Stdin",
      text: "x",
    };
    const result = await cli(["send", "--file", "-", "--json"], {}, JSON.stringify(body));
    expect(result.code, result.stderr).toBe(0);
    const { id } = JSON.parse(result.stdout) as { id: string };
    expect(await json(["messages", "get", id])).toMatchObject({ subject: "Stdin" });
  });

  it("prints tables with a header row: messages list", async () => {
    const result = await cli(["messages", "list", "--limit", "5"]);
    expect(result.code, result.stderr).toBe(0);
    const [header, first] = result.stdout.trim().split("\n");
    expect(header?.split(/\s{2,}/)).toEqual([
      "ID",
      "STATUS",
      "TO",
      "SUBJECT",
      "PROVIDER",
      "CREATED",
    ]);
    expect(first).toMatch(/^msg_\S+\s{2,}\S+\s{2,}grace@example\.com\s{2,}Stdin\s/);
  });

  it("answers providers and suppressions as the API's JSON", async () => {
    const providers = await json<{ data: { name: string; breaker: string }[] }>(["providers"]);
    expect(providers.data).toEqual([
      expect.objectContaining({ name: "capture", breaker: "closed" }),
    ]);
    expect((await cli(["suppressions", "add", "gone@example.com", "--note", "left"])).code).toBe(0);
    const listed = await json<{ data: { email: string; reason: string; note: string }[] }>([
      "suppressions",
      "list",
    ]);
    expect(listed.data).toContainEqual(
      expect.objectContaining({ email: "gone@example.com", reason: "manual", note: "left" }),
    );
    expect((await cli(["suppressions", "remove", "gone@example.com"])).code).toBe(0);
    expect((await json<{ data: unknown[] }>(["suppressions", "list"])).data).toEqual([]);
  });

  it("stores a template with `templates put` and sends it with --template and --data", async () => {
    const template = file("welcome.json", { subject: "Welcome {{name}}", text: "Hi {{name}}!" });
    const stored = await json<{ name: string; version: number }>([
      "templates",
      "put",
      "welcome",
      "--file",
      template,
    ]);
    expect(stored).toMatchObject({ name: "welcome", version: 1 });
    // A second put is a new version of the same template.
    expect(await json(["templates", "put", "welcome", "--file", template])).toMatchObject({
      name: "welcome",
      version: 2,
    });
    expect(
      await json(["templates", "render", "welcome", "--data", '{"name":"Ada"}']),
    ).toMatchObject({ subject: "Welcome Ada", text: "Hi Ada!" });
    const sent = await json<{ id: string }>([
      "send",
      "--from",
      "noreply@acme.test",
      "--to",
      "ada@example.com",
      "--template",
      "welcome",
      "--data",
      `@${file("data.json", { name: "Ada" })}`,
    ]);
    expect(await json(["messages", "get", sent.id])).toMatchObject({ subject: "Welcome Ada" });
  });

  it("makes a send key that is refused PUT /v1/routes (403, exit 1), then revokes it (401)", async () => {
    const created = await json<{ id: string; key: string; scopes: string[] }>([
      "keys",
      "create",
      "--name",
      "app",
      "--scope",
      "send",
    ]);
    expect(created).toMatchObject({ key: expect.stringMatching(/^mr_/), scopes: ["send"] });
    const asApp = { MAILROUTE_API_KEY: created.key };
    const routes = file("routes.json", { routes: [{ name: "default", providers: ["capture"] }] });
    const refused = await cli(["routes", "put", routes], asApp);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^mailroute: FORBIDDEN: .*admin/);
    expect(refused.stderr).toMatch(/request id: \S+/);
    // The admin key may.
    expect((await cli(["routes", "put", routes])).code).toBe(0);
    expect(await json(["routes", "get"])).toMatchObject({ source: "api" });

    const sent = await cli(
      ["send", "--from", "a@acme.test", "--to", "b@example.com", "--subject", "s", "--text", "t"],
      asApp,
    );
    expect(sent.code, sent.stderr).toBe(0);
    const listed = await json<{ data: { id: string; name: string }[] }>(["keys", "list"]);
    expect(listed.data).toContainEqual(expect.objectContaining({ id: created.id, name: "app" }));
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const revoked = await cli(["keys", "revoke", created.id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked API key ${created.id}.\n` });
    const after = await cli(["providers"], asApp);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^mailroute: UNAUTHORIZED: /);
  });

  it("prints each detail of a rejected request on stderr and exits 1", async () => {
    const result = await cli(["send", "--from", "not-an-address", "--to", "b@example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mailroute: VALIDATION_ERROR: /);
    expect(result.stderr).toMatch(/\n {2}from: /);
  });

  it("exits 2 on usage errors: an unknown command, a missing argument, a bad flag value", async () => {
    for (const args of [
      ["bogus"],
      ["messages", "get"],
      ["send", "--metadata", "novalue"],
      ["send", "--template", "welcome", "--data", "{not json"],
      ["messages", "list", "--limit", "zero"],
    ]) {
      const result = await cli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).not.toBe("");
    }
    const help = await cli(["messages", "tail", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: mailroute messages tail");
    const helpCommand = await cli(["help", "keys"]);
    expect(helpCommand.code).toBe(0);
    expect(helpCommand.stdout).toContain("Usage: mailroute keys");
  });

  it("makes a key in the configured database when no API key is given, as the banner says", async () => {
    const result = await runCli(
      { MAILROUTE_DATABASE: join(folder, "mailroute.db"), MAILROUTE_CONFIG: "" },
      ["keys", "create", "--name", "first"],
    );
    expect(result.code, result.stderr).toBe(0);
    const key = /\n(mr_[A-Za-z0-9]{40})\n/.exec(result.stdout)?.[1] ?? "";
    expect((await cli(["providers", "--json"], { MAILROUTE_API_KEY: key })).code).toBe(0);
  });

  it("`migrate` migrates the configured database, and finds nothing to do the second time", async () => {
    const path = join(folder, "migrated.db");
    const local = { MAILROUTE_DATABASE: path, MAILROUTE_CONFIG: "" };
    const first = await runCli(local, ["migrate"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migrations to SQLite .*; it is up to date\.\n$/);
    expect(first.stdout).toContain(`SQLite ${path};`);
    const again = await runCli(local, ["migrate", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ database: `SQLite ${path}`, applied: 0 });
  });

  it("follows new messages with `messages tail` and new events with `events tail`", async () => {
    const messages = spawnCli(remote, ["messages", "tail", "--json", "--interval", "100"]);
    const events = spawnCli(remote, ["events", "tail", "--json", "--interval", "100"]);
    try {
      // Both have started polling from now: what exists already is not printed.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const sent = await json<{ id: string }>([
        "send",
        "--from",
        "noreply@acme.test",
        "--to",
        "tail@example.com",
        "--subject",
        "Tailed",
        "--text",
        "x",
      ]);
      await waitUntil(async () => messages.output().includes(sent.id), 10_000);
      await waitUntil(async () => events.output().includes(`"messageId":"${sent.id}"`), 10_000);
      const lines = messages
        .output()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { id: string; subject: string });
      expect(lines).toEqual([expect.objectContaining({ id: sent.id, subject: "Tailed" })]);
    } finally {
      await messages.stop();
      await events.stop();
    }
  });
});
