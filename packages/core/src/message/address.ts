import { z } from "zod";
import { isOneLine } from "./is-one-line";

// Deliberately plain: one @, no whitespace or angle brackets, a dotted domain of letters, digits
// and hyphens. Providers validate further; this catches typos before anything is stored.
const emailPattern =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** True for a bare address such as `a@b.com` (no display name). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value);
}

/** A mailbox: the address and an optional display name. */
export const emailAddressSchema = z.object({
  email: z.string(),
  name: z.string().optional(),
});

/** A mailbox after parsing. */
export type EmailAddress = z.infer<typeof emailAddressSchema>;

const namedPattern = /^\s*(.*?)\s*<([^<>]+)>\s*$/;

/** Parses `a@b.com` or `Name <a@b.com>` (quotes around the name are dropped); null when invalid. */
export function parseAddress(value: string): EmailAddress | null {
  const named = namedPattern.exec(value);
  const rawName = named ? named[1] : undefined;
  const email = (named ? named[2] : value)?.trim() ?? "";
  if (!isEmailAddress(email)) {
    return null;
  }
  const name = rawName?.replace(/^"(.*)"$/, "$1").trim();
  return name ? { email, name } : { email };
}

/** Formats a mailbox the way it appears in a header: `Name <a@b.com>` or `a@b.com`. */
export function formatAddress(address: EmailAddress): string {
  if (!address.name) {
    return address.email;
  }
  const needsQuotes = /[(),.:;<>@[\]\\"]/.test(address.name);
  const name = needsQuotes ? `"${address.name.replace(/(["\\])/g, "\\$1")}"` : address.name;
  return `${name} <${address.email}>`;
}

/** The domain part of an address, lowercased. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

// A display name is one line of text; an angle bracket in it would make a second address
// (`<a@b.com> <c@d.com>`) or a name that shows another address (`"Bank <help@bank.test>" <x@evil.test>`).
const angleBracket = /[<>]/;

/** One address as the API accepts it: a string (`a@b.com`, `Name <a@b.com>`) or `{email, name}`. */
export const addressInputSchema = z
  .union([z.string(), z.object({ email: z.string(), name: z.string().optional() }).strict()])
  .transform((value, ctx): EmailAddress => {
    const parsed =
      typeof value === "string"
        ? parseAddress(value)
        : isEmailAddress(value.email.trim())
          ? { email: value.email.trim(), ...(value.name ? { name: value.name } : {}) }
          : null;
    if (!parsed) {
      ctx.addIssue({ code: "custom", message: "is not a valid email address" });
      return z.NEVER;
    }
    if (
      parsed.name !== undefined &&
      (!isOneLine(parsed.name) || angleBracket.test(parsed.name) || parsed.name.length > 256)
    ) {
      ctx.addIssue({
        code: "custom",
        message:
          "display name must be one line of at most 256 characters, without control characters, < or >",
      });
      return z.NEVER;
    }
    return parsed;
  });

/**
 * One address or a list of them; always a list after parsing. A union rather than a
 * preprocessing step, so the OpenAPI document says that a single address is accepted too.
 */
export const addressListInputSchema = z
  .union([z.array(addressInputSchema), addressInputSchema])
  .transform((value) => (Array.isArray(value) ? value : [value]));
