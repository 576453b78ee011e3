/**
 * Receiving a request (RFC 3261 §18.2.1, RFC 3581 §4): the server records in the top Via where
 * the request really came from, so the response can find its way back through NATs and to
 * clients whose sent-by is a name.
 *
 * - §18.2.1: when sent-by holds a domain name, or an IP address other than the packet's source
 *   address, a `received` parameter with the source address is added.
 * - RFC 3581 §4: when the top Via carries `rport` without a value, it is set to the source port,
 *   and `received` is added even when it equals sent-by.
 *
 * Only the top via-parm is rewritten; every other parameter keeps its spelling and place, and
 * other via-parms sharing its header field are kept verbatim.
 *
 * @module
 */
import type { SipRequest } from "../message/message.ts";
import { withViaParams } from "../message/header_values.ts";
import { bareHost, isIpLiteral, sameHost, sipHost } from "./address.ts";
import type { Destination } from "./destination.ts";

/**
 * Adds `received` / fills `rport` in the request's top Via for a request from `source`.
 * Returns true when the Via was changed. Throws SipParseError when the top Via is malformed
 * and nothing when the request has no Via.
 *
 * @example
 * ```ts
 * req.addHeader("Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776;rport");
 * stampReceivedVia(req, { protocol: "udp", host: "192.0.2.4", port: 40512 });
 * req.header("via"); // "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776;rport=40512;received=192.0.2.4"
 * ```
 */
export function stampReceivedVia(req: SipRequest, source: Destination): boolean {
  if (req.header("via") === undefined) return false;
  // The message caches its parsed Vias (the parser filled the cache): deciding costs no parse.
  const top = req.topVia;
  const fillRport = top.rport === null;
  const foreign = !isIpLiteral(top.host) || !sameHost(top.host, source.host);
  if (!fillRport && !foreign) return false;
  // RFC 3581 §4: "rport" gets the source port; the received parameter follows §18.2.1.
  // §20.42 via-received = "received" EQUAL (IPv4address / IPv6address): no brackets.
  const received: [string, string] = ["received", bareHost(sipHost(source.host))];
  const stamped = withViaParams(
    top,
    fillRport ? [["rport", String(source.port)], received] : [received],
  );
  // Only the top via-parm is rewritten; the parsed view follows without a second parse.
  req.replaceTopVia(stamped);
  return true;
}
