import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { BounceClass, EmailEventType } from "../events/email-event";
import type { ProviderEvent, ProviderWebhook, WebhookRequest } from "../webhooks/provider-webhook";

/** Where the corpus lives: the project's own copy in `test/fixtures/webhooks`, with its provenance. */
export const webhookFixturesFolder = fileURLToPath(
  new URL("../../../../test/fixtures/webhooks/", import.meta.url),
);

/** One expected event of the corpus, in its own (django-anymail) vocabulary. */
export interface ManifestEvent {
  raw_event: string;
  event_type: string;
  recipient?: string;
  message_id?: string;
  provider_message_id?: string;
  send_api_message_id?: string;
  timestamp?: string;
  event_id?: string;
  bounce_class?: string;
  reject_reason?: string;
  description?: string;
  mta_response?: string;
  smtp_code?: string;
  enhanced_status?: string;
  click_url?: string;
  user_agent?: string;
  tags?: string[];
  metadata?: Record<string, string | number>;
}

/** One case of the corpus: a request body and what it should normalize to. */
export interface ManifestCase {
  id: string;
  file: string;
  provider: string;
  provenance: string;
  content_type: string;
  form_encoded?: boolean;
  headers?: Record<string, string>;
  expected_handling?: string;
  events: ManifestEvent[];
  notes?: string;
}

/** Reads every case of the corpus. */
export function readManifest(): ManifestCase[] {
  const manifest = JSON.parse(readFileSync(`${webhookFixturesFolder}manifest.json`, "utf8")) as {
    cases: ManifestCase[];
  };
  return manifest.cases;
}

/** Reads `signatures.json`. */
export function readSignatureVectors(): Record<string, unknown> {
  return JSON.parse(readFileSync(`${webhookFixturesFolder}signatures.json`, "utf8")) as Record<
    string,
    unknown
  >;
}

