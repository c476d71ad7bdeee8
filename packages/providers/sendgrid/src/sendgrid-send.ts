import type { EmailMessage, SendOptions, SendResult } from "@mailroute/core";
import {
  createSendGridClient,
  type SendGridAgents,
  type SendGridProgress,
} from "./sendgrid-client";
import { mapSendGridError } from "./sendgrid-error";
import { buildSendGridMailBody } from "./sendgrid-mail-body";
import { type ResolvedSendGridSettings, sendGridDefaultBaseUrl } from "./sendgrid-settings";

/** One account's settings and connection pools. */
export interface SendGridSendContext {
  settings: ResolvedSendGridSettings;
  agents: SendGridAgents;
}

const maxLoggedBody = 2000;

function headerOf(headers: unknown, name: string): string | null {
  const value =
    typeof headers === "object" && headers !== null
      ? (headers as Record<string, unknown>)[name]
      : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first !== "" ? first : null;
}

function toSendResult(
  status: number,
  headers: unknown,
  body: unknown,
  note: string | null,
): SendResult {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  const notes = [
    // 200 is sandbox mode: SendGrid validated the message and did not queue it
    // (https://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html). It is still an
    // acceptance for mailroute, since sending again would not change that.
    status === 200 ? "sandbox mode: validated, not queued" : null,
    note,
    text === "" ? null : text,
  ].filter((item): item is string => item !== null);
  return {
    // X-Message-Id is the only id SendGrid gives; webhook events carry it as the start of
    // sg_message_id. Some accounts have been seen without it, hence null.
    providerMessageId: headerOf(headers, "x-message-id"),
    response: {
      status,
      ...(notes.length > 0 ? { body: notes.join("; ").slice(0, maxLoggedBody) } : {}),
    },
  };
}

/** Sends one message through the v3 Mail Send API and reads SendGrid's answer. */
export async function sendWithSendGrid(
  context: SendGridSendContext,
  message: EmailMessage,
  options: SendOptions,
): Promise<SendResult> {
  const { settings } = context;
  const body = buildSendGridMailBody(message);
  // The dispatcher's deadline, capped by this account's own ceiling.
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(settings.timeoutMs)]);
  const progress: SendGridProgress = { connected: false };
  const client = createSendGridClient({
    apiKey: settings.apiKey,
    baseUrl: settings.baseUrl ?? sendGridDefaultBaseUrl,
    signal,
    agents: context.agents,
    progress,
  });
  try {
    const [response] = await client.request({ method: "POST", url: "/v3/mail/send", body });
    return toSendResult(response.statusCode, response.headers, response.body, null);
  } catch (error) {
    const head = progress.response;
    // A 2xx status line means SendGrid took the message, even if the body never arrived: sending
    // it again would duplicate it.
    if (head && head.status >= 200 && head.status < 300) {
      return toSendResult(head.status, head.headers, undefined, "the body was cut off");
    }
    throw mapSendGridError(error, {
      provider: settings.name,
      progress,
      abortReason: signal.aborted ? signal.reason : undefined,
    });
  }
}
