import { domainOf } from "../message/address";
import type { EmailMessage } from "../message/message-schema";
import type { RouteConfig, RouteMatch } from "./route-schema";

const lower = (values: string[]) => values.map((value) => value.toLowerCase());

/** True when every condition of `match` holds for the message; an absent match always holds. */
export function matchesRoute(message: EmailMessage, match: RouteMatch | undefined): boolean {
  if (!match) {
    return true;
  }
  if (match.tags && !match.tags.some((tag) => message.tags.includes(tag))) {
    return false;
  }
  if (match.tagsAll && !match.tagsAll.every((tag) => message.tags.includes(tag))) {
    return false;
  }
  if (match.fromDomain && !lower(match.fromDomain).includes(domainOf(message.from.email))) {
    return false;
  }
  if (match.toDomain) {
    const allowed = lower(match.toDomain);
    const recipients = [...message.to, ...message.cc, ...message.bcc];
    if (!recipients.every((recipient) => allowed.includes(domainOf(recipient.email)))) {
      return false;
    }
  }
  if (match.metadata) {
    for (const [key, value] of Object.entries(match.metadata)) {
      if (message.metadata[key] !== value) {
        return false;
      }
    }
  }
  if (match.stream !== undefined && message.metadata.stream !== match.stream) {
    return false;
  }
  return true;
}

/** The route that decides for a message: the first whose match holds, or null when none does. */
export function matchRoute<Route extends Pick<RouteConfig, "match">>(
  message: EmailMessage,
  routes: readonly Route[],
): Route | null {
  return routes.find((route) => matchesRoute(message, route.match)) ?? null;
}
