/**
 * RFC 3263 §4 (client usage): from a SIP or SIPS URI to the ordered transport addresses to
 * try — transport selection (§4.1), port and address (§4.2) and the RFC 2782 order with
 * failover (§4.3).
 *
 * @module
 */
import type { SipUri } from "../message/uri.ts";
import { defaultPort, type TransportProtocol } from "../transport/destination.ts";
import { isIpLiteral } from "../transport/address.ts";
import type { DnsLookup } from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import { LookupSession } from "./lookup_session.ts";
import { sipNaptrChoices } from "./naptr_selection.ts";
import { type AddressFamily, DEFAULT_FAMILIES, type ServerTarget } from "./server_target.ts";
import { isSecureTransport, srvPrefix, uriTransport } from "./transport_names.ts";

/** The parts of a SIP/SIPS URI that server location reads, for callers without a parsed URI. */
export interface SipServerAddress {
  scheme: "sip" | "sips";
  host: string;
  port?: number;
  /** The URI's `transport` parameter value. */
  transportParam?: string;
  /** The URI's `maddr` parameter value; it replaces the host as TARGET (RFC 3263 §4). */
  maddr?: string;
}

/** How the client locates servers. */
export interface LocateOptions {
  dns: DnsLookup;
  /**
   * Transports the client supports, in its order of preference; that order decides which SRV
   * RRset comes first when the domain has no NAPTR records (RFC 3263 §4.1 leaves the choice to
   * the client). Default `["tls", "tcp", "udp"]`.
   */
  transports?: readonly TransportProtocol[];
  /** A/AAAA questions to ask, in this order. Default `["ipv4", "ipv6"]`. */
  families?: readonly AddressFamily[];
  /** Random numbers in [0, 1) for the RFC 2782 weighted order. Default `Math.random`. */
  random?: () => number;
}

/** Default client transports, most preferred first. */
export const DEFAULT_CLIENT_TRANSPORTS: readonly TransportProtocol[] = ["tls", "tcp", "udp"];

/**
 * The servers to try for a request to `uri`, best first, produced lazily: the next DNS
 * question is asked only when the caller wants the next target (RFC 3263 §4.3: after a
 * transport failure or a 503, try the next element).
 *
 * TARGET is the `maddr` parameter if present, otherwise the host (§4). Then:
 *
 * 1. TARGET is an IP address: that address, the URI port or the transport's default port;
 *    transport from the `transport` parameter, else UDP for SIP and TLS for SIPS (§4.1, §4.2).
 * 2. A port is given: A/AAAA of TARGET at that port, same transport rule (§4.1, §4.2).
 * 3. A `transport` parameter is given: the SRV RRset of that transport (`_sips` when it is
 *    TLS); without SRV records, A/AAAA of TARGET at the default port (§4.2).
 * 4. Otherwise NAPTR of TARGET: applicable records by order and preference, each giving an
 *    SRV RRset (§4.1). Later records follow the first one's targets as further fallbacks.
 * 5. No applicable NAPTR record: the SRV RRset of every supported transport in preference
 *    order (`_sips._tcp`, `_sip._tcp`, `_sip._udp`, …; SIPS only secure ones) (§4.1).
 * 6. No SRV record at all: A/AAAA of TARGET at the default port, UDP for SIP, TLS for SIPS
 *    (§4.1, §4.2).
 *
 * Each SRV RRset is ordered by priority and weight (RFC 2782) and every target's addresses
 * are produced in turn (§4.3). A DNS question that fails counts as "no records"; if nothing is
 * found and a question failed, the iteration throws {@link ServerLocationError} `dns-failure`.
 * A transport the client does not support throws `unsupported-transport`; UDP in a SIPS URI
 * throws `insecure-transport`.
 *
 * @example
 * ```ts
 * const dns = new DenoDnsLookup();
 * for await (const target of locateSipServers(parseUri("sip:alice@lab.test") as SipUri, { dns })) {
 *   if (await tryToSend(target)) break; // otherwise fail over to the next target
 * }
 * const all = await Array.fromAsync(
 *   locateSipServers({ scheme: "sips", host: "lab.test" }, { dns }),
 * ); // [{ protocol: "tls", host: "192.0.2.11", port: 5061, hostname: "pbx1.lab.test" }, …]
 * ```
 */
