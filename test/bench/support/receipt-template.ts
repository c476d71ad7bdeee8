/**
 * The templated-accept scenario's template: about 5 KB of Handlebars HTML with 10 variables and a
 * <style> block (inlined when it is compiled) and no text part (made from the HTML), so a send
 * exercises everything a stored template costs at accept.
 */
export function receiptTemplate(): Record<string, unknown> {
  const rows = Array.from(
    { length: 25 },
    (_, index) =>
      `<tr><td class="item">Item ${index + 1}: a fine thing from the Acme catalogue</td><td class="qty">1</td><td class="price">9.90 EUR</td></tr>`,
  ).join("\n");
  const paragraph =
    "Thank you for shopping with us. We have received your payment and your items are being " +
    "prepared for shipping; you will receive another email with a tracking link as soon as the " +
    "parcel leaves our warehouse.";
  const html = `<style>
  body { font-family: Helvetica, Arial, sans-serif; color: #222222; }
  h1 { font-size: 22px; margin: 0 0 12px 0; }
  p { font-size: 14px; line-height: 20px; margin: 0 0 12px 0; }
  table.items { border-collapse: collapse; width: 100%; }
  td.item { padding: 4px 8px; border-bottom: 1px solid #eeeeee; }
  td.qty, td.price { padding: 4px 8px; text-align: right; border-bottom: 1px solid #eeeeee; }
  .total { font-weight: bold; font-size: 16px; }
  .footer { color: #888888; font-size: 12px; }
</style>
<h1>Thanks for your order, {{user.firstName}}!</h1>
<p>Hello {{user.firstName}} {{user.lastName}},</p>
<p>${paragraph}</p>
<p>Order <b>{{order.id}}</b>, placed on {{order.date}}.</p>
<table class="items">
${rows}
</table>
<p class="total">Total: {{order.total}} {{order.currency}}</p>
<p>Shipping to: {{shipping.street}}, {{shipping.city}}, {{shipping.country}}</p>
<p>${paragraph}</p>
<p>${paragraph}</p>
<p class="footer">This receipt was sent to {{user.email}}. Acme Shop, 1 Main Street, Springfield.</p>
<p class="footer">${paragraph}</p>`;
  return { name: "bench-receipt", subject: "Your order {{order.id}} is confirmed", html };
}

/** The data the template is rendered with: its 10 variables. */
export const receiptData = {
  user: { firstName: "Jane", lastName: "Doe", email: "jane.doe@example.com" },
  order: { id: "A-100234", date: "2026-12-03", total: "118.80", currency: "EUR" },
  shipping: { street: "12 Rue de la Paix", city: "Paris", country: "France" },
};
