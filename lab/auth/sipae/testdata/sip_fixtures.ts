/**
 * Messages and a wire for the MS-SIPAE tests: requests of one endpoint (From AOR + epid and the
 * matching +sip.instance), responses built as a UAS does (RFC 3261 §8.2.6.2), and `wire()`,
 * which serializes and re-parses a message so that every signature is checked on what a peer
 * would actually read.
 *
 * @module
 */
import {
  type AnySipMessage,
  parseMessage,
  serializeMessage,
  SipRequest,
  SipResponse,
} from "../../../sip/message/mod.ts";
import { sipInstanceFromEpid } from "../endpoint_identifiers.ts";
import type { ServerVerdict } from "../server.ts";

/** The message as the peer parses it from the bytes on the wire. */
export function wire<T extends AnySipMessage>(message: T): T {
  return parseMessage(serializeMessage(message)) as T;
}

/** One client endpoint: user, AOR, epid and a counter for CSeq / branches. */
export class Endpoint {
  #cseq = 0;
  readonly tag: string;

  constructor(
    readonly user: string,
    readonly epid: string,
    readonly domain = "contoso.com",
    readonly callId = `reg-${user}-${epid}`,
  ) {
    this.tag = `t${epid}`;
  }

  get aor(): string {
    return `sip:${this.user}@${this.domain}`;
  }

  /** A REGISTER of this endpoint with the next CSeq in its registration Call-ID. */
  register(options: { instance?: string; epid?: string | null } = {}): SipRequest {
    const cseq = ++this.#cseq;
    const epid = options.epid === null ? "" : `;epid=${options.epid ?? this.epid}`;
    const instance = options.instance ?? sipInstanceFromEpid(this.epid);
    return new SipRequest("REGISTER", `sip:${this.domain}`)
      .addHeader("Via", `SIP/2.0/TLS 192.0.2.10:50000;branch=z9hG4bKreg${this.epid}${cseq}`)
      .addHeader("Max-Forwards", "70")
      .addHeader("From", `<${this.aor}>;tag=${this.tag}${epid}`)
      .addHeader("To", `<${this.aor}>`)
      .addHeader("Call-ID", this.callId)
      .addHeader("CSeq", `${cseq} REGISTER`)
      .addHeader(
        "Contact",
        `<sip:192.0.2.10:50000;transport=tls>;proxy=replace;+sip.instance="<urn:uuid:${instance}>"`,
      )
      .addHeader("Supported", "gruu-10")
      .addHeader("Expires", "7200");
  }

  /** An out-of-dialog request of this endpoint (SUBSCRIBE, SERVICE, ACK …). */
  request(method: string, target = this.aor, callId = `${method}-${this.epid}`): SipRequest {
    const cseq = ++this.#cseq;
    return new SipRequest(method, target)
      .addHeader("Via", `SIP/2.0/TLS 192.0.2.10:50000;branch=z9hG4bK${method}${this.epid}${cseq}`)
      .addHeader("Max-Forwards", "70")
      .addHeader("From", `<${this.aor}>;tag=${this.tag}${cseq};epid=${this.epid}`)
      .addHeader("To", `<${target}>`)
      .addHeader("Call-ID", callId)
      .addHeader("CSeq", `${cseq} ${method}`)
      .addHeader("Contact", `<sip:192.0.2.10:50000;transport=tls>`)
      .addHeader("Event", "vnd-microsoft-roaming-contacts");
  }
}

/** A response to `request` (Via, From, To + tag, Call-ID, CSeq copied, §8.2.6.2). */
export function respond(request: SipRequest, status: number, reason: string): SipResponse {
  const res = new SipResponse(status, reason);
  for (const via of request.headerValues("Via")) res.addHeader("Via", via);
  res.addHeader("From", request.header("From")!);
  const to = request.header("To")!;
  res.addHeader("To", request.to.tag === undefined ? `${to};tag=srv${request.cseq.seq}` : to);
  res.addHeader("Call-ID", request.header("Call-ID")!);
  res.addHeader("CSeq", request.header("CSeq")!);
  return res;
}

/** The response a front end sends for a reject verdict (status, reason and the headers). */
export function rejection(request: SipRequest, verdict: ServerVerdict): SipResponse {
  if (verdict.kind !== "reject") throw new Error(`expected a reject verdict, got ${verdict.kind}`);
  const res = respond(request, verdict.status, verdict.reason);
  for (const h of verdict.headers) res.addHeader(h.name, h.value);
  return res;
}
