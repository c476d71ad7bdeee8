/** One field-level problem of a rejected request: where (`path`) and what is wrong. */
export interface MailrouteErrorDetail {
  path: string;
  message: string;
}

/**
 * Every failure the client throws: an error answer of the API (`status` is its HTTP status and
 * `code` its error code, e.g. `VALIDATION_ERROR`), or no answer at all (`status` 0, `code`
 * `NETWORK_ERROR` or `TIMEOUT`, the underlying error as `cause`).
 */
export class MailrouteError extends Error {
  override readonly name = "MailrouteError";
  readonly status: number;
  readonly code: string;
  readonly details: MailrouteErrorDetail[];
  /** The server's request id (error body or `x-request-id`): quote it when asking for help. */
  readonly requestId: string | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: MailrouteErrorDetail[];
    requestId?: string | null;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? null;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown };
}

function isDetail(value: unknown): value is MailrouteErrorDetail {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as MailrouteErrorDetail).path === "string" &&
    typeof (value as MailrouteErrorDetail).message === "string"
  );
}

/** Reads an error answer of the API (or of whatever stood in front of it) into a MailrouteError. */
export async function errorFromResponse(response: Response): Promise<MailrouteError> {
  const text = await response.text().catch(() => "");
  let body: ErrorBody = {};
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    // Not JSON: a proxy's page or an empty body; the status still says what happened.
  }
  const error = body?.error ?? {};
  const requestId =
    typeof error.requestId === "string" && error.requestId !== ""
      ? error.requestId
      : response.headers.get("x-request-id");
  return new MailrouteError({
    status: response.status,
    code: typeof error.code === "string" ? error.code : `HTTP_${response.status}`,
    message:
      typeof error.message === "string"
        ? error.message
        : `${response.status} ${response.statusText || "error"}`.trim(),
    details: Array.isArray(error.details) ? error.details.filter(isDetail) : [],
    requestId,
  });
}
