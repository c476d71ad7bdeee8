import { describe, expect, it } from "vitest";
import { plainMessage } from "../testing/plain-message";
import { dropSuppressed, type SuppressionSplit } from "./drop-suppressed";

const message = plainMessage({
  id: "msg_1",
  to: [{ email: "To1@example.com" }, { email: "to2@example.com" }],
  cc: [{ email: "cc@example.com" }],
  bcc: [{ email: "bcc@example.com" }],
});

const table: [string, string[], SuppressionSplit][] = [
  ["nobody suppressed: send as is", [], { message, rejections: [] }],
  [
    "one to recipient (matched case-insensitively): drop it",
    ["to1@example.com"],
    {
      message: { ...message, to: [{ email: "to2@example.com" }] },
      rejections: [{ recipients: ["to1@example.com"], reason: "suppressed", final: false }],
    },
  ],
  [
    "cc and bcc: drop them, keep the to recipients",
    ["bcc@example.com", "cc@example.com"],
    {
      message: { ...message, cc: [], bcc: [] },
      rejections: [
        { recipients: ["bcc@example.com", "cc@example.com"], reason: "suppressed", final: false },
      ],
    },
  ],
  [
    "every to recipient: send nothing, reject the others too",
    ["to1@example.com", "to2@example.com"],
    {
      message: null,
      rejections: [
        {
          recipients: ["to1@example.com", "to2@example.com"],
          reason: "suppressed",
          final: false,
        },
        {
          recipients: ["cc@example.com", "bcc@example.com"],
          reason: "every to recipient is suppressed",
          final: true,
        },
      ],
    },
  ],
  [
    "every recipient: one final rejection",
    ["to1@example.com", "to2@example.com", "cc@example.com", "bcc@example.com"],
    {
      message: null,
      rejections: [
        {
          recipients: ["to1@example.com", "to2@example.com", "cc@example.com", "bcc@example.com"],
          reason: "suppressed",
          final: true,
        },
      ],
    },
  ],
];

describe("dropSuppressed", () => {
  it.each(table)("%s", (_name, suppressed, expected) => {
    expect(dropSuppressed(message, new Set(suppressed))).toStrictEqual(expected);
  });
});
