/** A page of a list endpoint: its items and the cursor of the next page (null on the last). */
export interface Page<Item> {
  data: Item[];
  nextCursor: string | null;
}

/**
 * Every item of every page, fetching the next page only once the caller has taken this one. It
 * ends at the last page (no `nextCursor`) or at an empty one: the event feed always answers a
 * cursor to poll with, and an empty page there means it has caught up.
 */
export async function* iteratePages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
): AsyncGenerator<Item, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.data.length === 0 ? undefined : (page.nextCursor ?? undefined);
  } while (cursor !== undefined);
}
