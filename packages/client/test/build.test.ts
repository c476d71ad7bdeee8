import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe("the published build (npm run build)", () => {
  beforeAll(() => {
    execFileSync("npm", ["run", "build"], { cwd: packageRoot, stdio: "pipe" });
  }, 120_000);

  it("is one ESM file with declarations that imports nothing, Node built-ins included", () => {
    const code = readFileSync(new URL("../dist/index.js", import.meta.url), "utf8");
    expect(code).not.toMatch(/\bfrom\s*["']|\brequire\(|\bimport\(/);
    const types = readFileSync(new URL("../dist/index.d.ts", import.meta.url), "utf8");
    expect(types).toContain("declare class Mailroute");
    expect(types).toContain("declare class MailrouteError");
  });

  it("exports what the package.json names, from dist", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(manifest.exports["."]).toMatchObject({
      types: "./dist/index.d.ts",
      import: "./dist/index.js",
    });
    const built = await import(new URL("../dist/index.js", import.meta.url).href);
    const client = new built.Mailroute({ baseUrl: "http://localhost:3000", apiKey: "mr_x" });
    expect(typeof client.messages.iterate).toBe("function");
    expect(typeof built.Mailroute.webhooks.verify).toBe("function");
    expect(new built.MailrouteError({ status: 400, code: "X", message: "m" })).toBeInstanceOf(
      Error,
    );
  });
});
