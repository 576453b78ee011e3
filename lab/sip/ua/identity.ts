/**
 * Who a user agent core is on the wire: the sent-by of its Via header fields (RFC 3261
 * §18.1.1), its Contact (§8.1.1.8) and the transport it prefers when a URI names none.
 *
 * @module
 */

/**
 * A UA's addresses, known once its transports are bound.
 *
 * @example
 * ```ts
 * const identity: UaIdentity = {
 *   viaHost: "127.0.0.1", viaPort: 5062, protocol: "UDP", contact: "sip:alice@127.0.0.1:5062",
 * };
 * ```
 */
export interface UaIdentity {
  /** sent-by host (§18.1.1: an address or name this UA can be reached at). */
  viaHost: string;
  /** sent-by port: the port the UA listens on. */
  viaPort: number;
  /**
   * Transport used when a request's next hop is taken from a URI without a `transport`
   * parameter (§8.1.2 leaves it to RFC 3263; the lab uses this): "UDP", "TCP", "TLS", "WS"…
   */
  protocol: string;
  /** The Contact URI (§8.1.1.8) put in dialog-creating requests and responses. */
  contact: string;
}

/**
 * The Via value a request sent over `protocol` starts with (§8.1.1.7: sent-protocol and
 * sent-by; the branch is added by the transaction layer). Over UDP it asks for `rport`
 * (RFC 3581 §3) so that responses come back to the port the request left from.
 *
 * @example
 * ```ts
 * viaValue(identity, "udp"); // "SIP/2.0/UDP 127.0.0.1:5062;rport"
 * ```
 */
export function viaValue(identity: UaIdentity, protocol: string): string {
  const transport = protocol.toUpperCase();
  const base = `SIP/2.0/${transport} ${identity.viaHost}:${identity.viaPort}`;
  return transport === "UDP" ? `${base};rport` : base;
}

/**
 * The Contact header value for `identity` (name-addr form, §20.10).
 *
 * @example
 * ```ts
 * contactValue(identity); // "<sip:alice@127.0.0.1:5062>"
 * ```
 */
export function contactValue(identity: UaIdentity): string {
  return `<${identity.contact}>`;
}
