import type { ErrorDetail } from "@mailroute/core";
import type { z } from "zod";

/** Writes a zod path the way a user indexes JSON: `to[0].email`, `headers.X-Foo`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") {
      out += `[${part}]`;
    } else {
      out += out ? `.${String(part)}` : String(part);
    }
  }
  return out;
}

/** Turns zod issues into the error body's `details`, one entry per field. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
): ErrorDetail[] {
  return issues.flatMap((issue): ErrorDetail[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        message: "is not a known field",
      }));
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch that got furthest instead of "invalid input": one whose value was of
      // the wrong type altogether (a string given to the list branch of `to`) got nowhere.
      const progress = (branch: readonly z.core.$ZodIssue[]) =>
        branch.every((nested) => nested.code === "invalid_type" && nested.path.length === 0)
          ? 0
          : branch.length;
      const best = [...issue.errors].sort((a, b) => progress(b) - progress(a))[0] ?? [];
      const nested = formatIssues(best, path);
      if (nested.length > 0) {
        return nested;
      }
    }
    return [{ path: formatPath(path) || "(body)", message: issue.message }];
  });
}
