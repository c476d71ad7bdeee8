import {
  checkJsonDepth,
  type ProviderWebhook,
  parseJsonLeniently,
  parseProviderSettings,
  type WebhookContext,
  type WebhookPayload,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { mapSesEvent, type SesNotification } from "./map-ses-event";
import { parseSesRecord, sesRecordKind } from "./ses-event-record";
import {
  createSigningCertificates,
  type SigningCertificates,
  type SnsSignatureVersion,
  snsSignatureHashes,
} from "./ses-signing-certificates";
import { decodeSnsEnvelope, isSnsUrl, type SnsEnvelope, snsStringToSign } from "./ses-sns-envelope";
import { type SesWebhookSettings, sesWebhookSettingsSchema } from "./ses-webhook-settings";

interface VerifyOptions {
  topicArns: Set<string> | null;
  toleranceSeconds: number;
  certificates: SigningCertificates;
}

// Checks everything that needs no network before the certificate is fetched.
function checkEnvelope(
  request: WebhookRequest,
  envelope: SnsEnvelope,
  options: VerifyOptions,
  now: Date,
): void {
  const { headers } = request;
  if (headers["x-amz-sns-message-type"] !== envelope.Type) {
    throw new WebhookVerificationError("x-amz-sns-message-type is missing or differs from Type");
  }
  if (headers["x-amz-sns-message-id"] !== envelope.MessageId) {
    throw new WebhookVerificationError("x-amz-sns-message-id is missing or differs from MessageId");
  }
  const topicHeader = headers["x-amz-sns-topic-arn"];
  if (topicHeader !== undefined && topicHeader !== envelope.TopicArn) {
    throw new WebhookVerificationError("x-amz-sns-topic-arn differs from TopicArn");
  }
  if (options.topicArns && !options.topicArns.has(envelope.TopicArn ?? "")) {
    throw new WebhookVerificationError("the SNS topic is not one this endpoint accepts");
  }
  const sentAt = Date.parse(envelope.Timestamp ?? "");
  if (Number.isNaN(sentAt) || Math.abs(now.getTime() - sentAt) > options.toleranceSeconds * 1000) {
    throw new WebhookVerificationError("the SNS Timestamp is missing or outside the tolerance");
  }
  if (!isSnsUrl(envelope.SigningCertURL, "certificate")) {
    throw new WebhookVerificationError("SigningCertURL is not an SNS certificate URL");
  }
  if (
    envelope.Type === "SubscriptionConfirmation" &&
    !isSnsUrl(envelope.SubscribeURL, "subscribe")
  ) {
    throw new WebhookVerificationError("SubscribeURL is not an SNS URL");
  }
}

async function verifySnsRequest(
  request: WebhookRequest,
  context: WebhookContext,
  options: VerifyOptions,
): Promise<void> {
  const envelope = decodeSnsEnvelope(request.rawBody);
  if (!envelope) {
    throw new WebhookVerificationError("body is not an SNS message");
  }
  checkEnvelope(request, envelope, options, context.now);
  const version = envelope.SignatureVersion ?? "";
  const text = snsStringToSign(envelope);
  if (!Object.hasOwn(snsSignatureHashes, version) || !envelope.Signature || text === null) {
    throw new WebhookVerificationError("the SNS message is not signed in a known way");
  }
  const isValid = await options.certificates.verify({
    url: envelope.SigningCertURL ?? "",
    version: version as SnsSignatureVersion,
    signature: envelope.Signature,
    text,
    now: context.now,
    fetch: context.fetch ?? fetch,
  });
  if (!isValid) {
    throw new WebhookVerificationError("the SNS signature does not match");
  }
}

function parseNotification(envelope: SnsEnvelope): WebhookPayload {
  checkJsonDepth(envelope.Message, "SES");
  const record = parseJsonLeniently(envelope.Message);
  if (record === undefined) {
    // SES posts "Successfully validated SNS topic for Amazon SES event publishing." as text.
    return { kind: "ignore", reason: "SNS notification without a JSON message" };
  }
  const parsed = parseSesRecord(record);
  const kind = sesRecordKind(parsed);
  if (kind === "Received") {
    throw new WebhookPayloadError(
      "an SES inbound (receipt rule) notification reached the tracking webhook",
    );
  }
  if (kind === "AmazonSnsSubscriptionSucceeded") {
    // SES's own note that a configuration set's SNS destination works.
    return { kind: "ignore", reason: "SES subscription notice" };
  }
  if (!envelope.Timestamp) {
    throw new WebhookPayloadError("SNS notification without a Timestamp");
  }
  const payload: SesNotification = {
    messageId: envelope.MessageId,
    timestamp: envelope.Timestamp,
    record,
  };
  return { kind: "events", payload };
}

/**
 * Builds the handler for Amazon SES events delivered by an SNS HTTPS subscription. `verify`
 * checks the SNS signature (version 1 or 2) with the certificate from the pinned SNS host, the
 * topic allow-list and the signed Timestamp. A resent message passes again on purpose: SNS
 * resends the same MessageId after a failed delivery, and the server drops repeats by dedupeKey.
 */
export function createSesWebhook(settings: SesWebhookSettings = {}): ProviderWebhook {
  const { topicArns, toleranceSeconds } = parseProviderSettings(
    sesWebhookSettingsSchema,
    settings,
    "Invalid webhook settings for Amazon SES",
  );
  const options: VerifyOptions = {
    topicArns: topicArns ? new Set(topicArns) : null,
    toleranceSeconds,
    certificates: createSigningCertificates(),
  };

  return {
    verify: (request, context) => verifySnsRequest(request, context, options),

    parse(request): WebhookPayload {
      const envelope = decodeSnsEnvelope(request.rawBody);
      if (!envelope) {
        throw new WebhookPayloadError("body is not an SNS message");
      }
      switch (envelope.Type) {
        case "Notification":
          return parseNotification(envelope);
        case "SubscriptionConfirmation":
          // Checked again here: the server GETs this URL, so it must never be anything but SNS.
          if (!isSnsUrl(envelope.SubscribeURL, "subscribe")) {
            throw new WebhookVerificationError("SubscribeURL is not an SNS URL");
          }
          return { kind: "subscribe", confirmUrl: envelope.SubscribeURL ?? "" };
        case "UnsubscribeConfirmation":
          // Never re-subscribe on our own: someone with access to the topic removed us.
          return { kind: "ignore", reason: "SNS unsubscribe confirmation" };
        default:
          throw new WebhookPayloadError(`unknown SNS message type "${envelope.Type}"`);
      }
    },

    toEvents: mapSesEvent,
  };
}
