import { describe, expect, it } from "vitest";
import { messageStatuses } from "../status/message-status";
import {
  isFinishedForRetention,
  retentionCutoffs,
  retentionIntervalMs,
  retentionSettingsSchema,
} from "./retention-policy";

const day = 86_400_000;
const now = new Date("2026-06-30T12:00:00.000Z");

describe("retentionSettingsSchema", () => {
  it("defaults to 30 days of content, 7 of raw payloads and 90 of records, run hourly", () => {
    expect(retentionSettingsSchema.parse({})).toEqual({
      content: "30d",
      raw: "7d",
      records: "90d",
      interval: "1h",
      batchSize: 100,
    });
  });

  it("names the field that is not a duration", () => {
    const result = retentionSettingsSchema.safeParse({ content: "30 days", interval: "never" });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(issues).toEqual([
      ["content", "must be a duration such as 30d, 12h, 90m or 45s, or never"],
      ["interval", "must be a duration such as 1h, 10m or 30s"],
    ]);
  });
});

describe("retentionCutoffs", () => {
  it("counts each period back from now", () => {
    const cutoffs = retentionCutoffs(retentionSettingsSchema.parse({}), now);
    expect(cutoffs).toEqual({
      contentBefore: new Date(now.getTime() - 30 * day),
      rawBefore: new Date(now.getTime() - 7 * day),
      recordsBefore: new Date(now.getTime() - 90 * day),
    });
  });

  it("keeps a part for good when its period is never", () => {
    const cutoffs = retentionCutoffs(
      retentionSettingsSchema.parse({ content: "never", raw: "12h", records: "never" }),
      now,
    );
    expect(cutoffs).toEqual({
      contentBefore: null,
      rawBefore: new Date(now.getTime() - 12 * 3_600_000),
      recordsBefore: null,
    });
  });

  it("reads the interval in milliseconds", () => {
    expect(retentionIntervalMs(retentionSettingsSchema.parse({ interval: "10m" }))).toBe(600_000);
  });
});

describe("isFinishedForRetention", () => {
  it("keeps every message dispatch may still read, and only those", () => {
    const kept = messageStatuses.filter((status) => !isFinishedForRetention(status));
    expect(kept).toEqual(["queued", "scheduled", "sending", "held"]);
  });
});
