import { MailrouteError } from "@mailroute/core";
import { closeStoresAfterEach } from "@mailroute/store/testing";
import { describe, expect, it, vi } from "vitest";
import type { HostLookup } from "./resolve-safe-target";
import { createWebhookEndpointsService, type ReplaySelection } from "./webhook-endpoints";
import { WebhookTargetError } from "./webhook-target-error";

const track = closeStoresAfterEach();

// hooks.example.com is public, internal.example.com resolves to a private address.
const lookup: HostLookup = async (hostname) => [
  { address: hostname.startsWith("internal.") ? "10.0.0.7" : "93.184.215.14", family: 4 },
];

function setup() {
  const store = track();
  const notify = vi.fn();
  const service = createWebhookEndpointsService({
    store,
    outbound: { allowLoopback: false, allowPrivate: false, lookup },
    notify,
  });
  const replayDeliveries = vi.spyOn(store, "replayDeliveries");
  const updateEndpoint = vi.spyOn(store, "updateEndpoint");
  const createEndpoint = () =>
    service.create({ url: "https://hooks.example.com/mailroute", enabled: true });
  return { store, service, notify, replayDeliveries, updateEndpoint, createEndpoint };
}

async function thrown(promise: Promise<unknown>): Promise<MailrouteError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MailrouteError);
  return error as MailrouteError;
}

describe("createWebhookEndpointsService", () => {
  it("creates an endpoint with a we_ id and a whsec_ secret, without waking the worker", async () => {
    const { service, notify } = setup();
    const endpoint = await service.create({
      url: "https://hooks.example.com/mailroute",
      enabled: true,
    });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint.description).toBeNull();
    expect(endpoint.eventTypes).toBeNull();
    expect(await service.get(endpoint.id)).toEqual(endpoint);
    expect(notify).not.toHaveBeenCalled();
  });

  it("refuses a URL that resolves to a private address, and stores nothing", async () => {
    const { service } = setup();
    await expect(
      service.create({ url: "https://internal.example.com/hook", enabled: true }),
    ).rejects.toBeInstanceOf(WebhookTargetError);
    expect(await service.list()).toEqual([]);
  });

  it("checks a new URL before the endpoint is looked up or changed", async () => {
    const { service, notify, updateEndpoint, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    for (const id of [endpoint.id, "we_missing"]) {
      await expect(
        service.update(id, { url: "https://internal.example.com/hook" }),
      ).rejects.toBeInstanceOf(WebhookTargetError);
    }
    expect(updateEndpoint).not.toHaveBeenCalled();
    expect(notify).not.toHaveBeenCalled();
    expect((await service.get(endpoint.id)).url).toBe("https://hooks.example.com/mailroute");
  });

  it("wakes the delivery worker after an update", async () => {
    const { service, notify, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    const updated = await service.update(endpoint.id, { enabled: false });
    expect(updated.enabled).toBe(false);
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it("keeps the old secret signing until the grace period ends", async () => {
    const { service, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    const before = Date.now();
    const rotated = await service.rotateSecret(endpoint.id, 3600);
    const after = Date.now();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.previousSecret).toBe(endpoint.secret);
    const expiresAt = Date.parse(rotated.previousSecretExpiresAt ?? "");
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600 * 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 3600 * 1000);
  });

  it.each<[string, (service: ReturnType<typeof setup>["service"]) => Promise<unknown>]>([
    ["get", (service) => service.get("we_missing")],
    ["update", (service) => service.update("we_missing", { enabled: true })],
    ["delete", (service) => service.delete("we_missing")],
    ["rotateSecret", (service) => service.rotateSecret("we_missing", 60)],
    ["listDeliveries", (service) => service.listDeliveries("we_missing", { limit: 10 })],
    ["replay", (service) => service.replay("we_missing", { deliveryId: "wd_1" })],
  ])("%s of an unknown endpoint is NOT_FOUND and wakes nothing", async (_verb, call) => {
    const { service, notify, replayDeliveries } = setup();
    const error = await thrown(call(service));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("no webhook endpoint with id we_missing");
    expect(replayDeliveries).not.toHaveBeenCalled();
    expect(notify).not.toHaveBeenCalled();
  });

  it.each<[string, ReplaySelection]>([
    ["neither a deliveryId nor a range", {}],
    ["a deliveryId and a range", { deliveryId: "wd_1", since: "2026-01-01T00:00:00Z" }],
    ["only since", { since: "2026-01-01T00:00:00Z" }],
    ["only until", { until: "2026-01-02T00:00:00Z" }],
    ["a time that is not a date", { since: "yesterday", until: "2026-01-02T00:00:00Z" }],
  ])("refuses a replay of %s before touching a delivery", async (_case, selection) => {
    const { service, notify, replayDeliveries, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    const error = await thrown(service.replay(endpoint.id, selection));
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(replayDeliveries).not.toHaveBeenCalled();
    expect(notify).not.toHaveBeenCalled();
  });

  it("answers NOT_FOUND for a delivery the endpoint does not have, and wakes nothing", async () => {
    const { service, notify, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    const error = await thrown(service.replay(endpoint.id, { deliveryId: "wd_missing" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("no delivery wd_missing for this endpoint");
    expect(notify).not.toHaveBeenCalled();
  });

  it("replays a range with nothing in it as zero, and wakes the worker", async () => {
    const { service, notify, replayDeliveries, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    expect(
      await service.replay(endpoint.id, {
        since: "2026-01-01T00:00:00Z",
        until: "2026-01-02T00:00:00+02:00",
      }),
    ).toEqual({ replayed: 0 });
    expect(replayDeliveries).toHaveBeenCalledWith(
      endpoint.id,
      { since: new Date("2026-01-01T00:00:00Z"), until: new Date("2026-01-01T22:00:00Z") },
      expect.any(Date),
    );
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it("deletes an endpoint, which is then not found", async () => {
    const { service, createEndpoint } = setup();
    const endpoint = await createEndpoint();
    await service.delete(endpoint.id);
    expect(await service.list()).toEqual([]);
    expect((await thrown(service.get(endpoint.id))).code).toBe("NOT_FOUND");
  });
});
