import { describe, expect, it } from "vitest";
import {
  checkResolvedAddresses,
  classifyAddress,
  isPublicAddress,
  parseIpv6,
  webhookUrlRefusal,
  type AddressKind,
} from "./webhook-address";

describe("classifyAddress", () => {
  const table: [string, AddressKind][] = [
    // IPv4
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.10", "private"],
    ["100.64.0.1", "private"],
    ["100.100.100.200", "private"],
    ["169.254.0.1", "link_local"],
    ["169.254.169.254", "link_local"],
    ["192.0.0.1", "reserved"],
    ["192.0.2.5", "reserved"],
    ["198.18.0.1", "reserved"],
    ["198.19.255.255", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["224.0.0.1", "reserved"],
    ["239.255.255.250", "reserved"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["172.15.255.255", "public"],
    ["172.32.0.1", "public"],
    ["192.169.0.1", "public"],
    ["100.63.255.255", "public"],
    ["100.128.0.1", "public"],
    ["169.253.255.255", "public"],
    ["11.0.0.1", "public"],
    ["126.255.255.255", "public"],
    ["128.0.0.1", "public"],
    ["223.255.255.255", "public"],
    // IPv6
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fc00::1", "private"],
    ["fd12:3456:789a::1", "private"],
    ["fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "private"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["febf::1", "link_local"],
    ["fec0::1", "private"],
    ["ff02::1", "reserved"],
    ["::2", "reserved"],
    ["::127.0.0.1", "reserved"],
    ["100::1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "reserved"],
    ["3fff::1", "reserved"],
    ["4000::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4007:80e::200e", "public"],
    ["2001:4860:4860::8888", "public"],
    ["fbff::1", "reserved"],
    // IPv6 carrying an IPv4 address: as that address
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["[::ffff:7f00:1]", "loopback"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:169.254.169.254", "link_local"],
    ["::ffff:a9fe:a9fe", "link_local"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::ffff:8.8.8.8", "public"],
    ["::ffff:0:192.168.0.1", "private"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::8.8.8.8", "public"],
    ["64:ff9b:1::1", "private"],
    ["2002:c0a8:0101::1", "private"],
    ["2002:0808:0808::1", "public"],
    // Not addresses
    ["example.com", "invalid"],
    ["localhost", "invalid"],
    ["256.0.0.1", "invalid"],
    ["1.2.3", "invalid"],
    ["01.2.3.4", "invalid"],
    ["1:2:3:4:5:6:7:8:9", "invalid"],
    ["1::2::3", "invalid"],
    ["::ffff:300.1.1.1", "invalid"],
    ["", "invalid"],
  ];
  it.each(table)("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it("calls only public addresses public", () => {
    expect(isPublicAddress("93.184.215.14")).toBe(true);
    expect(isPublicAddress("::ffff:192.168.0.1")).toBe(false);
  });

  it("reads every IPv6 spelling into eight groups", () => {
    expect(parseIpv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6("1:2:3:4:5:6:7::")).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIpv6("1:2:3:4:5:6:1.2.3.4")).toEqual([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]);
    expect(parseIpv6("1:2:3:4:5:6:7")).toBeNull();
    expect(parseIpv6(":1::")).toBeNull();
  });
});

describe("webhookUrlRefusal", () => {
  const closed = { allowPrivate: false };
  const open = { allowPrivate: true };

  it("accepts a public https address", () => {
    expect(webhookUrlRefusal("https://hooks.slack.com/services/T/B/x", closed)).toBeNull();
    expect(webhookUrlRefusal("https://8.8.8.8:8443/hook", closed)).toBeNull();
    expect(webhookUrlRefusal("https://[2606:4700:4700::1111]/hook", closed)).toBeNull();
  });

  it("refuses loopback, private, link-local and reserved hosts, however written", () => {
    for (const url of [
      "https://127.0.0.1/x",
      "https://localhost/x",
      "https://api.localhost./x",
      "https://2130706433/x",
      "https://0x7f.1/x",
      "https://127.1/x",
      "https://0.0.0.0/x",
      "https://10.0.0.5/x",
      "https://172.20.1.1/x",
      "https://192.168.0.1/x",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/x",
      "https://[::]/x",
      "https://[::ffff:127.0.0.1]/x",
      "https://[::ffff:a9fe:a9fe]/x",
      "https://[fd00::1]/x",
      "https://[fe80::1]/x",
      "https://224.0.0.1/x",
    ])
      expect(webhookUrlRefusal(url, closed), url).toMatchObject({ code: "private_address" });
    expect(webhookUrlRefusal("https://169.254.169.254/", closed)).toEqual({
      code: "private_address",
      host: "169.254.169.254",
      address: "169.254.169.254",
      kind: "link_local",
    });
  });

  it("refuses plain http, credentials and what is not a web address", () => {
    expect(webhookUrlRefusal("http://hooks.example.com/x", closed)).toEqual({ code: "not_https" });
    expect(webhookUrlRefusal("https://user:pass@hooks.example.com/x", closed)).toEqual({ code: "credentials" });
    expect(webhookUrlRefusal("https://user@hooks.example.com/x", closed)).toEqual({ code: "credentials" });
    expect(webhookUrlRefusal("https://user:pass@hooks.example.com/x", open)).toEqual({ code: "credentials" });
    expect(webhookUrlRefusal("ftp://example.com/x", open)).toEqual({ code: "invalid" });
    expect(webhookUrlRefusal("not a url", open)).toEqual({ code: "invalid" });
  });

  it("lets private addresses and plain http through when the switch is on", () => {
    expect(webhookUrlRefusal("http://127.0.0.1:4000/hooks", open)).toBeNull();
    expect(webhookUrlRefusal("http://192.168.1.20/hooks", open)).toBeNull();
    expect(webhookUrlRefusal("http://hooks.example.com/x", open)).toBeNull();
  });
});

describe("checkResolvedAddresses", () => {
  it("refuses a name when any of its addresses is not public", () => {
    expect(
      checkResolvedAddresses("hooks.example.com", ["93.184.215.14", "2606:2800:21f:cb07::1"], { allowPrivate: false }),
    ).toBeNull();
    expect(
      checkResolvedAddresses("rebind.example.com", ["93.184.215.14", "10.0.0.7"], { allowPrivate: false }),
    ).toEqual({
      code: "private_address",
      host: "rebind.example.com",
      address: "10.0.0.7",
      kind: "private",
    });
    expect(
      checkResolvedAddresses("metadata.google.internal", ["169.254.169.254"], { allowPrivate: false }),
    ).toMatchObject({
      kind: "link_local",
    });
    expect(checkResolvedAddresses("weird.example.com", ["not-an-address"], { allowPrivate: false })).toMatchObject({
      kind: "invalid",
    });
    expect(checkResolvedAddresses("localhost", ["127.0.0.1", "::1"], { allowPrivate: true })).toBeNull();
  });
});
