/**
 * Where a server sends a response (RFC 3261 §18.2.2 with RFC 3581 §4), read from the
 * response's top Via (a copy of the request's, with `received` / `rport` stamped on receipt)
 * and the address the request came from.
 *
 * @module
 */
import type { SipResponse } from "../message/message.ts";
import { sipHost } from "./address.ts";
import { defaultPort, type Destination, isReliableProtocol, protocolOf } from "./destination.ts";

/**
 * The destination of a response to a request that arrived from `requestSource`:
 *
 * 1. Reliable transport (TCP, TLS, WS, WSS): the connection the request came on (its
 *    `flowId`); should it be gone, the address in `received` (or sent-by) with the sent-by port
 *    or the transport's default port (5060, 5061 for TLS; 80 / 443 for WS / WSS) (§18.2.2).
 * 2. `maddr` present: that address, at the sent-by port or 5060 (§18.2.2).
 * 3. `received` and a filled `rport`: that address and port (RFC 3581 §4).
 * 4. `received`: that address at the sent-by port or 5060 (§18.2.2).
 * 5. Otherwise sent-by itself, port defaulting to 5060; a name there is for the caller to
 *    resolve (RFC 3263 §6).
 *
 * The protocol is always the one the request came over. Throws when the response has no Via.
 *
 * @example
 * ```ts
 * // Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport=40512;received=192.0.2.4
 * responseDestination(res, { protocol: "UDP", host: "192.0.2.4", port: 40512 });
 * // → { protocol: "UDP", host: "192.0.2.4", port: 40512 }
 * ```
 */
export function responseDestination(res: SipResponse, requestSource: Destination): Destination {
  const via = res.topVia;
  const protocol = requestSource.protocol;
  if (isReliableProtocol(protocol)) {
    const dest: Destination = {
      protocol,
      host: sipHost(via.received ?? via.host),
      port: via.port ?? defaultPort(protocolOf(requestSource) ?? "tcp"),
    };
    if (requestSource.flowId !== undefined) dest.flowId = requestSource.flowId;
    return dest;
  }
  if (via.maddr !== undefined) {
    return { protocol, host: sipHost(via.maddr), port: via.port ?? 5060 };
  }
  if (via.received !== undefined) {
    // RFC 3581 §4: both received and rport → the source address and port of the request.
    const port = typeof via.rport === "number" ? via.rport : via.port ?? 5060;
    return { protocol, host: sipHost(via.received), port };
  }
  return { protocol, host: sipHost(via.host), port: via.port ?? 5060 };
}
