import { describe, expect, it } from "vitest";
import { findUnsupportedFeature, type TrackingControl } from "../provider/capabilities";
import { unlimitedCapabilities } from "../testing/fake-provider";
import { plainMessage } from "../testing/plain-message";
import { sendMessageSchema, toEmailMessage } from "./message-schema";
import { explicitTracking, setsTracking } from "./tracking";

const valid = {
  from: "Acme <noreply@acme.test>",
  to: "user@example.com",
  subject: "Hi",
  text: "Hello",
};

describe("tracking on a send request", () => {
  it("keeps only the switches that were set, and nothing when none was", () => {
    const message = (tracking: unknown) =>
      toEmailMessage("msg_1", sendMessageSchema.parse({ ...valid, tracking }));
    expect(message({ opens: true, clicks: false }).tracking).toEqual({
      opens: true,
      clicks: false,
    });
    expect(message({ clicks: false }).tracking).toEqual({ clicks: false });
    expect("tracking" in message({})).toBe(false);
    expect("tracking" in toEmailMessage("msg_1", sendMessageSchema.parse(valid))).toBe(false);
  });

  it("refuses unknown switches and values that are not booleans", () => {
    const issues = (tracking: unknown) =>
      sendMessageSchema
        .safeParse({ ...valid, tracking })
        .error?.issues.map((issue) => [...issue.path, issue.code].join("."));
    expect(issues({ opens: "yes" })).toEqual(["tracking.opens.invalid_type"]);
    expect(issues({ links: true })).toEqual(["tracking.unrecognized_keys"]);
    expect(issues(true)).toEqual(["tracking.invalid_type"]);
  });

  it("says whether anything is switched, false included", () => {
    expect(setsTracking(undefined)).toBe(false);
    expect(setsTracking({})).toBe(false);
    expect(setsTracking({ opens: false })).toBe(true);
    expect(explicitTracking({ opens: undefined, clicks: true })).toEqual({
      tracking: { clicks: true },
    });
  });
});

describe("tracking as a capability", () => {
  const check = (tracking: TrackingControl, set: Parameters<typeof explicitTracking>[0]) =>
    findUnsupportedFeature(plainMessage({ id: "msg_1", ...explicitTracking(set) }), {
      ...unlimitedCapabilities,
      tracking,
    });

  it("rules out a provider whose tracking lives in its account only when the message sets it", () => {
    expect(check("account", { opens: false })).toBe(
      "open/click tracking is set in its account, not per message; this message sets tracking",
    );
    expect(check("account", { clicks: true })).not.toBeNull();
    expect(check("account", undefined)).toBeNull();
  });

  it("lets per-message providers and providers that never track carry any setting", () => {
    for (const control of ["perMessage", "none"] as const) {
      expect(check(control, { opens: true, clicks: true }), control).toBeNull();
      expect(check(control, { opens: false }), control).toBeNull();
    }
  });
});

describe("unsubscribe on a send request", () => {
  it("refuses a List-Unsubscribe header of the caller's own beside unsubscribe: true", () => {
    const result = sendMessageSchema.safeParse({
      ...valid,
      unsubscribe: true,
      headers: { "list-unsubscribe": "<mailto:u@acme.test>", "List-Unsubscribe-Post": "x" },
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "headers.list-unsubscribe",
      "headers.List-Unsubscribe-Post",
    ]);
  });

  it("lets the caller's own headers through without unsubscribe: true", () => {
    for (const unsubscribe of [false, undefined]) {
      expect(
        sendMessageSchema.safeParse({
          ...valid,
          unsubscribe,
          headers: { "List-Unsubscribe": "<mailto:u@acme.test>" },
        }).success,
      ).toBe(true);
    }
  });
});
