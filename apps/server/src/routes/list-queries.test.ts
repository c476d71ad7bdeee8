import { createFakeProvider } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function open() {
  const app = await createTestApp({ providers: [createFakeProvider("primary")] });
  apps.push(app);
  const endpoint = await app.store.createEndpoint({
    id: "we_1",
    url: "http://127.0.0.1:9/hook",
    description: null,
    eventTypes: null,
    enabled: true,
    secret: "whsec_dGVzdA==",
    at: new Date(),
  });
  return { app, endpoint };
}

describe("list endpoints refuse unknown query parameters", () => {
  it.each([
    { list: "/v1/messages", unknown: "subject=x", known: "tag=a&limit=1" },
    { list: "/v1/messages", unknown: "q=x", known: "status=sent,failed" },
    { list: "/v1/events", unknown: "cursor=x", known: "type=sent&limit=5" },
    { list: "/v1/captures", unknown: "to=user@example.com", known: "messageId=msg_1" },
    { list: "/v1/suppressions", unknown: "reason=manual", known: "email=a@example.com" },
    { list: "/v1/webhook-endpoints", unknown: "enabled=true", known: "" },
    { list: "/v1/webhook-endpoints/we_1/deliveries", unknown: "type=sent", known: "status=failed" },
    { list: "/v1/providers", unknown: "name=primary", known: "" },
  ])("$list?$unknown is a 400 naming the parameter; ?$known still answers", async (row) => {
    const { app } = await open();
    const refused = await app.get(`${row.list}?${row.unknown}`);
    expect(refused.status).toBe(400);
    const name = row.unknown.split("=")[0];
    expect(await refused.json()).toEqual({
      error: {
        code: "VALIDATION_ERROR",
        message: expect.any(String),
        details: [{ path: name, message: "is not a known field" }],
        requestId: expect.stringMatching(/^req_/),
      },
    });
    const answered = await app.get(`${row.list}?${row.known}`);
    expect(answered.status).toBe(200);
  });

  it("names every unknown parameter, next to the known ones that are invalid", async () => {
    const { app } = await open();
    const response = await app.get("/v1/messages?subject=x&q=y&limit=0");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((detail) => detail.path).sort()).toEqual([
      "limit",
      "q",
      "subject",
    ]);
  });
});
