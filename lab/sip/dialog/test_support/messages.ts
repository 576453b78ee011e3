/**
 * Message builders for the dialog tests: parse RFC-style text, and answer requests the way a
 * UAS core would (§8.2.6: copy Via, From, To, Call-ID, CSeq; §12.1.1: copy Record-Route).
 *
 * @module
 */
import { SipRequest, SipResponse } from "../../message/message.ts";
import { parseMessage } from "../../message/parser.ts";

/** Parses a request written one header per line (CRLF added). */
export function request(...lines: string[]): SipRequest {
  const msg = parseMessage(lines.join("\r\n") + "\r\n\r\n");
  if (!(msg instanceof SipRequest)) throw new Error("not a request");
  return msg;
}

/** Options of {@link answer}. */
export interface AnswerOptions {
  toTag?: string;
  contact?: string;
  /** Copy the request's Record-Route (default true, as §12.1.1 requires for dialog responses). */
  recordRoute?: boolean;
  headers?: Array<[string, string]>;
}

/** A response to `req` as a UAS core builds it (§8.2.6.2). */
export function answer(
  req: SipRequest,
  status: number,
  reason: string,
  opts: AnswerOptions = {},
): SipResponse {
  const res = new SipResponse(status, reason);
  for (const via of req.headerValues("via")) res.addHeader("Via", via);
  if (opts.recordRoute !== false) {
    for (const rr of req.headerValues("record-route")) res.addHeader("Record-Route", rr);
  }
  res.addHeader("From", req.header("from")!);
  const to = req.header("to")!;
  res.addHeader("To", opts.toTag && req.to.tag === undefined ? `${to};tag=${opts.toTag}` : to);
  res.addHeader("Call-ID", req.callId);
  res.addHeader("CSeq", `${req.cseq.seq} ${req.cseq.method}`);
  if (opts.contact) res.addHeader("Contact", opts.contact);
  for (const [name, value] of opts.headers ?? []) res.addHeader(name, value);
  return res;
}

/**
 * Alice's INVITE to Bob as it reaches Bob through two record-routing proxies (modelled on RFC
 * 3261 §24.2, with p1.atlanta.com and p2.biloxi.com inserting Record-Route).
 */
export function aliceInviteAtBob(): SipRequest {
  return request(
    "INVITE sip:bob@192.0.2.4 SIP/2.0",
    "Via: SIP/2.0/UDP p2.biloxi.com;branch=z9hG4bKnashds8",
    "Via: SIP/2.0/UDP p1.atlanta.com;branch=z9hG4bK77ef4c2312983.1",
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
    "Max-Forwards: 68",
    "Record-Route: <sip:p2.biloxi.com;lr>, <sip:p1.atlanta.com;lr>",
    "To: Bob <sip:bob@biloxi.com>",
    "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.com",
    "CSeq: 314159 INVITE",
    "Contact: <sip:alice@pc33.atlanta.com>",
    "Content-Length: 0",
  );
}

/** Alice's INVITE as she sends it (one Via, her own). */
export function aliceInvite(): SipRequest {
  return request(
    "INVITE sip:bob@biloxi.com SIP/2.0",
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
    "Max-Forwards: 70",
    "Route: <sip:p1.atlanta.com;lr>",
    "To: Bob <sip:bob@biloxi.com>",
    "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.com",
    "CSeq: 314159 INVITE",
    "Contact: <sip:alice@pc33.atlanta.com>",
    'Authorization: Digest username="alice", realm="atlanta.com", nonce="84a4cc6f", uri="sip:bob@biloxi.com", response="7587245234b3434cc3412213e5f113a5"',
    "Content-Length: 0",
  );
}

/** The response Bob's UA sends back through both proxies, as it reaches Alice. */
export function bobAnswersAlice(
  invite: SipRequest,
  status: number,
  reason: string,
  toTag: string,
  contact = "<sip:bob@192.0.2.4>",
): SipResponse {
  return answer(invite, status, reason, {
    toTag,
    contact,
    headers: [["Record-Route", "<sip:p2.biloxi.com;lr>, <sip:p1.atlanta.com;lr>"]],
  });
}
