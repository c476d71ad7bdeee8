import { z } from "@hono/zod-openapi";
import { apiKeyScopes } from "@mailroute/core";

/** An API key as listed: never the secret or its hash. */
export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_01J9Z3" }),
    name: z.string(),
    prefix: z.string().openapi({
      example: "mr_AbCdEfGh",
      description: "The key's first characters, to recognize it",
    }),
    scopes: z.array(z.enum(apiKeyScopes)),
    createdAt: z.string(),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ description: "When a request last used the key, to within a minute" }),
  })
  .openapi("ApiKey");
