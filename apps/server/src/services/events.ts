import type { EmailEvent, EventQuery, EventSummary, MailStore, Page } from "@mailroute/core";

/** The event feed: normalized delivery reports, oldest first from a cursor. */
export interface EventsService {
  /** A page of the feed; never skips or repeats an event. */
  list(query: EventQuery): Promise<Page<EventSummary | EmailEvent>>;
}

/** Builds the events service over the store. */
export function createEventsService(dependencies: {
  store: Pick<MailStore, "listEvents">;
}): EventsService {
  const { store } = dependencies;
  return { list: (query) => store.listEvents(query) };
}