/** Builds the request a provider would have sent for a case (form-encoded cases re-encoded). */
export function fixtureRequest(fixture: ManifestCase): WebhookRequest {
  const bytes = readFileSync(`${webhookFixturesFolder}${fixture.file}`);
  const headers: Record<string, string> = { "content-type": fixture.content_type };
  for (const [name, value] of Object.entries(fixture.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  let rawBody: Uint8Array = new Uint8Array(bytes);
  if (fixture.form_encoded) {
    const fields = JSON.parse(bytes.toString("utf8")) as Record<string, string | string[]>;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        form.append(name, item);
      }
    }
    rawBody = new TextEncoder().encode(form.toString());
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  return {
    method: "POST",
    url: `https://mailroute.example/webhooks/${fixture.provider}`,
    headers,
    rawBody,
  };
}

// The corpus uses django-anymail's vocabulary; mailroute's is DESIGN.md's.
const eventTypeMap: Record<string, EmailEventType> = {
  subscribed: "unknown",
  inbound: "unknown",
};

const bounceClassMap: Record<string, BounceClass> = {
  hard: "hard",
  invalid: "hard",
  soft: "soft",
  timed_out: "soft",
  blocked: "block",
  spam: "block",
  suppressed: "undetermined",
  autoreply: "undetermined",
  unsubscribed: "undetermined",
  other: "undetermined",
};

/** The corpus's expected event in mailroute's vocabulary (only the fields the case states). */
export function expectedEvent(event: ManifestEvent): Partial<ProviderEvent> {
  const type = eventTypeMap[event.event_type] ?? (event.event_type as EmailEventType);
  const expected: Partial<ProviderEvent> = { type };
  if (event.recipient !== undefined) {
    expected.recipient = event.recipient.toLowerCase();
  }
  const providerMessageId = event.send_api_message_id ?? event.message_id;
  if (providerMessageId !== undefined) {
    // Message-ID style ids are compared without their angle brackets, as the adapters store them.
    expected.providerMessageId = providerMessageId.replace(/^<(.*)>$/, "$1");
  }
  if (event.event_id !== undefined) {
    expected.providerEventId = event.event_id;
  }
  if (type === "bounced" && event.bounce_class !== undefined) {
    expected.bounce = bounceClassMap[event.bounce_class] ?? "undetermined";
  }
  // Only a basic reply code compares; a corpus entry holding an enhanced status ("5.1.1") does not.
  if (event.smtp_code !== undefined && /^\d{3}$/.test(event.smtp_code)) {
    expected.smtpCode = Number(event.smtp_code);
  }
  if (event.enhanced_status !== undefined) {
    expected.enhancedStatus = event.enhanced_status;
  }
  // An empty diagnostic says nothing; the provider's description then explains the event.
  const reason = event.mta_response || event.description;
  if (reason !== undefined) {
    expected.reason = reason;
  }
  if (event.click_url !== undefined) {
    expected.url = event.click_url;
  }
  if (event.user_agent !== undefined) {
    expected.userAgent = event.user_agent;
  }
  if (event.tags !== undefined) {
    expected.tags = event.tags;
  }
  if (event.metadata !== undefined) {
    // Metadata values are strings in mailroute; a provider may echo a number.
    expected.metadata = Object.fromEntries(
      Object.entries(event.metadata).map(([key, value]) => [key, String(value)]),
    );
  }
  return expected;
}

/** What a provider package gives the fixture runner. */
export interface WebhookFixtureSetup {
  /** The corpus folder name (`sendgrid`, `ses`…). */
  provider: string;
  webhook: ProviderWebhook;
  /**
   * Cases whose expected events this adapter deliberately does not reproduce, by case id, each
   * with the reason (only cases whose provenance is `guessed`, or a documented vocabulary choice).
   */
  differences?: Record<string, string>;
}

function runCase(setup: WebhookFixtureSetup, fixture: ManifestCase): void {
  const request = fixtureRequest(fixture);
  let events: ProviderEvent[] = [];
  let rejected: unknown = null;
  try {
    const parsed = setup.webhook.parse(request);
    events = parsed.kind === "events" ? setup.webhook.toEvents(parsed.payload) : [];
  } catch (error) {
    rejected = error;
  }
  if (fixture.expected_handling?.startsWith("reject:")) {
    expect(events, "a case marked reject must produce no event").toEqual([]);
    return;
  }
  expect(rejected, `parse or toEvents threw: ${String(rejected)}`).toBeNull();
  expect(events).toHaveLength(fixture.events.length);
  fixture.events.forEach((manifestEvent, index) => {
    const event = events[index] as ProviderEvent;
    const expected = expectedEvent(manifestEvent);
    const { occurredAt, ...rest } = expected;
    expect(event, `event ${index}`).toMatchObject(rest);
    if (manifestEvent.timestamp !== undefined) {
      expect(Date.parse(event.occurredAt ?? ""), `event ${index} occurredAt`).toBe(
        Date.parse(manifestEvent.timestamp),
      );
    } else if (event.occurredAt !== null) {
      expect(
        Number.isNaN(Date.parse(event.occurredAt)),
        `event ${index} occurredAt is a date`,
      ).toBe(false);
    }
    expect(occurredAt).toBeUndefined();
    expect(event.raw, `event ${index} keeps the raw item`).toBeDefined();
    expect(event.recipient === null || event.recipient === event.recipient.toLowerCase()).toBe(
      true,
    );
  });
}

/** Checks every corpus case of one provider against what its handler produces. */
export function runWebhookFixtures(setup: WebhookFixtureSetup): void {
  const cases = readManifest().filter((fixture) => fixture.provider === setup.provider);
  describe(`${setup.provider} webhook fixtures`, () => {
    it("has cases in the corpus", () => {
      expect(cases.length).toBeGreaterThan(0);
    });
    for (const fixture of cases) {
      const difference = setup.differences?.[fixture.id];
      if (difference) {
        it.skip(`${fixture.id} (differs on purpose: ${difference})`, () => runCase(setup, fixture));
      } else {
        it(`${fixture.id} normalizes as the manifest says`, () => runCase(setup, fixture));
      }
    }
  });
}
