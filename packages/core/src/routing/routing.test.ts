import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../message/message-schema";
import { plainMessage } from "../testing/plain-message";
import { matchesRoute } from "./match-route";
import { orderTargets } from "./order-targets";
import { planRoute } from "./plan-route";
import { findUnknownProviders, type RouteConfig, routeSchema, routesSchema } from "./route-schema";

const message: EmailMessage = plainMessage({
  id: "msg_1",
  from: { email: "noreply@Acme.test" },
  to: [{ email: "user@example.com" }],
  cc: [{ email: "boss@example.com" }],
  tags: ["password-reset", "security"],
  metadata: { tenant: "acme", stream: "transactional" },
});

const route = (input: unknown): RouteConfig => routeSchema.parse(input);

describe("matchesRoute", () => {
  it("holds when there is no match", () => {
    expect(matchesRoute(message, undefined)).toBe(true);
  });

  it("checks each condition", () => {
    expect(matchesRoute(message, { tags: ["marketing", "security"] })).toBe(true);
    expect(matchesRoute(message, { tags: ["marketing"] })).toBe(false);
    expect(matchesRoute(message, { tagsAll: ["security", "password-reset"] })).toBe(true);
    expect(matchesRoute(message, { tagsAll: ["security", "marketing"] })).toBe(false);
    expect(matchesRoute(message, { fromDomain: ["ACME.test"] })).toBe(true);
    expect(matchesRoute(message, { fromDomain: ["other.test"] })).toBe(false);
    expect(matchesRoute(message, { toDomain: ["example.com"] })).toBe(true);
    expect(
      matchesRoute({ ...message, cc: [{ email: "x@gmail.com" }] }, { toDomain: ["example.com"] }),
    ).toBe(false);
    expect(matchesRoute(message, { metadata: { tenant: "acme" } })).toBe(true);
    expect(matchesRoute(message, { metadata: { tenant: "other" } })).toBe(false);
    expect(matchesRoute(message, { stream: "transactional" })).toBe(true);
    expect(matchesRoute(message, { stream: "broadcast" })).toBe(false);
  });

  it("requires every given condition", () => {
    expect(matchesRoute(message, { tags: ["security"], fromDomain: ["other.test"] })).toBe(false);
  });
});

describe("orderTargets", () => {
  it("keeps the configured order for priority", () => {
    expect(orderTargets(route({ name: "r", providers: ["a", "b", "c"] }))).toEqual(["a", "b", "c"]);
  });

  it("draws the first provider in proportion to the weights and keeps the rest as fallbacks", () => {
    const weighted = route({
      name: "r",
      strategy: "weighted",
      providers: [
        { name: "a", weight: 3 },
        { name: "b", weight: 1 },
      ],
    });
    expect(orderTargets(weighted, () => 0.1)).toEqual(["a", "b"]);
    expect(orderTargets(weighted, () => 0.8)).toEqual(["b", "a"]);
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let firstA = 0;
    for (let index = 0; index < 4000; index += 1) {
      if (orderTargets(weighted, random)[0] === "a") {
        firstA += 1;
      }
    }
    expect(firstA / 4000).toBeGreaterThan(0.7);
    expect(firstA / 4000).toBeLessThan(0.8);
  });
});

describe("planRoute", () => {
  const routes = [
    route({ name: "security", match: { tags: ["security"] }, providers: ["postmark", "sendgrid"] }),
    route({ name: "default", providers: ["sendgrid"] }),
  ];

  it("uses the first route whose match holds and lists skipped providers", () => {
    const plan = planRoute(message, routes, {
      check: (provider) =>
        provider === "postmark" ? { provider, reason: "breaker_open", detail: "open" } : null,
    });
    expect(plan).toEqual({
      route: "security",
      plan: ["sendgrid"],
      skipped: [{ provider: "postmark", reason: "breaker_open", detail: "open" }],
    });
  });

  it("falls through to the default route", () => {
    const plan = planRoute({ ...message, tags: [] }, routes, { check: () => null });
    expect(plan?.route).toBe("default");
  });

  it("returns null when no route matches", () => {
    expect(
      planRoute(message, [route({ name: "x", match: { tags: ["none"] }, providers: ["a"] })], {
        check: () => null,
      }),
    ).toBeNull();
  });
});

describe("route configuration", () => {
  it("refuses duplicate names, unknown strategies and empty provider lists", () => {
    expect(
      routesSchema.safeParse([
        { name: "a", providers: ["x"] },
        { name: "a", providers: ["y"] },
      ]).success,
    ).toBe(false);
    expect(routeSchema.safeParse({ name: "a", strategy: "random", providers: ["x"] }).success).toBe(
      false,
    );
    expect(routeSchema.safeParse({ name: "a", providers: [] }).success).toBe(false);
    expect(
      routeSchema.safeParse({ name: "a", providers: [{ name: "x", weight: 0 }] }).success,
    ).toBe(false);
  });

  it("finds routes that name unconfigured providers", () => {
    expect(findUnknownProviders([route({ name: "a", providers: ["x", "y"] })], ["x"])).toEqual([
      { path: [0, "providers", 1], message: 'names provider "y", which is not configured' },
    ]);
  });
});
