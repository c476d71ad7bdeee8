import type { EmailAddress } from "../message/address";

/** A fault an emulator applies to the send requests it receives until cleared. */
export type EmulatorFault =
  /** Answer with this status and body (the provider's real error shape when `body` is omitted). */
  | { kind: "status"; status: number; body?: string; retryAfter?: string; times?: number }
  /** Wait before handling the request normally. */
  | { kind: "latency"; ms: number; times?: number }
  /** Read the request, then never answer. */
  | { kind: "hang"; times?: number }
  /** Read the whole request (the message counts as accepted in the ledger), then reset the socket. */
  | { kind: "acceptThenReset"; times?: number }
  /** Read the request, then reset the socket without accepting. */
  | { kind: "reset"; times?: number }
  /** Accept, send the status line and headers at once, then trickle the body over `ms`. */
  | { kind: "slowBody"; ms: number; times?: number }
  /** For each send request, with probability `rate`, one of `faults` picked at random. */
  | {
      kind: "random";
      rate: number;
      faults: EmulatorFault[];
      random?: () => number;
      times?: number;
    };

/** One message an emulator accepted, normalized so every provider's ledger reads the same. */
export interface LedgerEntry {
  providerMessageId: string;
  /** mailroute's id, as found in the provider's metadata field (custom_args, v:, Metadata, header). */
  mailrouteId: string | null;
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  subject: string;
  text: string | null;
  html: string | null;
  attachments: {
    filename: string;
    contentType: string | null;
    contentId: string | null;
    content: string;
  }[];
  headers: Record<string, string>;
  tags: string[];
  metadata: Record<string, string>;
  sendAt: string | null;
  /**
   * The provider's own open/click tracking fields as they arrived, by their wire names
   * (SendGrid's `tracking_settings`, Mailgun's `o:tracking-*`, Postmark's `TrackOpens` and
   * `TrackLinks`); empty when the request left tracking to the account.
   */
  tracking: Record<string, unknown>;
  /** The request body as the emulator parsed it. */
  raw: unknown;
}

/** How tests drive a provider emulator: where it listens, what it accepted, which fault to inject. */
export interface EmulatorControl {
  readonly baseUrl: string;
  /** Messages accepted so far, in order. */
  ledger(): LedgerEntry[];
  /** Every send request received, accepted or not. */
  requestCount(): number;
  fault(fault: EmulatorFault | null): void;
  /** How many send requests each fault kind was applied to (random faults count as the kind drawn). */
  faultCounts(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}
