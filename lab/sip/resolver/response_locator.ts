/**
 * RFC 3263 §5 (server usage): where to send a response when RFC 3261 §18.2.2 leaves it to DNS —
 * the top Via's sent-by names a host instead of an address (no `received`, no `maddr`), or the
 * connection or address the request came from failed.
 *
 * @module
 */
import type { Via } from "../message/header_values.ts";
import { defaultPort, protocolOf } from "../transport/destination.ts";
import { isIpLiteral } from "../transport/address.ts";
import type { DnsLookup } from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import { LookupSession } from "./lookup_session.ts";
import { type AddressFamily, DEFAULT_FAMILIES, type ServerTarget } from "./server_target.ts";
import { srvPrefix } from "./transport_names.ts";

/** How the server resolves sent-by. */
export interface ResponseLocateOptions {
  dns: DnsLookup;
  /** A/AAAA questions to ask, in this order. Default `["ipv4", "ipv6"]`. */
  families?: readonly AddressFamily[];
  /** Random numbers in [0, 1) for the RFC 2782 weighted order. Default `Math.random`. */
  random?: () => number;
}

/**
 * The addresses to try for a response, best first, from the top Via's transport and sent-by
 * (RFC 3263 §5). The transport is always the Via's.
 *
 * 1. sent-by is an IP address: that address at the sent-by port or the transport's default.
 * 2. sent-by is a name with a port: its A/AAAA addresses at that port.
 * 3. sent-by is a name without a port: the SRV RRset for the Via transport (`_sip._udp`,
 *    `_sip._tcp`, `_sips._tcp` for TLS, …) in RFC 2782 order, falling over to the next entry
 *    on failure as in §4.3; without SRV records, its A/AAAA addresses at the default port.
 *
 * Apply RFC 3261 §18.2.2 first (reliable connection, `maddr`, `received`, RFC 3581 `rport`:
 * lab/sip/transport responseDestination); this covers what it hands to RFC 3263. Throws
 * {@link ServerLocationError} `unsupported-transport` for a Via transport the lab lacks
 * (SCTP) and `dns-failure` when nothing is found because DNS failed.
 *
 * @example
 * ```ts
 * // Via: SIP/2.0/TCP client.lab.test;branch=z9hG4bK77 → SRV _sip._tcp.client.lab.test
 * const targets = await Array.fromAsync(
 *   locateResponseTargets({ transport: "TCP", host: "client.lab.test" }, { dns }),
 * );
 * ```
 */
export async function* locateResponseTargets(
  sentBy: Pick<Via, "transport" | "host" | "port">,
  options: ResponseLocateOptions,
): AsyncGenerator<ServerTarget> {
  const protocol = protocolOf({ protocol: sentBy.transport });
  if (protocol === undefined) {
    throw new ServerLocationError(
      "unsupported-transport",
      `Via transport "${sentBy.transport}" is not supported`,
    );
  }
  const session = new LookupSession({
    dns: options.dns,
    families: options.families ?? DEFAULT_FAMILIES,
    random: options.random ?? Math.random,
  });
  if (sentBy.port !== undefined || isIpLiteral(sentBy.host)) {
    yield* session.hostTargets(sentBy.host, protocol, sentBy.port ?? defaultPort(protocol));
  } else {
    const records = await session.srv(`${srvPrefix(protocol)}.${sentBy.host}`);
    if (records.length > 0) yield* session.srvTargets(records, protocol);
    else yield* session.hostTargets(sentBy.host, protocol, defaultPort(protocol));
  }
  session.finish();
}
