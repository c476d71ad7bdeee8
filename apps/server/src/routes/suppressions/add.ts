import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { emailSchema, suppressionSchema } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/suppressions",
  operationId: "addSuppression",
  summary: "Suppress an address",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({ email: emailSchema, note: z.string().max(1000).optional() }).strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    201: { description: "Added", content: { "application/json": { schema: suppressionSchema } } },
    200: {
      description: "Already suppressed (the first entry is kept)",
      content: { "application/json": { schema: suppressionSchema } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `POST /v1/suppressions`: 201 when added, 200 when the address was already suppressed. */
export function registerAddSuppression(app: App): void {
  app.openapi(route, async (c) => {
    const { entry, created } = await c.get("services").suppressions.add(c.req.valid("json"));
    return created ? c.json(entry, 201) : c.json(entry, 200);
  });
}
