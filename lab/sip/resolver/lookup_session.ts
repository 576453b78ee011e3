/**
 * The state one location procedure carries while it walks DNS: which questions failed, which
 * targets it already produced, and how it turns SRV records and host names into targets.
 * Shared by the RFC 3263 client and server procedures and the MS-CONMGMT discovery.
 *
 * @module
 */
import type { TransportProtocol } from "../transport/destination.ts";
import { bareHost, isIpLiteral, sipHost } from "../transport/address.ts";
import {
  type DnsLookup,
  DnsLookupError,
  type NaptrRecord,
  normalizeDnsName,
  type SrvRecord,
} from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import type { AddressFamily, ServerTarget } from "./server_target.ts";
import { orderSrvRecords } from "./srv_order.ts";

/** Settings every locator accepts. */
export interface LookupSettings {
  dns: DnsLookup;
  /** A/AAAA questions to ask, in this order. */
  families: readonly AddressFamily[];
  /** Uniform random numbers in [0, 1) for the RFC 2782 weighted order. */
  random: () => number;
}

/**
 * One procedure's walk through DNS. A question that fails counts as "no records" so the
 * procedure can fall back, and is remembered: when nothing at all is found, {@link finish}
 * reports the failures instead of an empty result.
 */
export class LookupSession {
  readonly #settings: LookupSettings;
  readonly #failures: DnsLookupError[] = [];
  readonly #produced = new Set<string>();
  /** Address answers by "<family> <name>": a name reached twice (two ports) is asked once. */
  readonly #addresses = new Map<string, Promise<string[]>>();

  constructor(settings: LookupSettings) {
    this.#settings = settings;
  }

  /** How many distinct targets were produced so far. */
  get produced(): number {
    return this.#produced.size;
  }

  naptr(name: string): Promise<NaptrRecord[]> {
    return this.#tolerate(() => this.#settings.dns.naptr(name));
  }

  srv(name: string): Promise<SrvRecord[]> {
    return this.#tolerate(() => this.#settings.dns.srv(name));
  }

  /**
   * Targets from one SRV RRset in RFC 2782 order, each target's addresses in turn (RFC 3263
   * §4.3: the list of servers to try). Records with the target "." name no server (RFC 2782)
   * and produce nothing.
   */
  async *srvTargets(
    records: readonly SrvRecord[],
    protocol: TransportProtocol,
  ): AsyncGenerator<ServerTarget> {
    const servers = records.filter((r) => normalizeDnsName(r.target) !== ".");
    for (const record of orderSrvRecords(servers, this.#settings.random)) {
      yield* this.hostTargets(record.target, protocol, record.port);
    }
  }

  /** Targets for a host name's A/AAAA addresses, or for an IP literal as it is. */
  async *hostTargets(
    host: string,
    protocol: TransportProtocol,
    port: number,
  ): AsyncGenerator<ServerTarget> {
    if (isIpLiteral(host)) {
      const target = { protocol, host: sipHost(host), port, hostname: bareHost(host) };
      if (this.#fresh(target)) yield target;
      return;
    }
    const hostname = normalizeDnsName(host);
    for (const family of this.#settings.families) {
      const addresses = await this.#addressesOf(family, hostname);
      for (const address of addresses) {
        const target = { protocol, host: sipHost(address), port, hostname };
        if (this.#fresh(target)) yield target;
      }
    }
  }

  /** Throws {@link ServerLocationError} `dns-failure` when nothing was found and DNS failed. */
  finish(): void {
    if (this.#produced.size === 0 && this.#failures.length > 0) {
      throw new ServerLocationError(
        "dns-failure",
        `no server found; ${this.#failures.length} DNS question(s) failed: ` +
          this.#failures.map((f) => f.message).join("; "),
        this.#failures,
      );
    }
  }

  /** A target not produced before in this walk (the same address may come by several paths). */
  #fresh(target: ServerTarget): boolean {
    const key = `${target.protocol} ${target.host} ${target.port}`;
    if (this.#produced.has(key)) return false;
    this.#produced.add(key);
    return true;
  }

  #addressesOf(family: AddressFamily, hostname: string): Promise<string[]> {
    const key = `${family} ${hostname}`;
    let answer = this.#addresses.get(key);
    if (answer === undefined) {
      const dns = this.#settings.dns;
      answer = this.#tolerate(() => family === "ipv4" ? dns.a(hostname) : dns.aaaa(hostname));
      this.#addresses.set(key, answer);
    }
    return answer;
  }

  async #tolerate<T>(ask: () => Promise<T[]>): Promise<T[]> {
    try {
      return await ask();
    } catch (err) {
      if (!(err instanceof DnsLookupError)) throw err;
      this.#failures.push(err);
      return [];
    }
  }
}
