import pg from "pg";

/** The wake-ups the store sends and receives, and their PostgreSQL channels. */
export const channels = {
  dispatch: "mailroute_dispatch",
  outbound: "mailroute_outbound",
} as const;

export type WakeTopic = keyof typeof channels;

const topicOf = new Map<string, WakeTopic>(
  Object.entries(channels).map(([topic, channel]) => [channel, topic as WakeTopic]),
);

/**
 * One dedicated connection LISTENing on the store's channels (a pooled connection would be
 * handed to other work), calling `onWake` for each notification. When the connection drops it
 * reconnects with a growing delay (up to 5 s) and, once back, wakes every topic, since
 * notifications sent meanwhile were lost.
 */
export function startListener(
  url: string,
  onWake: (topic: WakeTopic) => void,
  onError: (error: unknown) => void,
): { close(): Promise<void>; connected(): Promise<void> } {
  let closed = false;
  let client: pg.Client | null = null;
  let delay = 100;
  let timer: NodeJS.Timeout | null = null;
  let first = true;
  let resolveConnected: () => void = () => undefined;
  const connectedOnce = new Promise<void>((resolve) => {
    resolveConnected = resolve;
  });

  const scheduleReconnect = () => {
    if (closed || timer) {
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 5000);
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: "mailroute listen" });
    client = next;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) {
        return;
      }
      failed = true;
      if (!closed) {
        onError(error);
      }
      next.removeAllListeners("notification");
      void next.end().catch(() => undefined);
      if (client === next) {
        client = null;
      }
      scheduleReconnect();
    };
    next.on("error", fail);
    next.on("end", () => fail(new Error("the LISTEN connection to PostgreSQL closed")));
    next.on("notification", (message) => {
      const topic = topicOf.get(message.channel);
      if (topic) {
        onWake(topic);
      }
    });
    try {
      await next.connect();
      for (const channel of Object.values(channels)) {
        await next.query(`listen ${channel}`);
      }
    } catch (error) {
      fail(error);
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    delay = 100;
    if (first) {
      first = false;
      resolveConnected();
    } else {
      for (const topic of Object.keys(channels) as WakeTopic[]) {
        onWake(topic);
      }
    }
  };

  void connect();
  return {
    connected: () => connectedOnce,
    async close() {
      closed = true;
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      const current = client;
      client = null;
      current?.removeAllListeners("end");
      await current?.end().catch(() => undefined);
      resolveConnected();
    },
  };
}
