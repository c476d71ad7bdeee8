/** The send body every scenario posts: about 2 KB of JSON, three recipients, a tag, metadata. */
export function sendBody(options: { sendAt?: string } = {}): Record<string, unknown> {
  const paragraph =
    "Thank you for your order. We have received your payment and your items are being prepared " +
    "for shipping. You will receive another email with a tracking link as soon as the parcel " +
    "leaves our warehouse. ";
  const text = `Hello Jane,\n\n${paragraph.repeat(5)}\n\nOrder: A-100234\nTotal: 42.00 EUR\n\nAcme`;
  const html = `<p>Hello Jane,</p><p>${paragraph.repeat(3)}</p><p>Order: <b>A-100234</b></p>`;
  return {
    from: "Acme Shop <orders@acme.test>",
    to: ["Jane Doe <jane.doe@example.com>", "john.roe@example.com", "ops@example.org"],
    subject: "Your order A-100234 is confirmed",
    text,
    html,
    tags: ["receipt"],
    metadata: { userId: "42", orderId: "A-100234" },
    ...(options.sendAt ? { sendAt: options.sendAt } : {}),
  };
}

/** The body as a string, as it goes over the wire. */
export function sendBodyJson(options: { sendAt?: string } = {}): string {
  return JSON.stringify(sendBody(options));
}

/**
 * The SendGrid v3 Mail Send body mailroute builds for {@link sendBody} (see
 * packages/providers/sendgrid/src/sendgrid-mail-body.ts), for the direct-SDK baseline.
 */
export function sendGridMailFor(mailrouteId: string): Record<string, unknown> {
  const body = sendBody();
  return {
    personalizations: [
      {
        to: [
          { email: "jane.doe@example.com", name: "Jane Doe" },
          { email: "john.roe@example.com" },
          { email: "ops@example.org" },
        ],
      },
    ],
    from: { email: "orders@acme.test", name: "Acme Shop" },
    subject: body.subject,
    content: [
      { type: "text/plain", value: body.text },
      { type: "text/html", value: body.html },
    ],
    categories: body.tags,
    custom_args: { userId: "42", orderId: "A-100234", mailroute_id: mailrouteId },
  };
}
