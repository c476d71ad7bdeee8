import {
  ConfigError,
  checkJsonDepth,
  type ProviderWebhook,
  parseProviderSettings,
  secretsEqual,
  type WebhookPayload,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { mapResendEvent } from "./map-resend-event";
import {
  type ResendWebhookPayload,
  resendEmailEventSchema,
  resendEventEnvelopeSchema,
} from "./resend-webhook-payload";
import { type ResendWebhookSettings, resendWebhookSettingsSchema } from "./resend-webhook-settings";

// Resend signs with Svix (`svix-*` headers); Standard Webhooks names the same headers `webhook-*`.
function signatureHeader(request: WebhookRequest, name: "id" | "timestamp" | "signature") {
  return request.headers[`svix-${name}`] ?? request.headers[`webhook-${name}`];
}

// Svix signs the body as a UTF-8 string, so the exact bytes must decode losslessly: `fatal`
// refuses invalid sequences and `ignoreBOM` keeps a leading byte-order mark in the signed text.
function decodeBody(rawBody: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(rawBody);
  } catch {
    return null;
  }
}

// A signature's length is public (base64 of a SHA-256), so differing lengths may return early.
async function hasMatchingSignature(header: string, expected: string): Promise<boolean> {
  // `sign()` answers `v1,<base64>`; the header's entries are compared by their base64 part.
  const expectedSignature = expected.slice(expected.indexOf(",") + 1);
  let matched = false;
  for (const entry of header.split(" ")) {
    const [version, signature] = entry.split(",", 2);
    // Only `v1` (HMAC-SHA256) is a symmetric-secret scheme; `v1a` (ed25519) is skipped.
    if (version !== "v1" || signature === undefined) {
      continue;
    }
    if (
      signature.length === expectedSignature.length &&
      (await secretsEqual(signature, expectedSignature))
    ) {
      matched = true;
    }
  }
  return matched;
}

function parseJson(text: string | null): unknown {
  if (text === null) {
    throw new WebhookPayloadError("Resend webhook body is not UTF-8");
  }
  checkJsonDepth(text, "Resend");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WebhookPayloadError("Resend webhook body is not JSON", { cause: error });
  }
}

function parseResendRequest(request: WebhookRequest): WebhookPayload {
  const body = parseJson(decodeBody(request.rawBody));
  const envelope = resendEventEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new WebhookPayloadError(
      `Resend webhook body is not a Resend event: ${z.prettifyError(envelope.error)}`,
      { cause: envelope.error },
    );
  }
  const { type } = envelope.data;
  // Contact and domain events (`contact.created`, `domain.updated`…) concern no message.
  if (!type.startsWith("email.")) {
    return { kind: "ignore", reason: `Resend ${type} events concern no message` };
  }
  const checked = resendEmailEventSchema.safeParse(body);
  if (!checked.success) {
    throw new WebhookPayloadError(`Resend ${type} event is not of the expected shape`, {
      cause: checked.error,
    });
  }
  const payload: ResendWebhookPayload = {
    webhookId: signatureHeader(request, "id") ?? null,
    body,
  };
  return { kind: "events", payload };
}

/**
 * Creates the handler for one Resend webhook endpoint. Verification follows Svix / Standard
 * Webhooks: HMAC-SHA256 over `${svix-id}.${svix-timestamp}.${body}` with the endpoint secret
 * (computed by `standardwebhooks`), a timestamp within the tolerance of `context.now`, and no
 * second acceptance of the same signed request (recorded through `context.claimReplayKey`). Throws ConfigError when the settings are invalid.
 */
export function createResendWebhook(settings: ResendWebhookSettings): ProviderWebhook {
  const { secret, toleranceSeconds } = parseProviderSettings(
    resendWebhookSettingsSchema,
    settings,
    "Invalid settings for the Resend webhook",
  );
  let signer: Webhook;
  try {
    signer = new Webhook(secret);
  } catch {
    throw new ConfigError("Invalid settings for the Resend webhook", [
      { path: "secret", message: "is not valid base64 after the whsec_ prefix" },
    ]);
  }
  return {
    async verify(request, context) {
      const { claimReplayKey } = context;
      if (!claimReplayKey) {
        throw new Error("Resend webhook verification needs claimReplayKey in its context");
      }
      const id = signatureHeader(request, "id");
      const timestamp = signatureHeader(request, "timestamp");
      const signature = signatureHeader(request, "signature");
      if (!id || !timestamp || !signature) {
        throw new WebhookVerificationError(
          "Resend webhook lacks the svix-id, svix-timestamp or svix-signature header",
        );
      }
      if (!/^\d{1,12}$/.test(timestamp)) {
        throw new WebhookVerificationError("Resend webhook svix-timestamp is not a Unix time");
      }
      const signedAtMs = Number(timestamp) * 1000;
      const toleranceMs = toleranceSeconds * 1000;
      const nowMs = context.now.getTime();
      if (Math.abs(nowMs - signedAtMs) > toleranceMs) {
        throw new WebhookVerificationError("Resend webhook timestamp is outside the tolerance");
      }
      const body = decodeBody(request.rawBody);
      // The library's own verify() checks the timestamp against the system clock with a fixed
      // window; sign() gives the same HMAC while the clock and tolerance stay ours.
      if (
        body === null ||
        !(await hasMatchingSignature(signature, signer.sign(id, new Date(signedAtMs), body)))
      ) {
        throw new WebhookVerificationError("Resend webhook signature does not match");
      }
      // Keyed by id and timestamp: Svix retries an event with the same id and a fresh timestamp,
      // and those retries must pass (the server dedupes them by svix-id); only a re-sent copy of
      // one signed request is a replay. The timestamp is keyed as a number, as it is signed, so
      // a copy with a zero-padded header is the same request. No body digest: the signature
      // covers the body, so any second use of the key is a copy of the same request.
      const claimed = await claimReplayKey({
        key: `${id}.${signedAtMs}`,
        bodyDigest: null,
        expiresAt: new Date(signedAtMs + toleranceMs),
      });
      if (!claimed) {
        throw new WebhookVerificationError("Resend webhook was already received (replay)");
      }
    },
    parse: parseResendRequest,
    toEvents: mapResendEvent,
  };
}
