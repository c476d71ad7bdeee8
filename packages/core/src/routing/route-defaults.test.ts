import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../message/message-schema";
import { oneClickUnsubscribeHeaders, unsubscribeUrl } from "../message/one-click-unsubscribe";
import { plainMessage } from "../testing/plain-message";
import { matchRoute } from "./match-route";
import { applyRouteDefaults } from "./route-defaults";
import { findUnusableDefaults, type RouteConfig, routeSchema } from "./route-schema";

const route = (input: unknown): RouteConfig => routeSchema.parse(input);
const one = (overrides: Partial<EmailMessage> = {}) => plainMessage({ id: "msg_1", ...overrides });

describe("matchRoute", () => {
  it("answers the first route whose match holds, or null", () => {
    const routes = [
      route({ name: "billing", match: { tags: ["receipt"] }, providers: ["a"] }),
      route({ name: "default", providers: ["b"] }),
    ];
    expect(matchRoute(one({ tags: ["receipt"] }), routes)?.name).toBe("billing");
    expect(matchRoute(one(), routes)?.name).toBe("default");
    expect(matchRoute(one(), routes.slice(0, 1))).toBeNull();
  });
});

describe("applyRouteDefaults", () => {
  const defaults = [{ defaults: { tracking: { opens: false, clicks: true }, unsubscribe: true } }];

  it("fills in what the message left unset, and an explicit setting wins, false included", () => {
    const { message } = applyRouteDefaults(one({ tracking: { clicks: false } }), {}, defaults);
    expect(message.tracking).toEqual({ opens: false, clicks: false });
    expect(applyRouteDefaults(one(), {}, defaults).message.tracking).toEqual({
      opens: false,
      clicks: true,
    });
  });

  it("leaves tracking absent when neither the message nor the route sets it", () => {
    const { message } = applyRouteDefaults(one(), {}, [{ defaults: { unsubscribe: true } }]);
    expect("tracking" in message).toBe(false);
    expect("tracking" in applyRouteDefaults(one(), {}, []).message).toBe(false);
  });

  it("applies a default unsubscribe only to a message with one recipient in all", () => {
    expect(applyRouteDefaults(one(), {}, defaults).unsubscribe).toBe(true);
    const two = one({ cc: [{ email: "two@example.com" }] });
    expect(applyRouteDefaults(two, {}, defaults).unsubscribe).toBe(false);
    // The same address twice is still one recipient.
    const repeated = one({ bcc: [{ email: "ONE@example.com" }] });
    expect(applyRouteDefaults(repeated, {}, defaults).unsubscribe).toBe(true);
  });

  it("does not apply a default unsubscribe over the message's own List-Unsubscribe", () => {
    const own = one({ headers: { "list-unsubscribe": "<mailto:leave@acme.test>" } });
    expect(applyRouteDefaults(own, {}, defaults).unsubscribe).toBe(false);
  });

  it("takes the defaults of the route that matches the message, not of another", () => {
    const routes = [
      route({
        name: "a",
        match: { tags: ["news"] },
        providers: ["x"],
        defaults: { unsubscribe: true },
      }),
      route({ name: "b", providers: ["x"], defaults: { tracking: { opens: true } } }),
    ];
    const news = applyRouteDefaults(one({ tags: ["news"] }), {}, routes);
    expect(news).toMatchObject({ unsubscribe: true });
    expect(news.message).not.toHaveProperty("tracking");
    const other = applyRouteDefaults(one(), {}, routes);
    expect(other).toMatchObject({ unsubscribe: false, message: { tracking: { opens: true } } });
  });

  it("keeps the message's explicit unsubscribe, whatever the route says", () => {
    expect(applyRouteDefaults(one(), { unsubscribe: false }, defaults).unsubscribe).toBe(false);
    const two = one({ cc: [{ email: "two@example.com" }] });
    // Explicit true stays true; the server refuses it for two recipients with a clear 422.
    expect(applyRouteDefaults(two, { unsubscribe: true }, []).unsubscribe).toBe(true);
    expect(applyRouteDefaults(one(), {}, []).unsubscribe).toBe(false);
  });
});

describe("route defaults in the configuration", () => {
  it("validates the defaults strictly", () => {
    expect(
      routeSchema.safeParse({
        name: "a",
        providers: ["x"],
        defaults: { tracking: { pixel: true } },
      }).success,
    ).toBe(false);
    expect(
      routeSchema.safeParse({ name: "a", providers: ["x"], defaults: { unsubscribe: "yes" } })
        .success,
    ).toBe(false);
    expect(
      route({ name: "a", providers: ["x"], defaults: { tracking: { opens: true } } }).defaults,
    ).toEqual({ tracking: { opens: true } });
  });

  it("finds default unsubscribes that have no public URL to link to", () => {
    const routes = [
      route({ name: "a", providers: ["x"], defaults: { tracking: { opens: true } } }),
      route({ name: "b", providers: ["x"], defaults: { unsubscribe: true } }),
    ];
    expect(findUnusableDefaults(routes, { unsubscribe: false })).toEqual([
      {
        path: [1, "defaults", "unsubscribe"],
        message: expect.stringContaining("server.publicUrl"),
      },
    ]);
    expect(findUnusableDefaults(routes, { unsubscribe: true })).toEqual([]);
  });
});

describe("one-click unsubscribe headers", () => {
  it("puts the token's URL in angle brackets beside the RFC 8058 marker", () => {
    const url = unsubscribeUrl("https://mail.example.com/", "msg_1.sig");
    expect(url).toBe("https://mail.example.com/u/msg_1.sig");
    expect(unsubscribeUrl("https://example.com/mailroute", "t")).toBe(
      "https://example.com/mailroute/u/t",
    );
    expect(oneClickUnsubscribeHeaders(url)).toEqual({
      "List-Unsubscribe": "<https://mail.example.com/u/msg_1.sig>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });
});
