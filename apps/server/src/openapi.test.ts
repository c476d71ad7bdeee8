import { createFakeProvider } from "@mailroute/core/testing";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "./test-support";

interface Operation {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { description: string }>;
  requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
}
interface Document {
  servers: { url: string }[];
  security: unknown[];
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

// Warnings of Redocly's `recommended` set that stay, each for a reason that holds:
const acceptedWarnings = [
  // The project has no licence chosen yet; the document will name it once it has.
  "info-license #/info",
  // Liveness and readiness take no input and no key: there is no 4xx they could answer.
  "operation-4xx-response #/paths/~1healthz/get/responses",
  "operation-4xx-response #/paths/~1readyz/get/responses",
];

describe("the OpenAPI document", () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let source: string;
  let document: Document;

  beforeAll(async () => {
    app = await createTestApp({ providers: [createFakeProvider("primary")] });
    const response = await app.app.request("http://mailroute.internal:3000/openapi.json");
    source = await response.text();
    document = JSON.parse(source) as Document;
  });
  afterAll(() => app.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );

  it("passes Redocly's recommended rules with no error", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source, absoluteRef: "/openapi.json", config });
    const errors = problems.filter((problem) => problem.severity === "error");
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    const warnings = problems.map(
      (problem) => `${problem.ruleId} ${problem.location[0]?.pointer ?? ""}`,
    );
    expect(warnings.sort()).toEqual([...acceptedWarnings].sort());
  });

  it("names every operation once, so generated clients get stable method names", () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["sendMessage", "cancelMessage", "listEvents"]));
  });

  it("requires the Bearer API key everywhere but health, metrics, provider webhooks and unsubscribe links", () => {
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(document.security).toEqual([{ apiKey: [] }]);
    const open = operations()
      .filter(({ operation }) => operation.security !== undefined)
      .map(({ path, method, operation }) => [`${method} ${path}`, operation.security]);
    expect(open).toEqual([
      ["get /healthz", []],
      ["get /readyz", []],
      ["post /webhooks/{providerName}", []],
      ["get /u/{token}", []],
      ["post /u/{token}", []],
      // The metrics token when one is configured, nothing (loopback only) otherwise.
      ["get /metrics", [{ metricsToken: [] }, {}]],
    ]);
  });

  it("points at the mailroute it was fetched from", () => {
    expect(document.servers).toEqual([
      { url: "http://mailroute.internal:3000", description: "This mailroute" },
    ]);
  });

  it("describes 409 on cancel and release as what it means there, not an Idempotency-Key clash", () => {
    const conflict = (path: string) =>
      document.paths[path]?.post?.responses["409"]?.description ?? "";
    expect(conflict("/v1/messages/{id}/cancel")).toMatch(/cannot be cancelled/);
    expect(conflict("/v1/messages/{id}/release")).toBe("The message is not held");
    expect(conflict("/v1/messages")).toMatch(/Idempotency-Key/);
  });

  it("documents that to, cc, bcc and replyTo take one address or a list", () => {
    const properties =
      document.paths["/v1/messages"]?.post?.requestBody?.content["application/json"]?.schema
        .properties ?? {};
    for (const field of ["to", "cc", "bcc", "replyTo"]) {
      const branches = (properties[field] as { anyOf: { type?: string }[] }).anyOf;
      expect(
        branches.map((branch) => branch.type ?? "address"),
        field,
      ).toEqual(["array", "address"]);
    }
  });
});
