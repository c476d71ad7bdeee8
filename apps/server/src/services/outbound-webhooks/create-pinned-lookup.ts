import type { LookupFunction } from "node:net";
import type { SafeTarget } from "./resolve-safe-target";

/**
 * A socket `lookup` that answers only for the checked host, and only with its checked address,
 * so a connection cannot be steered elsewhere by a second DNS answer (rebinding).
 */
export function createPinnedLookup(
  target: Pick<SafeTarget, "hostname" | "address" | "family">,
): LookupFunction {
  return (hostname, options, callback) => {
    if (hostname !== target.hostname) {
      const error = Object.assign(new Error(`unexpected lookup of ${hostname}`), {
        code: "ERR_UNEXPECTED_HOST",
      });
      callback(error, "", 0);
      return;
    }
    // net.connect asks for every address when it may race IPv4 and IPv6 (autoSelectFamily).
    if (options.all === true) {
      callback(null, [{ address: target.address, family: target.family }]);
      return;
    }
    callback(null, target.address, target.family);
  };
}
