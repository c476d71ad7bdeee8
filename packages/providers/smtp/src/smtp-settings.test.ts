import { describe, expect, it } from "vitest";
import { smtpSettingsSchema } from "./smtp-settings";

describe("smtpSettingsSchema", () => {
  it("fills in the defaults: STARTTLS port, pooled, five connections, 15 s", () => {
    expect(
      smtpSettingsSchema.parse({ name: "relay", host: "smtp.example.com", port: 587 }),
    ).toEqual({
      name: "relay",
      host: "smtp.example.com",
      port: 587,
      secure: false,
      timeoutMs: 15_000,
      pool: true,
      maxConnections: 5,
    });
  });

  it("keeps credentials and TLS options", () => {
    const settings = smtpSettingsSchema.parse({
      name: "relay",
      host: "smtp.example.com",
      port: 465,
      secure: true,
      auth: { user: "apikey", pass: "secret" },
      tls: { rejectUnauthorized: false },
    });
    expect(settings).toMatchObject({ auth: { user: "apikey", pass: "secret" }, secure: true });
    expect(settings.tls).toEqual({ rejectUnauthorized: false });
  });

  it.each([
    ["a missing host", { name: "relay", port: 25 }],
    ["a port out of range", { name: "relay", host: "smtp.example.com", port: 70_000 }],
    ["an empty name", { name: "", host: "smtp.example.com", port: 25 }],
    ["a user without a password", { name: "relay", host: "h", port: 25, auth: { user: "u" } }],
    ["a zero timeout", { name: "relay", host: "h", port: 25, timeoutMs: 0 }],
  ])("refuses %s", (_case, input) => {
    expect(smtpSettingsSchema.safeParse(input).success).toBe(false);
  });
});
