import { z } from "@hono/zod-openapi";

/** The `:token` of an unsubscribe link, as its `List-Unsubscribe` header carries it. */
export const tokenParams = z.object({
  token: z.string().openapi({
    description: "The signed token from the message's List-Unsubscribe header",
    example: "msg_00mws64a8bn1g83q5jy8uqet.G1YYj73GWohZI4hsi3JxMyFJBQWJ2RgDNkUhCAzQeS0",
  }),
});

/** An HTML page for the recipient. */
export const htmlContent = { "text/html": { schema: z.string() } };
