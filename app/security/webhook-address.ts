/**
 * Where a merchant's alert webhook may point (issue #16, SSRF): an App Store shop must not be
 * able to make Ballast's servers call this machine, the hosting network or a cloud metadata
 * service. Pure and isomorphic: the settings service checks a URL with it before saving, and
 * the delivery checks every address a host name resolves to before connecting to one of them
 * (app/monitor/webhook-target.server.ts). Only public unicast addresses pass; the
 * BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS switch (tests, the local rehearsal, a receiver on the
 * operator's own network) lets the others through, and plain http with them.
 */

/** What an address is, as far as an outgoing webhook is concerned; only "public" may be called. */
export type AddressKind =
  | "public"
  /** 127.0.0.0/8, ::1 */
  | "loopback"
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7, fec0::/10 */
  | "private"
  /** 169.254/16 (cloud metadata at 169.254.169.254), fe80::/10 */
  | "link_local"
  /** 0.0.0.0/8, :: */
  | "unspecified"
  /** Multicast, broadcast, documentation, benchmarking, future use, IETF protocol blocks… */
  | "reserved"
  /** Not an IP address. */
  | "invalid";

type Range = readonly [base: number, prefix: number, kind: Exclude<AddressKind, "public" | "invalid">];

/** IPv4 ranges that are not public (RFC 6890 and successors), as [base, prefix length, kind]. */
const IPV4_RANGES: readonly Range[] = [
  [ipv4("0.0.0.0"), 8, "unspecified"],
  [ipv4("10.0.0.0"), 8, "private"],
  [ipv4("100.64.0.0"), 10, "private"],
  [ipv4("127.0.0.0"), 8, "loopback"],
  [ipv4("169.254.0.0"), 16, "link_local"],
  [ipv4("172.16.0.0"), 12, "private"],
  [ipv4("192.0.0.0"), 24, "reserved"],
  [ipv4("192.0.2.0"), 24, "reserved"],
  [ipv4("192.88.99.0"), 24, "reserved"],
  [ipv4("192.168.0.0"), 16, "private"],
  [ipv4("198.18.0.0"), 15, "reserved"],
  [ipv4("198.51.100.0"), 24, "reserved"],
  [ipv4("203.0.113.0"), 24, "reserved"],
  [ipv4("224.0.0.0"), 4, "reserved"],
  [ipv4("240.0.0.0"), 4, "reserved"],
];

/** A range's base, written as a dotted quad. */
function ipv4(text: string): number {
  const value = parseIpv4(text);
  if (value === null) throw new Error(`not an IPv4 address: ${text}`);
  return value;
}

/** "a.b.c.d" → its 32 bits, or null unless four decimal parts 0–255. */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const byte = Number(part);
    if (byte > 255) return null;
    value = value * 256 + byte;
  }
  return value;
}

function classifyIpv4(value: number): AddressKind {
  for (const [base, prefix, kind] of IPV4_RANGES) {
    const size = 2 ** (32 - prefix);
    if (value >= base && value < base + size) return kind;
  }
  return "public";
}

/** "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth0" → eight 16-bit groups, or null. */
export function parseIpv6(text: string): number[] | null {
  const address = text.replace(/%.*$/, "").toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(address) || !address.includes(":")) return null;
  let head = address;
  const tail: number[] = [];
  // A dotted-quad ending stands for the last two groups.
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const value = parseIpv4(dotted[1]!);
    if (value === null) return null;
    tail.push(Math.floor(value / 65_536), value % 65_536);
    head = address.slice(0, address.length - dotted[1]!.length);
    // "::ffff:" → "::ffff"; "::" stays.
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...left, ...right].some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  const given = left.length + right.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return null;
  const zeros = halves.length === 2 ? 8 - given : 0;
  return [
    ...left.map((group) => parseInt(group, 16)),
    ...Array<number>(zeros).fill(0),
    ...right.map((group) => parseInt(group, 16)),
    ...tail,
  ];
}

/** The IPv4 address carried in groups 6–7 (a mapped or translated address). */
const embeddedIpv4 = (groups: number[], at = 6) => groups[at]! * 65_536 + groups[at + 1]!;

