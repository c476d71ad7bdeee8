import { describe, expect, it } from "vitest";
import {
  messageIdOfToken,
  signUnsubscribeToken,
  verifyUnsubscribeToken,
} from "./unsubscribe-token";

const secret = "a-secret-of-at-least-32-characters!!";
const messageId = "msg_00mws64a8bn1g83q5jy8uqet";
const token = signUnsubscribeToken(secret, messageId, "jane@example.com");

/** The token with the character at `index` replaced by another URL-safe one. */
function withCharacterChanged(value: string, index: number): string {
  const replacement = value[index] === "A" ? "B" : "A";
  return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
}

describe("unsubscribe tokens", () => {
  it("carry the message id and a URL-safe signature, never the address", () => {
    expect(token).toMatch(/^msg_00mws64a8bn1g83q5jy8uqet\.[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain("jane");
    expect(encodeURIComponent(token)).toBe(token);
    expect(messageIdOfToken(token)).toBe(messageId);
  });

  it("verify for their message and recipient, whatever the address's letter case", () => {
    expect(verifyUnsubscribeToken(secret, token, "jane@example.com")).toBe(true);
    expect(verifyUnsubscribeToken(secret, token, "Jane@Example.com")).toBe(true);
    expect(signUnsubscribeToken(secret, messageId, "JANE@example.com")).toBe(token);
  });

  it("fail for another recipient, another secret or another message's id", () => {
    expect(verifyUnsubscribeToken(secret, token, "john@example.com")).toBe(false);
    expect(verifyUnsubscribeToken(`${secret}x`, token, "jane@example.com")).toBe(false);
    const signature = token.split(".")[1];
    const moved = `msg_00mws64a8bn1g83q5jy8uqeu.${signature}`;
    expect(verifyUnsubscribeToken(secret, moved, "jane@example.com")).toBe(false);
  });

  it("fail when any one character is changed, the last one included", () => {
    for (let index = 0; index < token.length; index += 1) {
      if (token[index] === ".") {
        continue;
      }
      const altered = withCharacterChanged(token, index);
      expect(verifyUnsubscribeToken(secret, altered, "jane@example.com"), altered).toBe(false);
    }
  });

  it("refuse what is not a token at all", () => {
    for (const value of ["", messageId, `${token}=`, `${token}x`, token.slice(0, -1), "a.b"]) {
      expect(verifyUnsubscribeToken(secret, value, "jane@example.com"), value).toBe(false);
      expect(messageIdOfToken(value), value).toBeNull();
    }
  });
});
