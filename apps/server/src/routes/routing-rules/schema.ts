import { z } from "@hono/zod-openapi";

/** The routes in force and where they came from (`GET` and `PUT /v1/routes`). */
export const routeStateSchema = z
  .object({
    routes: z.array(z.looseObject({ name: z.string() })),
    source: z.enum(["configuration", "api"]),
    updatedAt: z.string().nullable(),
  })
  .openapi("Routes");
