import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** What an IP address is, for the SSRF check; only `public` is reachable unless allowed. */
export const addressCategories = [
  "public",
  "loopback",
  "private",
  "carrier_grade_nat",
  "link_local",
  "metadata",
  "unspecified",
  "multicast",
  "broadcast",
  "reserved",
] as const;

/** One of {@link addressCategories}. */
export type AddressCategory = (typeof addressCategories)[number];

// Cloud metadata services outside link-local space, refused even when private targets are allowed:
// AWS IMDS over IPv6, Google Compute Engine's IPv6 metadata server, Alibaba Cloud's metadata IP.
const metadataAddresses = new Set(
  ["fd00:ec2::254", "fd20:ce::254", "100.100.100.200"].map((address) =>
    ipaddr.parse(address).toNormalizedString(),
  ),
);

const ipv4Categories: Partial<Record<string, AddressCategory>> = {
  unicast: "public",
  loopback: "loopback",
  private: "private",
  carrierGradeNat: "carrier_grade_nat",
  linkLocal: "link_local",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
};

const ipv6Categories: Partial<Record<string, AddressCategory>> = {
  loopback: "loopback",
  uniqueLocal: "private",
  linkLocal: "link_local",
  unspecified: "unspecified",
  multicast: "multicast",
};

// Only 2000::/3 is global unicast; ipaddr.js calls any unlisted IPv6 address `unicast`, including
// the deprecated IPv4-compatible ::a.b.c.d form.
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3");
// RFC 6052's well-known NAT64 prefix carries an IPv4 address in its last 32 bits.
const nat64WellKnown = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

function classifyIpv4(address: ipaddr.IPv4): AddressCategory {
  if (metadataAddresses.has(address.toNormalizedString())) {
    return "metadata";
  }
  // as112, amt and the documentation/benchmarking blocks are never a webhook receiver.
  return ipv4Categories[address.range()] ?? "reserved";
}

function classifyIpv6(address: ipaddr.IPv6): AddressCategory {
  if (metadataAddresses.has(address.toNormalizedString())) {
    return "metadata";
  }
  if (address.isIPv4MappedAddress()) {
    return classifyIpv4(address.toIPv4Address());
  }
  if (address.match(nat64WellKnown)) {
    const [high = 0, low = 0] = address.parts.slice(6);
    return classifyIpv4(new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]));
  }
  const range = address.range();
  if (range === "unicast") {
    return address.match(globalUnicast) ? "public" : "reserved";
  }
  // 6to4, Teredo, site-local, documentation and other special blocks: refused outright.
  return ipv6Categories[range] ?? "reserved";
}

/** Classifies a literal IP address (as DNS returns it) for the outbound-webhook SSRF check. */
export function classifyIpAddress(address: string): AddressCategory {
  // net.isIP is strict (no octal, hex or integer IPv4 forms): ipaddr.js sees canonical text only.
  const version = isIP(address);
  if (version === 0) {
    return "reserved";
  }
  if (version === 4) {
    return classifyIpv4(ipaddr.IPv4.parse(address));
  }
  // ipaddr.js reads any `::a.b.c.d` as IPv4-mapped, but `::127.0.0.1` is the IPv4-compatible
  // ::7f00:1; the WHATWG URL serializer writes the canonical hex form. A zone id does not change
  // the class of an address, and URLs do not allow one.
  const withoutZone = address.split("%")[0] ?? address;
  const canonical = new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
  return classifyIpv6(ipaddr.IPv6.parse(canonical));
}
