import { describe, expect, it } from "vitest";
import { basicAuthorization } from "../testing/basic-authorization";
import { readBasicCredentials } from "./read-basic-credentials";

describe("readBasicCredentials", () => {
  it("reads the user name and the password", () => {
    expect(readBasicCredentials(basicAuthorization("user", "secret"))).toEqual({
      username: "user",
      password: "secret",
    });
  });

  it("reads UTF-8 credentials and keeps the colons of the password", () => {
    expect(readBasicCredentials(basicAuthorization("bénédicte", "a:b ✓"))).toEqual({
      username: "bénédicte",
      password: "a:b ✓",
    });
  });

  it("accepts the scheme in any case and padding spaces", () => {
    const header = basicAuthorization("user", "secret").replace("Basic ", "basic   ");
    expect(readBasicCredentials(`${header}  `)).toEqual({ username: "user", password: "secret" });
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["another scheme", "Bearer dXNlcjpzZWNyZXQ="],
    ["an empty Basic header", "Basic "],
    ["text that is not base64", "Basic not*base64"],
    ["padding only", "Basic ===="],
    ["padding inside the credential", "Basic dXNl=cjpzZWNyZXQ="],
    ["a tab after the scheme", "Basic\tdXNlcjpzZWNyZXQ="],
    ["a credential without a colon", `Basic ${btoa("usersecret")}`],
    ["bytes that are not UTF-8", `Basic ${btoa("user:\xff")}`],
  ])("reads nothing from %s", (_case, header) => {
    expect(readBasicCredentials(header)).toBeNull();
  });
});
