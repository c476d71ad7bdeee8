import { describe, expect, it } from "vitest";
import { classifyStorageError } from "./classify-storage-error";

const withCode = (code: string, message = "database error") =>
  Object.assign(new Error(message), { code });

describe("classifyStorageError", () => {
  it.each([
    ["SQLITE_FULL", "full"],
    ["ENOSPC", "full"],
    ["EDQUOT", "full"],
    ["53100", "full"],
    ["SQLITE_READONLY", "unavailable"],
    ["SQLITE_READONLY_DBMOVED", "unavailable"],
    ["SQLITE_IOERR", "unavailable"],
    ["SQLITE_IOERR_WRITE", "unavailable"],
    ["SQLITE_IOERR_SHMSIZE", "unavailable"],
    ["SQLITE_BUSY", "unavailable"],
    ["EIO", "unavailable"],
    ["ECONNREFUSED", "unavailable"],
    ["ECONNRESET", "unavailable"],
    ["53000", "unavailable"],
    ["53200", "unavailable"],
    ["57P01", "unavailable"],
    ["08006", "unavailable"],
    ["25006", "unavailable"],
  ])("reads %s as %s", (code, failure) => {
    expect(classifyStorageError(withCode(code))).toBe(failure);
  });

  it("reads node-postgres's code-less connection errors as unavailable", () => {
    expect(classifyStorageError(new Error("Connection terminated unexpectedly"))).toBe(
      "unavailable",
    );
    expect(classifyStorageError(new Error("timeout exceeded when trying to connect"))).toBe(
      "unavailable",
    );
  });

  it("looks through causes", () => {
    const wrapped = new Error("could not store", { cause: withCode("SQLITE_FULL") });
    expect(classifyStorageError(wrapped)).toBe("full");
  });

  it("leaves every other error alone", () => {
    for (const error of [
      withCode("SQLITE_CONSTRAINT_UNIQUE"),
      withCode("SQLITE_CORRUPT"),
      withCode("SQLITE_ERROR"),
      withCode("23505"),
      withCode("42P01"),
      withCode("SQLITE_FULLNESS"),
      new Error("something else"),
      new TypeError("x is undefined"),
      "a string",
      null,
      undefined,
    ]) {
      expect(classifyStorageError(error)).toBeNull();
    }
  });
});
