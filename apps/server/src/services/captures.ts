import type { CapturedMessage, CaptureSummary, MailStore, Page } from "@mailroute/core";

/** Which captures a page holds. */
export type CaptureQuery = Parameters<MailStore["listCaptures"]>[0];

/** What capture providers kept instead of sending. */
export interface CapturesService {
  /** A page of captures, newest first; whole messages with `include: "content"`. */
  list(query: CaptureQuery): Promise<Page<CaptureSummary | CapturedMessage>>;
}

/** Builds the captures service over the store. */
export function createCapturesService(dependencies: {
  store: Pick<MailStore, "listCaptures">;
}): CapturesService {
  const { store } = dependencies;
  return { list: (query) => store.listCaptures(query) };
}
