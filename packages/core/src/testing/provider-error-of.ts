import { isProviderError, type ProviderError } from "../errors/provider-error";

/** Awaits a send that must fail, and returns its ProviderError; anything else fails the test. */
export async function providerErrorOf(send: Promise<unknown>): Promise<ProviderError> {
  try {
    await send;
  } catch (error) {
    if (isProviderError(error)) {
      return error;
    }
    throw new Error(`expected a ProviderError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected the send to fail");
}
