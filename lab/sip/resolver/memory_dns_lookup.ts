/**
 * {@link DnsLookup} over in-memory records: unit tests and load-test agents use it to stage
 * edge cases a real zone makes awkward (weights, priorities, unreachable name servers) and to
 * see which questions a procedure asked, in order.
 *
 * @module
 */
import {
  type DnsLookup,
  DnsLookupError,
  type DnsRecordType,
  type NaptrRecord,
  normalizeDnsName,
  type SrvRecord,
} from "./dns_lookup.ts";

/** Records by owner name (any letter case, trailing dot optional). */
export interface DnsZone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
}

/** Staged failures. */
export interface MemoryDnsLookupOptions {
  /** Questions that throw {@link DnsLookupError}, written `"<TYPE> <name>"`, e.g. `"SRV _sip._udp.lab.test"`. */
  failing?: Iterable<string>;
}

/**
 * Answers from a {@link DnsZone}; names absent from the zone answer `[]`. Each question is
 * appended to {@link MemoryDnsLookup.queries} as `"<TYPE> <name>"` with the name normalized.
 *
 * @example
 * ```ts
 * const dns = new MemoryDnsLookup({ a: { "pbx.lab.test": ["192.0.2.1"] } });
 * await dns.a("PBX.lab.test."); // ["192.0.2.1"]
 * dns.queries; // ["A pbx.lab.test"]
 * ```
 */
export class MemoryDnsLookup implements DnsLookup {
  /** Every question asked so far, in order. */
  readonly queries: string[] = [];
  readonly #records = new Map<string, unknown[]>();
  readonly #failing = new Set<string>();

  constructor(zone: DnsZone, options: MemoryDnsLookupOptions = {}) {
    this.#load("NAPTR", zone.naptr);
    this.#load("SRV", zone.srv);
    this.#load("A", zone.a);
    this.#load("AAAA", zone.aaaa);
    for (const question of options.failing ?? []) {
      const space = question.indexOf(" ");
      this.#failing.add(
        `${question.slice(0, space).toUpperCase()} ${normalizeDnsName(question.slice(space + 1))}`,
      );
    }
  }

  naptr(name: string): Promise<NaptrRecord[]> {
    return this.#answer(name, "NAPTR");
  }

  srv(name: string): Promise<SrvRecord[]> {
    return this.#answer(name, "SRV");
  }

  a(name: string): Promise<string[]> {
    return this.#answer(name, "A");
  }

  aaaa(name: string): Promise<string[]> {
    return this.#answer(name, "AAAA");
  }

  #load(type: DnsRecordType, records: Record<string, unknown[]> | undefined) {
    for (const [name, list] of Object.entries(records ?? {})) {
      this.#records.set(`${type} ${normalizeDnsName(name)}`, list);
    }
  }

  #answer<T>(name: string, type: DnsRecordType): Promise<T[]> {
    const key = `${type} ${normalizeDnsName(name)}`;
    this.queries.push(key);
    if (this.#failing.has(key)) {
      return Promise.reject(new DnsLookupError(type, name, "staged failure"));
    }
    // Copies, so a caller reordering its answer cannot change the zone.
    return Promise.resolve([...(this.#records.get(key) ?? [])] as T[]);
  }
}
