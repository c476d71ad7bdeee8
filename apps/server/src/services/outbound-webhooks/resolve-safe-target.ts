import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type AddressCategory, classifyIpAddress } from "./classify-ip-address";
import { WebhookTargetError } from "./webhook-target-error";

/** One address a host name resolves to, as node:dns `lookup` with `all: true` returns it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; injectable so tests need no DNS. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** Which non-public targets a deployment allows; everything else is refused. */
export interface ResolveSafeTargetOptions {
  /** Allow 127.0.0.0/8 and ::1 (tests, a receiver on the same host). */
  allowLoopback?: boolean | undefined;
  /** Allow RFC 1918, fc00::/7 and 100.64.0.0/10 (a receiver on the same private network). */
  allowPrivate?: boolean | undefined;
  /** Defaults to node:dns `lookup(hostname, { all: true })`, which honours /etc/hosts. */
  lookup?: HostLookup | undefined;
}

/** A checked webhook target: the URL, and the address a connection must go to. */
export interface SafeTarget {
  url: URL;
  /** The URL's host without IPv6 brackets: the Host header and TLS server name stay this. */
  hostname: string;
  /** The first checked address; connect here and nowhere else, so DNS cannot change in between. */
  address: string;
  family: 4 | 6;
  /** Every address the host resolved to; all of them passed the check. */
  addresses: ResolvedAddress[];
}

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true });

type RefusableCategory = Exclude<AddressCategory, "public">;

const categoryLabels: Record<RefusableCategory, string> = {
  loopback: "a loopback address",
  private: "a private-network address",
  carrier_grade_nat: "a carrier-grade NAT (100.64.0.0/10) address",
  link_local: "a link-local address (where cloud metadata services live)",
  metadata: "a cloud metadata service address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved or special-purpose address",
};

function isAllowed(category: RefusableCategory, options: ResolveSafeTargetOptions): boolean {
  switch (category) {
    case "loopback":
      return options.allowLoopback === true;
    case "private":
    case "carrier_grade_nat":
      return options.allowPrivate === true;
    default:
      // Link-local, metadata, multicast and the rest are never a legitimate receiver.
      return false;
  }
}

function parseWebhookUrl(input: string): URL {
  if (!URL.canParse(input)) {
    throw new WebhookTargetError("invalid_url", "the webhook URL is not a valid absolute URL");
  }
  const url = new URL(input);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new WebhookTargetError(
      "unsupported_protocol",
      `the webhook URL must use http or https, not ${url.protocol.slice(0, -1)}`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new WebhookTargetError(
      "credentials_in_url",
      "the webhook URL must not contain a user name or password",
    );
  }
  return url;
}

async function resolveHost(
  hostname: string,
  lookup: HostLookup,
): Promise<[ResolvedAddress, ...ResolvedAddress[]]> {
  // The URL parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
  const literalFamily = isIP(hostname);
  if (literalFamily !== 0) {
    return [{ address: hostname, family: literalFamily }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await lookup(hostname);
  } catch (error) {
    throw new WebhookTargetError("unresolvable", `the webhook host ${hostname} does not resolve`, {
      cause: error,
    });
  }
  const [first, ...rest] = addresses;
  if (first === undefined) {
    throw new WebhookTargetError("unresolvable", `the webhook host ${hostname} has no address`);
  }
  return [first, ...rest];
}

/**
 * Validates a webhook URL and resolves its host, refusing it when any address is loopback,
 * private, link-local, metadata or otherwise special (unless allowed); returns where to connect.
 */
export async function resolveSafeTarget(
  input: string,
  options: ResolveSafeTargetOptions = {},
): Promise<SafeTarget> {
  const url = parseWebhookUrl(input);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const addresses = await resolveHost(hostname, options.lookup ?? defaultLookup);
  // Every address is checked, not just the first: a client may fall back to any of them.
  for (const { address } of addresses) {
    const category = classifyIpAddress(address);
    if (category !== "public" && !isAllowed(category, options)) {
      throw new WebhookTargetError(
        category,
        `the webhook host ${hostname} resolves to ${address}, ${categoryLabels[category]}`,
        { address },
      );
    }
  }
  const [first] = addresses;
  return {
    url,
    hostname,
    address: first.address,
    family: isIP(first.address) === 6 ? 6 : 4,
    addresses,
  };
}