export async function* locateSipServers(
  uri: SipUri | SipServerAddress,
  options: LocateOptions,
): AsyncGenerator<ServerTarget> {
  const address = serverAddressOf(uri);
  const supported = options.transports ?? DEFAULT_CLIENT_TRANSPORTS;
  const target = address.maddr ?? address.host;
  const explicit = address.transportParam === undefined
    ? undefined
    : uriTransport(address.scheme, address.transportParam);
  if (explicit !== undefined && !supported.includes(explicit)) {
    throw new ServerLocationError(
      "unsupported-transport",
      `transport "${explicit}" is not among the client's transports`,
    );
  }
  const session = new LookupSession({
    dns: options.dns,
    families: options.families ?? DEFAULT_FAMILIES,
    random: options.random ?? Math.random,
  });

  if (isIpLiteral(target) || address.port !== undefined) {
    // §4.1: numeric IP or explicit port → transport from the parameter or the scheme default;
    // §4.2: that address (or the A/AAAA records of the name) at the port given or the default.
    const protocol = explicit ?? schemeDefaultTransport(address.scheme, supported);
    yield* session.hostTargets(target, protocol, address.port ?? defaultPort(protocol));
  } else if (explicit !== undefined) {
    // §4.2: transport given, no port → SRV for that transport ("_sips" for TLS).
    const records = await session.srv(`${srvPrefix(explicit)}.${target}`);
    if (records.length > 0) yield* session.srvTargets(records, explicit);
    else yield* session.hostTargets(target, explicit, defaultPort(explicit));
  } else {
    yield* resolveByDns(session, address.scheme, target, supported);
  }
  session.finish();
}

/** §4.1 NAPTR, then SRV per transport, then A/AAAA. */
async function* resolveByDns(
  session: LookupSession,
  scheme: "sip" | "sips",
  target: string,
  supported: readonly TransportProtocol[],
): AsyncGenerator<ServerTarget> {
  const choices = sipNaptrChoices(await session.naptr(target), scheme, supported);
  if (choices.length > 0) {
    // §4.1: the NAPTR records pick the transports; their SRV names give the servers (§4.2).
    for (const choice of choices) {
      yield* session.srvTargets(await session.srv(choice.srvName), choice.protocol);
    }
    return;
  }
  // §4.1: no NAPTR records → one SRV question per supported transport; those that answer are
  // the transports the server supports.
  let foundSrv = false;
  for (const protocol of supported) {
    if (scheme === "sips" && !isSecureTransport(protocol)) continue;
    const records = await session.srv(`${srvPrefix(protocol)}.${target}`);
    if (records.length === 0) continue;
    foundSrv = true;
    yield* session.srvTargets(records, protocol);
  }
  if (foundSrv) return;
  // §4.1/§4.2: no SRV records → UDP for SIP, TLS for SIPS, A/AAAA at the default port.
  const protocol = schemeDefaultTransport(scheme, supported);
  yield* session.hostTargets(target, protocol, defaultPort(protocol));
}

/**
 * RFC 3263 §4.1: "UDP for a SIP URI, and TCP for a SIPS URI" (TLS over TCP). A client without
 * UDP uses TCP, which §4.1 allows when SIP requires it (RFC 3261 §18.1.1).
 */
function schemeDefaultTransport(
  scheme: "sip" | "sips",
  supported: readonly TransportProtocol[],
): TransportProtocol {
  const candidates: TransportProtocol[] = scheme === "sips"
    ? ["tls", "wss"]
    : ["udp", "tcp", "tls"];
  const chosen = candidates.find((p) => supported.includes(p));
  if (chosen === undefined) {
    throw new ServerLocationError(
      "unsupported-transport",
      `no client transport can reach a ${scheme}: URI`,
    );
  }
  return chosen;
}

/** A parsed SipUri or a plain {@link SipServerAddress}, read as the latter. */
function serverAddressOf(uri: SipUri | SipServerAddress): SipServerAddress {
  if (!("params" in uri)) return uri;
  const address: SipServerAddress = { scheme: uri.scheme, host: uri.host };
  if (uri.port !== undefined) address.port = uri.port;
  for (const [name, value] of uri.params) {
    // §19.1.4: parameter names compare case-insensitively.
    const key = name.toLowerCase();
    if (key === "transport" && value !== null) address.transportParam = value;
    if (key === "maddr" && value !== null) address.maddr = value;
  }
  return address;
}
