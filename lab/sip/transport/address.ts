/**
 * Host spellings at the transport boundary. In SIP text (Via sent-by, URIs) an IPv6 address
 * is a bracketed reference (RFC 3261 §25.1 `IPv6reference`, RFC 5118), the `received`
 * parameter holds it bare (§20.42 `via-received`), and the socket APIs want it bare. Comparing
 * two spellings of one address (`::1` vs `0:0:0:0:0:0:0:1`, `::ffff:192.0.2.1` vs
 * `192.0.2.1`) needs a canonical form.
 *
 * @module
 */

const MAPPED_PREFIX = "0000:0000:0000:0000:0000:ffff:";
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The host without IPv6 brackets, for socket APIs and the Via `received` parameter.
 *
 * @example
 * ```ts
 * bareHost("[2001:db8::1]"); // "2001:db8::1"
 * ```
 */
export function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * The host as written in SIP: IPv6 addresses in brackets (RFC 3261 §25.1 hostport), IPv4
 * addresses and names unchanged. IPv4-mapped IPv6 addresses (a dual-stack socket's view of an
 * IPv4 peer) are written as the IPv4 address.
 *
 * @example
 * ```ts
 * sipHost("::1"); // "[::1]"
 * sipHost("::ffff:192.0.2.7"); // "192.0.2.7"
 * ```
 */
export function sipHost(host: string): string {
  const bare = bareHost(host);
  const mapped = ipv4Mapped(bare);
  if (mapped !== undefined) return mapped;
  return bare.includes(":") ? `[${bare}]` : bare;
}

/**
 * True for an IPv4 or IPv6 literal (bracketed or not), false for a domain name (§18.2.1 adds
 * `received` whenever sent-by holds a domain name).
 *
 * @example
 * ```ts
 * isIpLiteral("[::1]"); // true
 * isIpLiteral("pc33.atlanta.com"); // false
 * ```
 */
export function isIpLiteral(host: string): boolean {
  const bare = bareHost(host);
  return IPV4.test(bare) || expandIpv6(bare) !== undefined;
}

/**
 * A canonical form of a host for comparisons and map keys: IPv6 fully expanded in lowercase
 * without brackets, IPv4-mapped IPv6 as IPv4, names lowercased (§19.1.4: host comparison is
 * case-insensitive).
 *
 * @example
 * ```ts
 * canonicalHost("[::1]") === canonicalHost("0:0:0:0:0:0:0:1"); // true
 * ```
 */
export function canonicalHost(host: string): string {
  const bare = bareHost(host).toLowerCase();
  const mapped = ipv4Mapped(bare);
  if (mapped !== undefined) return mapped;
  return expandIpv6(bare) ?? bare;
}

/**
 * True when both spellings name the same host.
 *
 * @example
 * ```ts
 * sameHost("[2001:DB8::1]", "2001:db8:0:0:0:0:0:1"); // true
 * ```
 */
export function sameHost(a: string, b: string): boolean {
  return canonicalHost(a) === canonicalHost(b);
}

/** An IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2, `::ffff:a.b.c.d`) as IPv4; else undefined. */
function ipv4Mapped(bare: string): string | undefined {
  const expanded = expandIpv6(bare);
  if (expanded === undefined || !expanded.startsWith(MAPPED_PREFIX)) return undefined;
  const hi = parseInt(expanded.slice(30, 34), 16);
  const lo = parseInt(expanded.slice(35, 39), 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** RFC 4291 §2.2 text forms → eight 4-digit lowercase groups; undefined when not IPv6. */
function expandIpv6(bare: string): string | undefined {
  if (!bare.includes(":")) return undefined;
  let text = bare;
  // An embedded IPv4 tail (§2.2 form 3) counts as two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!IPV4.test(tail)) return undefined;
    const [a, b, c, d] = tail.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${
      ((c << 8) | d).toString(16)
    }`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const rest = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => g.toLowerCase().padStart(4, "0")).join(":");
}
