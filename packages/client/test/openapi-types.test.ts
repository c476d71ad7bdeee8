import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateOpenApiTypes, readServerOpenApi } from "../scripts/openapi-source";

describe("src/openapi.d.ts", () => {
  it("is exactly what the server's current OpenAPI document generates", async () => {
    const committed = readFileSync(new URL("../src/openapi.d.ts", import.meta.url), "utf8");
    // On failure: run `npm run generate -w @mailroute/client` and commit the result.
    expect(committed).toBe(await generateOpenApiTypes());
  });

  it("has a method for every /v1 operation of the server", async () => {
    const document = await readServerOpenApi();
    const operationIds = Object.entries(document.paths ?? {})
      .filter(([path]) => path.startsWith("/v1/"))
      .flatMap(([, item]) =>
        Object.values(item ?? {}).flatMap((operation) =>
          typeof operation === "object" && operation && "operationId" in operation
            ? [String(operation.operationId)]
            : [],
        ),
      );
    expect(operationIds.length).toBeGreaterThan(25);
    // Each method names its operation in the types it answers (`SuccessBody<"getMessage">`).
    const client = readFileSync(new URL("../src/mailroute.ts", import.meta.url), "utf8");
    const missing = operationIds.filter((id) => !client.includes(`<"${id}">`));
    expect(missing).toEqual([]);
  });
});
