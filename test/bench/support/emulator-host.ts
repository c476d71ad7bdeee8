import type { EmulatorFault } from "@mailroute/core/testing";
import { startChild } from "./child";
import { cores } from "./proc";

/** A SendGrid emulator in its own process and the control endpoint the bench drives it with. */
export interface EmulatorHost {
  pid: number;
  /** Where a provider's `baseUrl` points. */
  baseUrl: string;
  /** The bench-side control endpoint (stats, wait, arrivals, fault, reset). */
  controlUrl: string;
  fault(fault: EmulatorFault | null): Promise<void>;
  reset(): Promise<void>;
  accepted(): Promise<number>;
  /** The arrival time (epoch ms) of the `count`-th accepted message; null on timeout. */
  waitFor(count: number, timeoutMs: number): Promise<number | null>;
  /** Arrival time of each accepted message by mailroute id. */
  arrivals(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(`${url}: ${response.status}`);
  }
  return (await response.json()) as T;
}

/** Starts test/bench/processes/emulator-host.ts on the load core. */
export async function startEmulatorHost(): Promise<EmulatorHost> {
  const child = await startChild<{ baseUrl: string; controlUrl: string }>(
    "emulator-host.ts",
    cores.load,
  );
  const { baseUrl, controlUrl } = child.ready;
  const post = (path: string, body: unknown) =>
    getJson(`${controlUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
  return {
    pid: child.pid,
    baseUrl,
    controlUrl,
    async fault(fault) {
      await post("/fault", fault);
    },
    async reset() {
      await post("/reset", null);
    },
    async accepted() {
      return (await getJson<{ accepted: number }>(`${controlUrl}/stats`)).accepted;
    },
    async waitFor(count, timeoutMs) {
      const answer = await getJson<{ at: number | null }>(
        `${controlUrl}/wait?count=${count}&timeoutMs=${timeoutMs}`,
      );
      return answer.at;
    },
    arrivals: () => getJson(`${controlUrl}/arrivals`),
    stop: () => child.stop(),
  };
}
