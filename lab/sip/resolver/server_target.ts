/**
 * What server location produces: transport addresses to try, in order.
 *
 * @module
 */
import type { TransportProtocol } from "../transport/destination.ts";

/**
 * One transport address to try. `protocol`, `host` and `port` form a transport `Destination`
 * (lab/sip/transaction/destination.ts) as they are.
 *
 * @example
 * ```ts
 * const target: ServerTarget = {
 *   protocol: "tls", host: "[2001:db8::11]", port: 5061, hostname: "pbx1.lab.test",
 * };
 * ```
 */
export interface ServerTarget {
  protocol: TransportProtocol;
  /** IP address; IPv6 in brackets as in SIP (RFC 3261 §25.1 `IPv6reference`). */
  host: string;
  port: number;
  /**
   * The DNS name whose A/AAAA records gave `host` (an SRV target or the URI host), without the
   * trailing dot: the name to check a TLS certificate against. The bare address itself when
   * the input held an IP address.
   */
  hostname: string;
}

/** Address families, in the order their records are asked for. */
export type AddressFamily = "ipv4" | "ipv6";

/** Default address families, asked in this order: A, then AAAA. */
export const DEFAULT_FAMILIES: readonly AddressFamily[] = ["ipv4", "ipv6"];
