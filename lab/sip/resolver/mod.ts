/**
 * SIP server location: RFC 3263 §4 (client: URI → ordered transport addresses, NAPTR → SRV →
 * A/AAAA with RFC 2782 priority/weight order and failover), RFC 3263 §5 (server: where to send
 * a response when sent-by is a name) and MS-CONMGMT §2.1 (Lync outbound-proxy discovery). DNS
 * is read through {@link DnsLookup}: {@link DenoDnsLookup} asks a real name server,
 * {@link MemoryDnsLookup} answers from in-memory records.
 *
 * Every locator is a lazy async iterator: the caller tries a target and asks for the next one
 * only on failure (RFC 3263 §4.3); `Array.fromAsync` collects the whole list.
 *
 * @example
 * ```ts
 * import { DenoDnsLookup, locateSipServers } from "./mod.ts";
 *
 * const dns = new DenoDnsLookup({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const targets = await Array.fromAsync(
 *   locateSipServers({ scheme: "sip", host: "lab.test" }, { dns, transports: ["tcp", "udp"] }),
 * );
 * // [{ protocol: "tcp", host: "192.0.2.11", port: 5060, hostname: "pbx1.lab.test" }, …]
 * ```
 *
 * @module
 */
export {
  type DnsLookup,
  DnsLookupError,
  type DnsRecordType,
  type NaptrRecord,
  normalizeDnsName,
  type SrvRecord,
} from "./dns_lookup.ts";
export { DenoDnsLookup, type DenoDnsLookupOptions } from "./deno_dns_lookup.ts";
export { type DnsZone, MemoryDnsLookup, type MemoryDnsLookupOptions } from "./memory_dns_lookup.ts";
export { type AddressFamily, DEFAULT_FAMILIES, type ServerTarget } from "./server_target.ts";
export { ServerLocationError, type ServerLocationFault } from "./location_error.ts";
export { orderSrvRecords } from "./srv_order.ts";
export { type NaptrChoice, sipNaptrChoices } from "./naptr_selection.ts";
export {
  isSecureTransport,
  naptrServiceTransport,
  srvPrefix,
  uriTransport,
} from "./transport_names.ts";
export {
  DEFAULT_CLIENT_TRANSPORTS,
  type LocateOptions,
  locateSipServers,
  type SipServerAddress,
} from "./client_locator.ts";
export { locateResponseTargets, type ResponseLocateOptions } from "./response_locator.ts";
export {
  discoverLyncServers,
  type LyncDiscoveryOptions,
  type LyncDiscoveryStep,
  type LyncServerTarget,
  type ManualServer,
} from "./lync_discovery.ts";
