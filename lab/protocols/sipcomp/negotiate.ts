/**
 * The MS-SIPCOMP negotiation transaction (MS-SIPCOMP §2.2.1, examples §4.1 and §4.2): the
 * client's NEGOTIATE offering `Compression: LZ77-8K`, the server's answer, and how each side
 * reads the other's message.
 *
 * Header syntax, reconstructed [verify MS-SIPCOMP §2.2.1]:
 * `Compression = "Compression" HCOLON compression-type`, `compression-type = "LZ77-8K" / token`.
 * Which answer a refusing server sends is not fixed by the material at hand [verify]: this lab
 * answers 200 with `Compression: None`; a client treats every final response other than a 200
 * carrying `Compression: LZ77-8K` as a refusal, which covers 4xx/5xx answers of servers that
 * do not know the method.
 *
 * @module
 */
import { SipRequest, SipResponse } from "../../sip/message/message.ts";

/** The SIP method of the negotiation (MS-SIPCOMP §2.2.1). */
export const NEGOTIATE_METHOD = "NEGOTIATE";
/** The compression type of MS-SIPCOMP: MPPC with an 8 KB history. */
export const LZ77_8K = "LZ77-8K";
/** The value a refusing server of this lab puts in its answer [verify]. */
export const COMPRESSION_NONE = "None";

/** RFC 3261 §25.1 token characters. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Where the NEGOTIATE goes and comes from. */
export interface NegotiateRequestOptions {
  /** The first-hop server: Request-URI `sip:host:port` (MS-SIPCOMP §4.1). */
  server: { host: string; port: number };
  /** This side's sent-by for the Via (host as in SIP text, IPv6 in brackets). */
  local: { host: string; port: number };
  /** Via transport token. Default "TLS" (compression runs inside TLS on this hop). */
  transport?: "TLS" | "TCP";
  /** From and To URI. Default: the Request-URI (any SIP URI works, the hop is local). */
  aor?: string;
  /** Call-ID; default a fresh random one. */
  callId?: string;
}

/**
 * The client's NEGOTIATE (MS-SIPCOMP §4.1): Request-URI the server's address, Max-Forwards 0
 * (never forwarded, the negotiation is hop-by-hop), `Compression: LZ77-8K`, CSeq 1, no body.
 * A branch with the RFC 3261 §8.1.1.7 magic cookie is added to the Via, which the spec's
 * example leaves out.
 *
 * @example
 * ```ts
 * const req = buildNegotiateRequest({
 *   server: { host: "192.0.0.1", port: 5061 },
 *   local: { host: "192.0.0.2", port: 2616 },
 * });
 * req.header("compression"); // "LZ77-8K"
 * ```
 */
export function buildNegotiateRequest(opts: NegotiateRequestOptions): SipRequest {
  const uri = `sip:${opts.server.host}:${opts.server.port}`;
  const aor = opts.aor ?? uri;
  return new SipRequest(NEGOTIATE_METHOD, uri)
    .addHeader(
      "Via",
      `SIP/2.0/${opts.transport ?? "TLS"} ${opts.local.host}:${opts.local.port};branch=z9hG4bK${
        randomHex(12)
      }`,
    )
    .addHeader("Max-Forwards", "0")
    .addHeader("From", `<${aor}>;tag=${randomHex(16)}`)
    .addHeader("To", `<${aor}>`)
    .addHeader("Call-ID", opts.callId ?? randomHex(16))
    .addHeader("CSeq", `1 ${NEGOTIATE_METHOD}`)
    .addHeader("Compression", LZ77_8K);
}

/** How a server reads a NEGOTIATE. */
export type NegotiateOffer =
  /** `Compression: LZ77-8K`: compression may be accepted. */
  | { kind: "lz77-8k" }
  /** A well-formed offer of a compression type this side does not implement. */
  | { kind: "unsupported"; compression: string }
  /** Not answerable with a negotiation result: answer `status reason` instead. */
  | { kind: "malformed"; status: 400; reason: string };

/**
 * Classifies a NEGOTIATE request's offer (MS-SIPCOMP §2.2.1). Max-Forwards is not checked:
 * whatever its value, the request is handled on this hop and never forwarded.
 *
 * @example
 * ```ts
 * readNegotiateOffer(req); // { kind: "lz77-8k" }
 * ```
 */