function classifyIpv6(groups: number[]): AddressKind {
  const [first, second] = [groups[0]!, groups[1]!];
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && groups[7] === 1) return "loopback";
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated) reach the IPv4 address.
  if (zeroUpTo(5) && groups[5] === 0xffff) return classifyIpv4(embeddedIpv4(groups));
  if (zeroUpTo(4) && groups[4] === 0xffff && groups[5] === 0) return classifyIpv4(embeddedIpv4(groups));
  // ::a.b.c.d (IPv4-compatible, deprecated) and the rest of ::/8.
  if (first === 0) return "reserved";
  // 64:ff9b::/96, NAT64 to the IPv4 address; 64:ff9b:1::/48, local-use NAT64.
  if (first === 0x64 && second === 0xff9b && groups.slice(2, 6).every((group) => group === 0))
    return classifyIpv4(embeddedIpv4(groups));
  if (first === 0x64 && second === 0xff9b && groups[2] === 1) return "private";
  if ((first & 0xfe00) === 0xfc00) return "private";
  if ((first & 0xffc0) === 0xfe80) return "link_local";
  if ((first & 0xffc0) === 0xfec0) return "private";
  // 2002::/16, 6to4: the IPv4 address in groups 1–2.
  if (first === 0x2002) return classifyIpv4(embeddedIpv4(groups, 1));
  // Global unicast is 2000::/3; within it, IETF protocol blocks (2001::/23, Teredo included),
  // documentation (2001:db8::/32, 3fff::/20) and segment routing (5f00::/16) are not receivers.
  if ((first & 0xe000) !== 0x2000) return "reserved";
  if (first === 0x2001 && second < 0x0200) return "reserved";
  if (first === 0x2001 && second === 0x0db8) return "reserved";
  if ((first & 0xfff0) === 0x3ff0) return "reserved";
  return "public";
}

/** What `address` is ("10.0.0.1", "::1", "[fe80::1]", "::ffff:127.0.0.1"); "invalid" when not an IP address. */
export function classifyAddress(address: string): AddressKind {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const v4 = parseIpv4(bare);
  if (v4 !== null) return classifyIpv4(v4);
  const v6 = parseIpv6(bare);
  return v6 === null ? "invalid" : classifyIpv6(v6);
}

export const isPublicAddress = (address: string) => classifyAddress(address) === "public";

/** Names that are this machine whatever DNS says (RFC 6761). */
const isLocalhostName = (hostname: string) => /(^|\.)localhost\.?$/i.test(hostname);

// ---------------------------------------------------------------- a webhook URL

/** Why a webhook URL is refused; "private_address" names the host and the address it leads to. */
export type WebhookRefusal =
  | { code: "invalid" }
  | { code: "credentials" }
  | { code: "not_https" }
  | { code: "private_address"; host: string; address: string; kind: AddressKind };

export interface WebhookUrlPolicy {
  /** BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: private addresses, and plain http, allowed. */
  allowPrivate: boolean;
}

/**
 * What can be said of a webhook URL without resolving it: http(s) only, https unless the
 * switch is on, no user name or password in it, and no host that is itself an address (or
 * "localhost") outside the public internet. A host name passes here; the delivery resolves
 * it and checks every address (checkResolvedAddresses).
 */
export function webhookUrlRefusal(value: string, policy: WebhookUrlPolicy): WebhookRefusal | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { code: "invalid" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { code: "invalid" };
  if (url.hostname === "") return { code: "invalid" };
  if (url.username !== "" || url.password !== "") return { code: "credentials" };
  if (!policy.allowPrivate) {
    // The URL parser has already turned 0x7f.1, 2130706433 and the like into dotted quads.
    const kind = isLocalhostName(url.hostname) ? "loopback" : classifyAddress(url.hostname);
    if (kind !== "public" && kind !== "invalid")
      return { code: "private_address", host: url.hostname, address: url.hostname, kind };
    if (url.protocol === "http:") return { code: "not_https" };
  }
  return null;
}

/** The first resolved address that may not be called, as a refusal; null when every one is public (or the switch is on). */
export function checkResolvedAddresses(
  host: string,
  addresses: readonly string[],
  policy: WebhookUrlPolicy,
): WebhookRefusal | null {
  if (policy.allowPrivate) return null;
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind !== "public") return { code: "private_address", host, address, kind };
  }
  return null;
}

/**
 * A refused webhook URL in an API client's words (the Settings page says each in the
 * merchant's language: app/web/settings-form.ts maps these messages to its keys).
 */
export const WEBHOOK_URL_ISSUES: Record<WebhookRefusal["code"], string> = {
  invalid: "must be a full https URL",
  credentials: "must not contain a user name or password",
  not_https: "must be an https URL",
  private_address: "must not point to a private, loopback, link-local or reserved network address",
};
