import type { FailureOutcome, ProviderErrorReason } from "./attempt-outcomes";
import { MailrouteError } from "./mailroute-error";

/** What an adapter knows about a failed provider call. */
export interface ProviderErrorInit {
  provider: string;
  outcome: FailureOutcome;
  reason: ProviderErrorReason;
  message: string;
  /** The provider's own error code (HTTP status, API error code, SMTP reply code or socket code). */
  providerCode?: string | undefined;
  statusCode?: number | undefined;
  /** How long the provider asked us to wait before trying again. */
  retryAfterMs?: number | undefined;
  /** The start of the provider's response body, for the attempt log. */
  responseBody?: string | undefined;
  /** Recipients the provider refused for good (suppressed, inactive), for the suppression list. */
  rejectedRecipients?: string[] | undefined;
  cause?: unknown;
}

/** A failed provider call, classified by the adapter that knows the vendor's semantics. */
export class ProviderError extends MailrouteError {
  readonly provider: string;
  readonly outcome: FailureOutcome;
  readonly reason: ProviderErrorReason;
  readonly providerCode: string | undefined;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly responseBody: string | undefined;
  readonly rejectedRecipients: string[];

  constructor(init: ProviderErrorInit) {
    super("PROVIDER_ERROR", init.message, { cause: init.cause });
    this.name = "ProviderError";
    this.provider = init.provider;
    this.outcome = init.outcome;
    this.reason = init.reason;
    this.providerCode = init.providerCode;
    this.statusCode = init.statusCode;
    this.retryAfterMs = init.retryAfterMs;
    this.responseBody = init.responseBody?.slice(0, 2000);
    this.rejectedRecipients = init.rejectedRecipients ?? [];
  }

  /** True when another provider (or a later try) may safely send this message. */
  get isRetryable(): boolean {
    return this.outcome === "retryable";
  }
}

/** Type guard that works across package copies (checks the name, not the prototype). */
export function isProviderError(error: unknown): error is ProviderError {
  return (
    error instanceof ProviderError || (error instanceof Error && error.name === "ProviderError")
  );
}
