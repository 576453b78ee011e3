/**
 * How SIP transports are named in DNS and in SIP URIs: NAPTR services fields (RFC 3263 §4.1,
 * RFC 7118's IANA registrations), SRV owner-name prefixes (RFC 3263 §4.1, §4.2) and the URI `transport`
 * parameter (RFC 3261 §19.1.1, §26.2.2; RFC 7118 §5.2).
 *
 * @module
 */
import type { TransportProtocol } from "../transport/destination.ts";
import { ServerLocationError } from "./location_error.ts";

/**
 * NAPTR services field → transport. RFC 3263 §4.1 defines SIP+D2U, SIP+D2T and SIPS+D2T (TLS
 * over TCP); RFC 7118 registers SIP+D2W and SIPS+D2W (WebSocket, secure WebSocket). SCTP
 * (SIP+D2S, SIPS+D2S) is left out: the lab has no SCTP transport.
 */
const NAPTR_SERVICES: ReadonlyMap<string, TransportProtocol> = new Map([
  ["SIP+D2U", "udp"],
  ["SIP+D2T", "tcp"],
  ["SIPS+D2T", "tls"],
  ["SIP+D2W", "ws"],
  ["SIPS+D2W", "wss"],
]);

/**
 * The transport a SIP NAPTR services field names, or undefined for other services.
 *
 * @example
 * ```ts
 * naptrServiceTransport("SIPS+D2T"); // "tls"
 * ```
 */
export function naptrServiceTransport(services: string): TransportProtocol | undefined {
  return NAPTR_SERVICES.get(services.toUpperCase());
}

/**
 * The SRV owner-name prefix for a transport: RFC 3263 §4.1/§4.2 use `_sip` for SIP over
 * UDP/TCP and `_sips` when TLS is wanted, with the protocol label of the transport underneath
 * (`_tcp` for TLS). RFC 7118 names no SRV label for WebSocket; the same rule gives `_sip._ws`
 * and `_sips._ws`.
 *
 * @example
 * ```ts
 * srvPrefix("tls"); // "_sips._tcp"
 * ```
 */
export function srvPrefix(protocol: TransportProtocol): string {
  switch (protocol) {
    case "udp":
      return "_sip._udp";
    case "tcp":
      return "_sip._tcp";
    case "tls":
      return "_sips._tcp";
    case "ws":
      return "_sip._ws";
    case "wss":
      return "_sips._ws";
  }
}

/**
 * True for transports that carry TLS, the only ones a SIPS URI may use (RFC 3261 §26.2.2).
 *
 * @example
 * ```ts
 * isSecureTransport("wss"); // true
 * ```
 */
export function isSecureTransport(protocol: TransportProtocol): boolean {
  return protocol === "tls" || protocol === "wss";
}

/**
 * The transport a URI's `transport` parameter asks for (RFC 3263 §4.1 first rule; `ws` from
 * RFC 7118 §5.2). A SIPS URI demands TLS on every hop (RFC 3261 §26.2.2), so under it `tcp`
 * means TLS over TCP and `ws` secure WebSocket, and `udp` is an error. Throws
 * {@link ServerLocationError} for transports the lab lacks (e.g. `sctp`).
 *
 * @example
 * ```ts
 * uriTransport("sips", "tcp"); // "tls"
 * uriTransport("sip", "WS"); // "ws"
 * ```
 */
export function uriTransport(scheme: "sip" | "sips", transportParam: string): TransportProtocol {
  const secure = scheme === "sips";
  switch (transportParam.toLowerCase()) {
    case "udp":
      if (secure) {
        throw new ServerLocationError("insecure-transport", "a SIPS URI cannot use UDP");
      }
      return "udp";
    case "tcp":
      return secure ? "tls" : "tcp";
    case "tls":
      return "tls";
    case "ws":
      return secure ? "wss" : "ws";
    case "wss":
      return "wss";
    default:
      throw new ServerLocationError(
        "unsupported-transport",
        `transport "${transportParam}" is not supported`,
      );
  }
}
