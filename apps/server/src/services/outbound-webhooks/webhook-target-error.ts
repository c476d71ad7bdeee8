import { MailrouteError } from "@mailroute/core";
import type { AddressCategory } from "./classify-ip-address";

/** Why a webhook URL was refused: a malformed URL, an unresolvable host or a forbidden address. */
export type WebhookTargetRefusal =
  | "invalid_url"
  | "unsupported_protocol"
  | "credentials_in_url"
  | "unresolvable"
  | Exclude<AddressCategory, "public">;

/** Raised when a webhook URL must not be called; from the API it is a 400 validation error. */
export class WebhookTargetError extends MailrouteError {
  readonly reason: WebhookTargetRefusal;
  /** The resolved address that was refused, when the refusal is about an address. */
  readonly address: string | null;

  constructor(
    reason: WebhookTargetRefusal,
    message: string,
    options: { address?: string; cause?: unknown } = {},
  ) {
    super("VALIDATION_ERROR", message, {
      details: [{ path: "url", message }],
      cause: options.cause,
    });
    this.name = "WebhookTargetError";
    this.reason = reason;
    this.address = options.address ?? null;
  }
}
