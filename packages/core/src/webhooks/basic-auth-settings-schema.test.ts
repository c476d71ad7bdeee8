import { describe, expect, it } from "vitest";
import { basicAuthSettingsSchema } from "./basic-auth-settings-schema";

describe("basicAuthSettingsSchema", () => {
  it("takes a user name and a password", () => {
    expect(basicAuthSettingsSchema.parse({ username: "hook", password: "a:b" })).toEqual({
      username: "hook",
      password: "a:b",
    });
  });

  it.each([
    ["a user name with a colon", { username: "a:b", password: "secret" }],
    ["an empty user name", { username: "", password: "secret" }],
    ["an empty password", { username: "user", password: "" }],
    ["an unknown key", { username: "user", password: "secret", token: "t" }],
  ])("refuses %s", (_case, settings) => {
    expect(basicAuthSettingsSchema.safeParse(settings).success).toBe(false);
  });
});
