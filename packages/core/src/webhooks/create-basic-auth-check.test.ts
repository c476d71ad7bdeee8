import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../errors/webhook-errors";
import { basicAuthorization } from "../testing/basic-authorization";
import { createBasicAuthCheck } from "./create-basic-auth-check";

const credentials = { username: "hook", password: "correct horse battery staple" };
const check = createBasicAuthCheck(credentials);

describe("createBasicAuthCheck", () => {
  it("accepts the configured credentials, again and again", async () => {
    const header = basicAuthorization(credentials.username, credentials.password);
    await expect(check(header)).resolves.toBeUndefined();
    await expect(check(header)).resolves.toBeUndefined();
  });

  it.each([
    ["a wrong password", basicAuthorization(credentials.username, "incorrect")],
    ["a wrong user name", basicAuthorization("someone", credentials.password)],
    [
      "a password with a suffix",
      basicAuthorization(credentials.username, `${credentials.password}x`),
    ],
    ["user name and password swapped", basicAuthorization(credentials.password, "hook")],
  ])("refuses %s", async (_case, header) => {
    await expect(check(header)).rejects.toThrow("Basic credentials do not match");
  });

  it.each([
    ["no header", undefined],
    ["another scheme", `Bearer ${credentials.password}`],
    ["a credential without a colon", `Basic ${btoa("hook")}`],
  ])("refuses %s as missing credentials", async (_case, header) => {
    await expect(check(header)).rejects.toThrow("Missing Basic credentials");
  });

  it("matches a user name with a colon never, as RFC 7617 forbids one", async () => {
    const colon = createBasicAuthCheck({ username: "a:b", password: "c" });
    await expect(colon(basicAuthorization("a:b", "c"))).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });

  it("never echoes either secret in its error", async () => {
    const error = await check(basicAuthorization(credentials.username, "incorrect")).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(String((error as Error).message)).not.toContain(credentials.password);
    expect(String((error as Error).message)).not.toContain("incorrect");
  });
});
