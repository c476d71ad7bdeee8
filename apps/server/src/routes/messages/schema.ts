import { z } from "@hono/zod-openapi";

/** What release and cancel answer: the message and the status it is in now. */
export const messageStatusSchema = z.object({ id: z.string(), status: z.string() });