export function readNegotiateOffer(req: SipRequest): NegotiateOffer {
  if (req.method !== NEGOTIATE_METHOD) {
    return { kind: "malformed", status: 400, reason: `Not A ${NEGOTIATE_METHOD} Request` };
  }
  const values = req.headerValues("compression");
  if (values.length === 0) {
    return { kind: "malformed", status: 400, reason: "Missing Compression Header" };
  }
  if (values.length > 1) {
    return { kind: "malformed", status: 400, reason: "More Than One Compression Header" };
  }
  const value = values[0].trim();
  if (!TOKEN.test(value)) {
    return { kind: "malformed", status: 400, reason: "Malformed Compression Header" };
  }
  return value.toLowerCase() === LZ77_8K.toLowerCase()
    ? { kind: "lz77-8k" }
    : { kind: "unsupported", compression: value };
}

/** What the server answers. */
export type NegotiateVerdict =
  /** MS-SIPCOMP §4.2: 200 with `Compression: LZ77-8K`; both sides switch after it. */
  | { kind: "accept" }
  /** 200 with `Compression: None`: the hop stays uncompressed [verify]. */
  | { kind: "refuse" }
  /** Any other final answer, e.g. 400 for a malformed NEGOTIATE, 403 for a late one. */
  | { kind: "reject"; status: number; reason: string };

/**
 * The server's answer to `req` per RFC 3261 §8.2.6.2 (Via fields in order, From, To with a
 * new tag, Call-ID, CSeq) plus the Compression header for a 200 (MS-SIPCOMP §4.2).
 *
 * @example
 * ```ts
 * buildNegotiateResponse(req, { kind: "accept" }).header("compression"); // "LZ77-8K"
 * ```
 */
export function buildNegotiateResponse(req: SipRequest, verdict: NegotiateVerdict): SipResponse {
  const res = verdict.kind === "reject"
    ? new SipResponse(verdict.status, verdict.reason)
    : new SipResponse(200, "OK");
  if (verdict.kind !== "reject") {
    res.addHeader("Compression", verdict.kind === "accept" ? LZ77_8K : COMPRESSION_NONE);
  }
  for (const via of req.headerValues("via")) res.addHeader("Via", via);
  res.addHeader("From", req.header("from") ?? "");
  const to = req.header("to") ?? "";
  res.addHeader("To", req.to.tag === undefined ? `${to};tag=${randomHex(16)}` : to);
  res.addHeader("Call-ID", req.callId);
  res.addHeader("CSeq", req.header("cseq") ?? `1 ${NEGOTIATE_METHOD}`);
  return res;
}

/** How a client reads an answer to its NEGOTIATE. */
export type NegotiateOutcome = "provisional" | "accepted" | "refused";

/**
 * Classifies a response to the NEGOTIATE: 1xx are provisional; a 200 carrying exactly one
 * `Compression: LZ77-8K` accepts (MS-SIPCOMP §4.2); every other final response refuses and
 * the hop stays uncompressed.
 *
 * @example
 * ```ts
 * readNegotiateAnswer(res); // "accepted"
 * ```
 */
export function readNegotiateAnswer(res: SipResponse): NegotiateOutcome {
  if (res.status < 200) return "provisional";
  const values = res.headerValues("compression");
  return res.status === 200 && values.length === 1 &&
      values[0].trim().toLowerCase() === LZ77_8K.toLowerCase()
    ? "accepted"
    : "refused";
}

/**
 * True when `res` answers the NEGOTIATE `req` (same Call-ID, CSeq number and method; RFC 3261
 * §17.1.3 matching by branch is not needed on a dedicated hop with one transaction).
 *
 * @example
 * ```ts
 * answersNegotiate(req, res); // true
 * ```
 */
export function answersNegotiate(req: SipRequest, res: SipResponse): boolean {
  const cseq = res.cseq;
  return res.callId === req.callId && cseq.method === NEGOTIATE_METHOD &&
    cseq.seq === req.cseq.seq;
}

function randomHex(octets: number): string {
  let out = "";
  for (const b of crypto.getRandomValues(new Uint8Array(octets))) {
    out += b.toString(16).padStart(2, "0");
  }
  return out;
}
