// Lenient readers of the values inside Mailgun events: a field of an unexpected type reads as
// absent rather than refusing the whole webhook.

import { bareAddressOf, parseJsonLeniently } from "@mailroute/core";
import { firstFormValue, type MailgunFormFields } from "./mailgun-form";
import { mailrouteIdVariable } from "./mailgun-send";

/** The user-variable name the send adapter writes as `v:mailroute_id`. */
const mailrouteIdKey = mailrouteIdVariable.replace(/^v:/, "");

export function textOf(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function recordOf(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

/** A three-digit code given as a number or a string; null otherwise. */
export function smtpCodeOf(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : textOf(value);
  return text !== null && /^\d{3}$/.test(text) ? Number(text) : null;
}

/** The address of a header naming exactly one mailbox; null for a list or nothing. */
export function singleAddress(value: unknown): string | null {
  const text = textOf(value);
  return text !== null && !text.includes(",") ? bareAddressOf(text) : null;
}

/** Mailgun's Message-ID without the angle brackets, as the send adapter stores it. */
export function messageIdOf(value: unknown): string | null {
  const id = textOf(value)
    ?.trim()
    .replace(/^<(.*)>$/, "$1");
  return id ? id : null;
}

/** A Unix-seconds value as given (number or decimal string); null for anything else. */
export function unixSecondsOf(value: unknown): number | string | null {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? value : null;
  }
  return typeof value === "string" && /^\d+(?:\.\d+)?$/.test(value) ? value : null;
}

/** True for an RFC 3463 enhanced status such as `5.1.1`. */
export function isEnhancedStatus(value: string | null): value is string {
  return value !== null && /^[245]\.\d{1,3}\.\d{1,3}$/.test(value);
}

/** Sender variables as strings, with `mailroute_id` taken out. */
export function splitMetadata(entries: Iterable<readonly [string, unknown]>): {
  mailrouteId: string | null;
  metadata: Record<string, string>;
} {
  const metadata = new Map<string, string>();
  for (const [key, value] of entries) {
    if (value !== null && value !== undefined) {
      metadata.set(key, typeof value === "string" ? value : JSON.stringify(value));
    }
  }
  const mailrouteId = metadata.get(mailrouteIdKey) ?? null;
  metadata.delete(mailrouteIdKey);
  // fromEntries defines own properties, so a variable named `__proto__` stays a plain key.
  return { mailrouteId, metadata: Object.fromEntries(metadata) };
}

/** The `message-headers` field of a legacy post: a JSON list of `[name, value]` pairs. */
export function legacyMessageHeaders(fields: MailgunFormFields): Array<[string, unknown]> {
  const text = firstFormValue(fields, "message-headers");
  // A malformed embedded header list only costs its metadata, never the event.
  const parsed = parseJsonLeniently(text);
  return Array.isArray(parsed)
    ? parsed.filter(
        (pair): pair is [string, unknown] => Array.isArray(pair) && typeof pair[0] === "string",
      )
    : [];
}

/** The sender variables of the X-Mailgun-Variables headers (each a JSON object), merged. */
export function variablesFromHeaders(headers: Array<[string, unknown]>): Array<[string, unknown]> {
  return headers
    .filter(([name]) => name.toLowerCase() === "x-mailgun-variables")
    .flatMap(([, value]) => {
      const variables = recordOf(typeof value === "string" ? parseJsonLeniently(value) : null);
      return variables ? Object.entries(variables) : [];
    });
}

function groupFormFields(fields: MailgunFormFields): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of fields) {
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  }
  return grouped;
}

/** Mailgun fields whose own value comes last, after a sender variable of the same name. */
const variableFirstFields: ReadonlySet<string> = new Set(["signature", "timestamp", "token"]);

function variableOf(
  name: string,
  values: string[],
  mailgunFields: ReadonlySet<string>,
): string | undefined {
  if (!mailgunFields.has(name)) {
    return values.at(-1);
  }
  // A single value is Mailgun's own; `tag` repeats for every tag, so it never holds a variable.
  if (name === "tag" || values.length < 2) {
    return undefined;
  }
  return variableFirstFields.has(name) ? values[0] : values.at(-1);
}

/**
 * Sender variables of a legacy post without message headers: Mailgun merges them into the form,
 * so every field it does not own is one, and a Mailgun field that repeats holds one too
 * (anymail's `_extract_legacy_metadata`).
 */
export function variablesFromFields(
  fields: MailgunFormFields,
  mailgunFields: ReadonlySet<string>,
): Array<[string, string]> {
  const variables: Array<[string, string]> = [];
  for (const [name, values] of groupFormFields(fields)) {
    const variable = variableOf(name, values, mailgunFields);
    if (variable !== undefined) {
      variables.push([name, variable]);
    }
  }
  return variables;
}

/** A legacy post as one object, a repeated field as a list: how `raw` keeps it. */
export function formAsObject(fields: MailgunFormFields): Record<string, string | string[]> {
  return Object.fromEntries(
    Array.from(groupFormFields(fields), ([name, values]) => [
      name,
      values.length === 1 ? (values[0] ?? "") : values,
    ]),
  );
}
