import type { ErrorCode } from "./error-codes";

/** One problem with one field of the input, as the HTTP error body lists it. */
export interface ErrorDetail {
  /** Where the problem is, written the way a user would index the JSON: `to[0]`, `headers.From`. */
  path: string;
  message: string;
}

/** The base of every error mailroute raises on purpose: a stable code, a message, optional details. */
export class MailrouteError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: ErrorDetail[]; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = "MailrouteError";
    this.code = code;
    this.details = options?.details ?? [];
  }
}
