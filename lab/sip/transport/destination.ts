/**
 * Transport protocols and destinations (RFC 3261 §18, RFC 7118 WS/WSS). The `Destination`
 * shape is the transaction layer's (lab/sip/transaction/destination.ts): protocol as a string,
 * host with IPv6 references in brackets, port, and the flow (connection) id when a message
 * arrived on, or must leave by, a given connection (§18.2.2, RFC 5626). This module adds the
 * transport layer's closed set of protocols and the reading of `protocol` in any letter case.
 *
 * @module
 */
import type { Destination } from "../transaction/destination.ts";

export type { Destination };

/** The transports the lab implements. Via spells them in capitals (§20.42, RFC 7118 §5.2). */
export type TransportProtocol = "udp" | "tcp" | "tls" | "ws" | "wss";

/** Every {@link TransportProtocol}. */
export const TRANSPORT_PROTOCOLS: readonly TransportProtocol[] = ["udp", "tcp", "tls", "ws", "wss"];

/**
 * The {@link TransportProtocol} a destination names ("UDP" as in Via, or "udp"), or undefined
 * for a transport the lab does not implement (SCTP, extensions).
 *
 * @example
 * ```ts
 * protocolOf({ protocol: "TLS", host: "192.0.2.1", port: 5061 }); // "tls"
 * ```
 */
export function protocolOf(dest: Pick<Destination, "protocol">): TransportProtocol | undefined {
  const p = dest.protocol.toLowerCase();
  return (TRANSPORT_PROTOCOLS as readonly string[]).includes(p)
    ? p as TransportProtocol
    : undefined;
}

/**
 * True for connection-oriented transports, which §18 calls reliable (TCP, TLS, SCTP, and the
 * WebSocket transports of RFC 7118 that run over them); false for UDP.
 *
 * @example
 * ```ts
 * isReliableProtocol("WSS"); // true
 * ```
 */
export function isReliableProtocol(protocol: string): boolean {
  return protocol.toLowerCase() !== "udp";
}

/**
 * The transport token written in a Via sent-protocol (§20.42; RFC 7118 §5.2 "WS" / "WSS").
 *
 * @example
 * ```ts
 * viaTransportName("wss"); // "WSS"
 * ```
 */
export function viaTransportName(protocol: TransportProtocol): string {
  return protocol.toUpperCase();
}

/**
 * The port a transport uses when a URI or Via names none: 5060 for UDP/TCP, 5061 for TLS
 * (RFC 3261 §19.1.2, §18.2.2), 80 and 443 for WS and WSS (RFC 7118 §5.2 via RFC 6455).
 *
 * @example
 * ```ts
 * defaultPort("tls"); // 5061
 * ```
 */
export function defaultPort(protocol: TransportProtocol): number {
  switch (protocol) {
    case "udp":
    case "tcp":
      return 5060;
    case "tls":
      return 5061;
    case "ws":
      return 80;
    case "wss":
      return 443;
  }
}
