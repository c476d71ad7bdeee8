/** An address object of the v3 Mail Send API. */
export interface SendGridAddress {
  email: string;
  name?: string;
}

/** One personalization: its recipients and the per-recipient overrides. */
export interface SendGridPersonalization {
  to: SendGridAddress[];
  cc?: SendGridAddress[];
  bcc?: SendGridAddress[];
  subject?: string;
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
  send_at?: number;
}

/** One attachment; `content_id` only counts when `disposition` is `inline`. */
export interface SendGridAttachment {
  content: string;
  filename: string;
  type?: string;
  disposition?: "inline" | "attachment";
  content_id?: string;
}

/**
 * The part of the v3 Mail Send body the emulator reads, once validated
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send).
 */
export interface SendGridMail {
  personalizations: SendGridPersonalization[];
  from: SendGridAddress;
  reply_to?: SendGridAddress;
  reply_to_list?: SendGridAddress[];
  subject?: string;
  content?: { type: string; value: string }[];
  attachments?: SendGridAttachment[];
  headers?: Record<string, string>;
  categories?: string[];
  custom_args?: Record<string, string>;
  send_at?: number;
  template_id?: string;
  mail_settings?: { sandbox_mode?: { enable?: boolean } };
  /** Per-message overrides of the account's tracking settings. */
  tracking_settings?: {
    click_tracking?: { enable?: boolean; enable_text?: boolean };
    open_tracking?: { enable?: boolean; substitution_tag?: string };
  };
}

/** One entry of SendGrid's error body `{"errors":[…]}`. */
export interface SendGridErrorItem {
  message: string;
  field: string | null;
  help: string | null;
}
