// The durable-accept baseline: a bare Hono POST route that parses and zod-validates the same
// body as POST /v1/messages and answers 202 without storing anything.
import { serve } from "@hono/node-server";
import { newId, sendMessageSchema } from "@mailroute/core";
import { Hono } from "hono";
import { serveCommands } from "../support/child";

const app = new Hono();
app.post("/v1/messages", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: { code: "VALIDATION_ERROR", message: "body is not JSON" } }, 400);
  }
  const parsed = sendMessageSchema.safeParse(body);
  if (!parsed.success) {
    return c.json({ error: { code: "VALIDATION_ERROR", message: parsed.error.message } }, 400);
  }
  return c.json({ id: newId("msg"), status: "queued" }, 202);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  serveCommands({ url: `http://127.0.0.1:${info.port}` }, async () => {
    throw new Error("the baseline server takes no commands");
  });
});
process.on("SIGTERM", () => {
  server.close();
  process.exit(0);
});
