/**
 * The DNS questions SIP server location asks (RFC 3263 §4, §5; MS-CONMGMT §2.1): NAPTR
 * (RFC 3403), SRV (RFC 2782), A (RFC 1035 §3.4.1) and AAAA (RFC 3596). Every resolver procedure
 * reads DNS only through {@link DnsLookup}, so a real name server ({@link DenoDnsLookup}) and
 * in-memory records ({@link MemoryDnsLookup}) are interchangeable.
 *
 * @module
 */

/** A NAPTR record (RFC 3403 §4.1); the same shape `Deno.resolveDns(name, "NAPTR")` returns. */
export interface NaptrRecord {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
  replacement: string;
}

/** An SRV record (RFC 2782); the same shape `Deno.resolveDns(name, "SRV")` returns. */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** Host name of the server; "." means the service is decidedly not available (RFC 2782). */
  target: string;
}

/** The record types server location asks for. */
export type DnsRecordType = "NAPTR" | "SRV" | "A" | "AAAA";

/**
 * Read access to DNS. Contract shared by every implementation:
 * - a name without records of the asked type (NXDOMAIN or NODATA) answers `[]`;
 * - a question that could not be answered (timeout, server failure, unreachable name server)
 *   throws {@link DnsLookupError}.
 *
 * @example
 * ```ts
 * const dns: DnsLookup = new DenoDnsLookup({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const records = await dns.srv("_sip._udp.lab.test");
 * ```
 */
export interface DnsLookup {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  /** IPv4 addresses in dotted-quad form. */
  a(name: string): Promise<string[]>;
  /** IPv6 addresses, without brackets. */
  aaaa(name: string): Promise<string[]>;
}

/**
 * A DNS question that could not be answered (as opposed to answered with no records).
 *
 * @example
 * ```ts
 * throw new DnsLookupError("SRV", "_sip._udp.lab.test", "request timed out");
 * ```
 */
export class DnsLookupError extends Error {
  override name = "DnsLookupError";
  constructor(
    readonly recordType: DnsRecordType,
    readonly query: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`DNS ${recordType} lookup of ${query} failed: ${detail}`, options);
  }
}

/**
 * A DNS name in the form used to compare and key names: lowercase (RFC 4343: DNS names compare
 * case-insensitively) and without the trailing root dot.
 *
 * @example
 * ```ts
 * normalizeDnsName("PBX1.Lab.Test."); // "pbx1.lab.test"
 * ```
 */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length > 1 && lower.endsWith(".") ? lower.slice(0, -1) : lower;
}
