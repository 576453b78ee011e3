/**
 * Which NAPTR records of a SIP domain a client may follow, and in which order (RFC 3263 §4.1,
 * RFC 3403 §4.1).
 *
 * @module
 */
import type { TransportProtocol } from "../transport/destination.ts";
import type { NaptrRecord } from "./dns_lookup.ts";
import { isSecureTransport, naptrServiceTransport } from "./transport_names.ts";

/** A usable NAPTR record: the transport it offers and the SRV name to ask next. */
export interface NaptrChoice {
  protocol: TransportProtocol;
  srvName: string;
}

/**
 * The applicable records of a NAPTR RRset, best first:
 *
 * - only terminal `S` records with an empty regexp, whose replacement is the SRV name
 *   (RFC 3263 §4.1; RFC 3403 §4.1 flags);
 * - only SIP services for a transport the client supports (RFC 3263 §4.1: discard records
 *   whose services field is not applicable);
 * - for a SIPS URI only SIPS services; a SIP URI keeps SIPS records too, since TLS may serve a
 *   SIP URI (RFC 3263 §4.1);
 * - sorted by ascending order, then ascending preference (RFC 3403 §4.1).
 *
 * @example
 * ```ts
 * sipNaptrChoices([
 *   { order: 10, preference: 20, flags: "S", services: "SIP+D2U", regexp: "", replacement: "_sip._udp.lab.test" },
 *   { order: 10, preference: 10, flags: "S", services: "SIP+D2T", regexp: "", replacement: "_sip._tcp.lab.test" },
 * ], "sip", ["udp", "tcp"]);
 * // [{ protocol: "tcp", srvName: "_sip._tcp.lab.test" }, { protocol: "udp", srvName: "_sip._udp.lab.test" }]
 * ```
 */
export function sipNaptrChoices(
  records: readonly NaptrRecord[],
  scheme: "sip" | "sips",
  supported: readonly TransportProtocol[],
): NaptrChoice[] {
  return records
    .filter((r) => r.flags.toUpperCase() === "S" && r.regexp === "" && r.replacement !== "")
    .map((r) => ({ record: r, protocol: naptrServiceTransport(r.services) }))
    .filter((c): c is { record: NaptrRecord; protocol: TransportProtocol } =>
      c.protocol !== undefined && supported.includes(c.protocol) &&
      (scheme === "sip" || isSecureTransport(c.protocol))
    )
    .sort((x, y) => x.record.order - y.record.order || x.record.preference - y.record.preference)
    .map((c) => ({ protocol: c.protocol, srvName: c.record.replacement }));
}
