import { WebhookVerificationError } from "../errors/webhook-errors";
import { type BasicCredentials, readBasicCredentials } from "./read-basic-credentials";
import { secretsEqual } from "./secrets-equal";

/**
 * Builds the check of the HTTP Basic credentials a webhook request carries, for providers that
 * sign nothing. Both parts are always compared, each in constant time, so the time taken shows
 * neither which part was wrong nor how much of it matched. The check throws
 * `WebhookVerificationError`, whose message never contains either secret.
 */
export function createBasicAuthCheck(
  expected: BasicCredentials,
): (authorization: string | undefined) => Promise<void> {
  return async (authorization) => {
    const given = readBasicCredentials(authorization);
    if (given === null) {
      throw new WebhookVerificationError("Missing Basic credentials");
    }
    const [isUsername, isPassword] = await Promise.all([
      secretsEqual(given.username, expected.username),
      secretsEqual(given.password, expected.password),
    ]);
    if (!(isUsername && isPassword)) {
      throw new WebhookVerificationError("Basic credentials do not match");
    }
  };
}
