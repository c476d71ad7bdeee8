import { describe, expect, it } from "vitest";
import { type AddressCategory, classifyIpAddress } from "./classify-ip-address";

const cases: [address: string, category: AddressCategory][] = [
  ["93.184.215.14", "public"],
  ["8.8.8.8", "public"],
  ["2606:4700:4700::1111", "public"],
  ["127.0.0.1", "loopback"],
  ["127.255.0.9", "loopback"],
  ["::1", "loopback"],
  ["10.0.0.5", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.254", "private"],
  ["192.168.1.1", "private"],
  ["fc00::1", "private"],
  ["fd12:3456::1", "private"],
  ["100.64.0.1", "carrier_grade_nat"],
  ["100.127.255.254", "carrier_grade_nat"],
  ["169.254.0.1", "link_local"],
  ["169.254.169.254", "link_local"],
  ["fe80::1", "link_local"],
  ["fe80::a9fe:a9fe", "link_local"],
  ["fe80::1%eth0", "link_local"],
  ["fd00:ec2::254", "metadata"],
  ["fd20:ce::254", "metadata"],
  ["100.100.100.200", "metadata"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["::", "unspecified"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["ff02::1", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["192.0.2.1", "reserved"],
  ["198.18.0.1", "reserved"],
  ["240.0.0.1", "reserved"],
  ["2001:db8::1", "reserved"],
  ["2002:7f00:1::", "reserved"],
  ["2001:0:4136:e378::1", "reserved"],
];

const ipv4MappedCases: [address: string, category: AddressCategory][] = [
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:10.0.0.5", "private"],
  ["::ffff:169.254.169.254", "link_local"],
  ["::ffff:100.100.100.200", "metadata"],
  ["::ffff:8.8.8.8", "public"],
];

describe("classifyIpAddress", () => {
  it.each(cases)("classifies %s as %s", (address, category) => {
    expect(classifyIpAddress(address)).toBe(category);
  });

  it.each(ipv4MappedCases)(
    "classifies the IPv4-mapped IPv6 address %s as %s",
    (address, category) => {
      expect(classifyIpAddress(address)).toBe(category);
    },
  );

  it("classifies a NAT64 address by the IPv4 address it carries", () => {
    expect(classifyIpAddress("64:ff9b::a9fe:a9fe")).toBe("link_local");
    expect(classifyIpAddress("64:ff9b::7f00:1")).toBe("loopback");
    expect(classifyIpAddress("64:ff9b::808:808")).toBe("public");
  });

  it("refuses the deprecated IPv4-compatible form that ipaddr.js calls unicast", () => {
    expect(classifyIpAddress("::127.0.0.1")).toBe("reserved");
    expect(classifyIpAddress("::8.8.8.8")).toBe("reserved");
  });

  it("classifies anything that is not a canonical IP literal as reserved", () => {
    for (const odd of ["2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1", "localhost", ""]) {
      expect(classifyIpAddress(odd)).toBe("reserved");
    }
  });
});
