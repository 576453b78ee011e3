/**
 * When is a received message one the flow has already seen? Over UDP the peer retransmits
 * (RFC 3261 §17): a request until it is answered, a 2xx to INVITE until it is ACKed
 * (§13.3.1.4), provisional responses when our own request is retransmitted. Like SIPp, the
 * flow absorbs such copies instead of treating them as unexpected, and answers them with what
 * it sent the first time.
 *
 * @module
 */
import type { AnySipMessage } from "../../lab/sip/message/mod.ts";

/**
 * A key equal for a message and its retransmissions, different for distinct messages of one
 * call: a request by method, CSeq and top Via branch (§17.2.3 matching); a response by status,
 * CSeq and To tag (a second 200 from another fork differs by its tag, §13.2.2.4).
 *
 * @example
 * ```ts
 * receivedKey(parseMessage(datagram)); // "R INVITE 1 z9hG4bK776asdhds"
 * ```
 */
export function receivedKey(message: AnySipMessage): string {
  const cseq = message.cseq;
  if (message.kind === "request") {
    return `R ${message.method} ${cseq.seq} ${message.topVia.branch ?? ""}`;
  }
  return `S ${message.status} ${cseq.seq} ${cseq.method} ${message.to.tag ?? ""}`;
}
