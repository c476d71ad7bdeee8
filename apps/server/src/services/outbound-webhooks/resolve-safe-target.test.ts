import { describe, expect, it, vi } from "vitest";
import { type HostLookup, resolveSafeTarget } from "./resolve-safe-target";
import { WebhookTargetError } from "./webhook-target-error";

function lookupReturning(...addresses: string[]): HostLookup {
  return async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
}

async function refusal(promise: Promise<unknown>): Promise<WebhookTargetError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(WebhookTargetError);
  return error as WebhookTargetError;
}

describe("resolveSafeTarget", () => {
  it("returns the first resolved address of a public host, keeping the host name", async () => {
    const lookup = vi.fn(
      lookupReturning("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    );
    const target = await resolveSafeTarget("https://hooks.example.com/mailroute?x=1", { lookup });
    expect(lookup).toHaveBeenCalledWith("hooks.example.com");
    expect(target.hostname).toBe("hooks.example.com");
    expect(target.address).toBe("93.184.215.14");
    expect(target.family).toBe(4);
    expect(target.addresses).toHaveLength(2);
    expect(target.url.href).toBe("https://hooks.example.com/mailroute?x=1");
  });

  it.each([
    ["10.0.0.5", "private"],
    ["192.168.0.10", "private"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "link_local"],
    ["fd00:ec2::254", "metadata"],
    ["100.64.1.1", "carrier_grade_nat"],
    ["0.0.0.0", "unspecified"],
    ["::ffff:169.254.169.254", "link_local"],
    ["224.0.0.251", "multicast"],
  ])("refuses a host resolving to %s as %s", async (address, reason) => {
    const error = await refusal(
      resolveSafeTarget("https://rebind.example.com/", { lookup: lookupReturning(address) }),
    );
    expect(error.reason).toBe(reason);
    expect(error.address).toBe(address);
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details).toEqual([{ path: "url", message: error.message }]);
    expect(error.message).toContain(address);
  });

  it("refuses when any one of several resolved addresses is unsafe", async () => {
    const error = await refusal(
      resolveSafeTarget("https://mixed.example.com/", {
        lookup: lookupReturning("93.184.215.14", "169.254.169.254"),
      }),
    );
    expect(error.reason).toBe("link_local");
    expect(error.message).toMatch(/metadata/);
  });

  it("refuses IP-literal URLs without a DNS lookup, including odd IPv4 spellings", async () => {
    const lookup = vi.fn(lookupReturning("93.184.215.14"));
    for (const url of [
      "http://127.0.0.1:8080/",
      "http://2130706433/",
      "http://0x7f.0.0.1/",
      "http://0177.0.0.1/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
    ]) {
      expect((await refusal(resolveSafeTarget(url, { lookup }))).reason).toBe("loopback");
    }
    expect(
      (await refusal(resolveSafeTarget("http://169.254.169.254/latest/meta-data/", { lookup })))
        .reason,
    ).toBe("link_local");
    expect(lookup).not.toHaveBeenCalled();
  });

  it("accepts a public IPv6 literal, without brackets in the host name", async () => {
    const target = await resolveSafeTarget("https://[2606:4700:4700::1111]:8443/hook");
    expect(target.hostname).toBe("2606:4700:4700::1111");
    expect(target.address).toBe("2606:4700:4700::1111");
    expect(target.family).toBe(6);
  });

  it("allows loopback only with allowLoopback", async () => {
    const target = await resolveSafeTarget("http://127.0.0.1:3000/hook", { allowLoopback: true });
    expect(target.address).toBe("127.0.0.1");
    const viaName = await resolveSafeTarget("http://receiver.test/", {
      allowLoopback: true,
      lookup: lookupReturning("::1"),
    });
    expect(viaName.family).toBe(6);
    const error = await refusal(resolveSafeTarget("http://10.1.2.3/", { allowLoopback: true }));
    expect(error.reason).toBe("private");
  });

  it("allows private and carrier-grade NAT addresses only with allowPrivate", async () => {
    const options = { allowPrivate: true };
    expect((await resolveSafeTarget("http://10.1.2.3/", options)).address).toBe("10.1.2.3");
    expect((await resolveSafeTarget("http://[fd12::1]/", options)).address).toBe("fd12::1");
    expect((await resolveSafeTarget("http://100.64.0.7/", options)).address).toBe("100.64.0.7");
    expect((await refusal(resolveSafeTarget("http://127.0.0.1/", options))).reason).toBe(
      "loopback",
    );
  });

  it("refuses link-local and metadata addresses whatever the options", async () => {
    const options = { allowLoopback: true, allowPrivate: true };
    expect((await refusal(resolveSafeTarget("http://169.254.169.254/", options))).reason).toBe(
      "link_local",
    );
    expect((await refusal(resolveSafeTarget("http://[fd00:ec2::254]/", options))).reason).toBe(
      "metadata",
    );
    expect((await refusal(resolveSafeTarget("http://100.100.100.200/", options))).reason).toBe(
      "metadata",
    );
    expect((await refusal(resolveSafeTarget("http://[fe80::1]/", options))).reason).toBe(
      "link_local",
    );
  });

  it.each([
    ["not a url", "invalid_url"],
    ["/relative/path", "invalid_url"],
    ["ftp://hooks.example.com/", "unsupported_protocol"],
    ["file:///etc/passwd", "unsupported_protocol"],
    ["gopher://127.0.0.1:25/", "unsupported_protocol"],
    ["https://user:secret@hooks.example.com/", "credentials_in_url"],
    ["https://token@hooks.example.com/", "credentials_in_url"],
  ])("refuses %s as %s", async (url, reason) => {
    const lookup = vi.fn(lookupReturning("93.184.215.14"));
    expect((await refusal(resolveSafeTarget(url, { lookup }))).reason).toBe(reason);
    expect(lookup).not.toHaveBeenCalled();
  });

  it("reports a host that does not resolve, keeping the DNS error as the cause", async () => {
    const dnsError = Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.invalid"), {
      code: "ENOTFOUND",
    });
    const error = await refusal(
      resolveSafeTarget("https://nowhere.invalid/", {
        lookup: async () => {
          throw dnsError;
        },
      }),
    );
    expect(error.reason).toBe("unresolvable");
    expect(error.cause).toBe(dnsError);
  });

  it("reports a host with no addresses as unresolvable", async () => {
    const error = await refusal(
      resolveSafeTarget("https://empty.example.com/", { lookup: lookupReturning() }),
    );
    expect(error.reason).toBe("unresolvable");
  });

  it("uses node:dns by default, so localhost resolves to a refused loopback address", async () => {
    expect((await refusal(resolveSafeTarget("http://localhost:9/"))).reason).toBe("loopback");
  });
});
