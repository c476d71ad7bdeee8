import { describe, expect, it } from "vitest";
import { sesWebhookSettingsSchema } from "./ses-webhook-settings";

describe("sesWebhookSettingsSchema", () => {
  it("defaults the tolerance to five minutes and leaves the topic list open", () => {
    expect(sesWebhookSettingsSchema.parse({})).toEqual({ toleranceSeconds: 300 });
  });

  it("accepts standard, China and FIFO topic ARNs", () => {
    const topicArns = [
      "arn:aws:sns:us-east-1:123456789012:ses-events",
      "arn:aws-cn:sns:cn-north-1:123456789012:ses-events",
      "arn:aws:sns:eu-west-1:123456789012:ses-events.fifo",
    ];
    expect(sesWebhookSettingsSchema.parse({ topicArns }).topicArns).toEqual(topicArns);
  });
});
