/**
 * {@link DnsLookup} over `Deno.resolveDns`, asking the system's resolver or a chosen name server.
 *
 * @module
 */
import {
  type DnsLookup,
  DnsLookupError,
  type DnsRecordType,
  type NaptrRecord,
  type SrvRecord,
} from "./dns_lookup.ts";

/** Where and how long to ask. */
export interface DenoDnsLookupOptions {
  /** Name server to ask; the system resolver's configuration when absent. Port defaults to 53. */
  nameServer?: { ipAddr: string; port?: number };
  /** Give up on one question after this many milliseconds (default 5000). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Asks a real name server. No records (NXDOMAIN / NODATA, reported by Deno as `NotFound`) is
 * `[]`; a timeout or any other failure throws {@link DnsLookupError}. Nothing is cached:
 * `Deno.resolveDns` does not report record TTLs, so a cache could not honour them.
 *
 * @example
 * ```ts
 * const dns = new DenoDnsLookup({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * await dns.a("pbx1.lab.test"); // ["192.0.2.11"]
 * ```
 */
export class DenoDnsLookup implements DnsLookup {
  readonly #nameServer?: { ipAddr: string; port?: number };
  readonly #timeoutMs: number;

  constructor(options: DenoDnsLookupOptions = {}) {
    this.#nameServer = options.nameServer;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  naptr(name: string): Promise<NaptrRecord[]> {
    return this.#ask(name, "NAPTR");
  }

  srv(name: string): Promise<SrvRecord[]> {
    return this.#ask(name, "SRV");
  }

  a(name: string): Promise<string[]> {
    return this.#ask(name, "A");
  }

  aaaa(name: string): Promise<string[]> {
    return this.#ask(name, "AAAA");
  }

  /** One question; `T` is the record shape Deno returns for `type`. */
  async #ask<T>(name: string, type: DnsRecordType): Promise<T[]> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#timeoutMs);
    try {
      const options: Deno.ResolveDnsOptions = { signal: abort.signal };
      if (this.#nameServer !== undefined) options.nameServer = this.#nameServer;
      // The overloads of Deno.resolveDns are per literal type; the union goes through "A"'s.
      return await Deno.resolveDns(name, type as "A", options) as T[];
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return [];
      const detail = abort.signal.aborted
        ? `no answer within ${this.#timeoutMs} ms`
        : (err as Error).message;
      throw new DnsLookupError(type, name, detail, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
