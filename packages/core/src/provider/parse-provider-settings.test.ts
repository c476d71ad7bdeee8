import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/config-error";
import { parseProviderSettings } from "./parse-provider-settings";

const schema = z
  .object({
    name: z.string().min(1),
    apiKey: z.string().min(1),
    webhook: z
      .object({ username: z.string(), password: z.string().min(8) })
      .strict()
      .optional(),
    allowedIps: z.array(z.ipv4()).optional(),
    timeoutMs: z.number().int().positive().default(5000),
  })
  .strict();

function problemsOf(settings: unknown) {
  try {
    parseProviderSettings(schema, settings, 'provider "eu": invalid Example settings');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { message: (error as ConfigError).message, details: (error as ConfigError).details };
  }
  throw new Error("expected a ConfigError");
}

describe("parseProviderSettings", () => {
  it("returns the parsed value, defaults applied", () => {
    expect(parseProviderSettings(schema, { name: "eu", apiKey: "k" }, "unused")).toEqual({
      name: "eu",
      apiKey: "k",
      timeoutMs: 5000,
    });
  });

  it("throws a ConfigError with the label as its message and CONFIG_ERROR as its code", () => {
    const { message } = problemsOf({ name: "eu" });
    expect(message).toBe('provider "eu": invalid Example settings');
    expect(() => parseProviderSettings(schema, {}, "label")).toThrow(
      expect.objectContaining({ code: "CONFIG_ERROR", name: "ConfigError" }),
    );
  });

  it.each([
    {
      case: "a missing top-level field",
      settings: { name: "eu" },
      paths: ["apiKey"],
    },
    {
      case: "a nested field",
      settings: { name: "eu", apiKey: "k", webhook: { username: "u", password: "short" } },
      paths: ["webhook.password"],
    },
    {
      case: "an array element, its index joined with a dot",
      settings: { name: "eu", apiKey: "k", allowedIps: ["10.0.0.1", "not-an-ip"] },
      paths: ["allowedIps.1"],
    },
    {
      case: "an unknown top-level key, reported at the object that refuses it",
      settings: { name: "eu", apiKey: "k", region: "eu" },
      paths: [""],
    },
    {
      case: "an unknown nested key",
      settings: {
        name: "eu",
        apiKey: "k",
        webhook: { username: "u", password: "long-enough", x: 1 },
      },
      paths: ["webhook"],
    },
    {
      case: "several problems, one detail each, in the schema's order",
      settings: { name: "", apiKey: "", timeoutMs: -1 },
      paths: ["name", "apiKey", "timeoutMs"],
    },
    {
      case: "settings that are not an object",
      settings: undefined,
      paths: [""],
    },
  ])("reports $case", ({ settings, paths }) => {
    expect(problemsOf(settings).details.map((detail) => detail.path)).toEqual(paths);
  });

  it("keeps zod's message for each problem", () => {
    const { details } = problemsOf({ name: "eu", apiKey: "k", region: "eu" });
    expect(details).toEqual([{ path: "", message: 'Unrecognized key: "region"' }]);
  });
});
