import { type EmailMessage, recipientsOf } from "../message/message-schema";
import { callerUnsubscribeHeaders } from "../message/one-click-unsubscribe";
import { explicitTracking } from "../message/tracking";
import { matchRoute } from "./match-route";
import type { RouteConfig } from "./route-schema";

/** A message after its route's defaults, and whether it gets one-click unsubscribe headers. */
export interface DefaultedMessage {
  message: EmailMessage;
  unsubscribe: boolean;
}

/**
 * Fills in what the message left unset from the defaults of the route that matches it now, once,
 * at accept, so every provider in a failover sends the same thing. An explicit setting always
 * wins, `false` included.
 * A default `unsubscribe` applies only where it can: a message with exactly one recipient in all
 * (the header is the same for every recipient) and no `List-Unsubscribe` header of its own.
 */
export function applyRouteDefaults(
  message: EmailMessage,
  asked: { unsubscribe?: boolean | undefined },
  routes: readonly Pick<RouteConfig, "match" | "defaults">[],
): DefaultedMessage {
  const defaults = matchRoute(message, routes)?.defaults;
  const { tracking: _unset, ...rest } = message;
  const defaulted: EmailMessage = {
    ...rest,
    ...explicitTracking({ ...defaults?.tracking, ...message.tracking }),
  };
  const unsubscribe =
    asked.unsubscribe ??
    (defaults?.unsubscribe === true &&
      recipientsOf(message).length === 1 &&
      callerUnsubscribeHeaders(message.headers).length === 0);
  return { message: defaulted, unsubscribe };
}
