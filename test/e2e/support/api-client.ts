/** A small client for mailroute's HTTP API, for whole-system tests. */
export function createApiClient(baseUrl: () => string, key: string) {
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  return {
    async send(body: unknown): Promise<{ status: number; id?: string }> {
      const response = await fetch(`${baseUrl()}/v1/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { id?: string };
      return { status: response.status, id: json.id };
    },
    /** Any JSON POST: its status and parsed answer. */
    async post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
      const response = await fetch(`${baseUrl()}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    async get<T>(path: string): Promise<T> {
      const response = await fetch(`${baseUrl()}${path}`, { headers });
      if (!response.ok) {
        throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      }
      return (await response.json()) as T;
    },
    /** Every page of a list endpoint. */
    async all<T>(path: string): Promise<T[]> {
      const items: T[] = [];
      let cursor: string | null = null;
      do {
        const separator = path.includes("?") ? "&" : "?";
        const suffix: string = cursor
          ? `${separator}limit=100&cursor=${cursor}`
          : `${separator}limit=100`;
        const page: { data: T[]; nextCursor: string | null } = await this.get(`${path}${suffix}`);
        items.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}
