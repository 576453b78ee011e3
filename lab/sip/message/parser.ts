/**
 * Parsing whole SIP messages (RFC 3261 §7, §18.3, §25) from a datagram or a framed chunk.
 *
 * The start line and header lines are split by scanning (indexOf / charCodeAt, no regex per
 * header); only the headers every layer needs are parsed into structures (Via, CSeq, From, To,
 * Contact, Request-URI) and those land in the message's cache, so reading them later is free.
 * The body stays bytes: Content-Length counts octets, so only the header section is decoded.
 *
 * @example
 * ```ts
 * const msg = parseMessage(datagram, { maxSize: 65535 });
 * if (msg.kind === "request") console.log(msg.method, msg.topVia.branch);
 * ```
 *
 * @module
 */
import { type AnySipMessage, type HeaderField, SipRequest, SipResponse } from "./message.ts";
import { resolveHeaderName } from "./header_names.ts";
import { parseUnsigned } from "./header_values.ts";
import { badRequest, SipParseError } from "./parse_error.ts";
import { isSipUri } from "./uri.ts";
import { copyBody } from "./body_copy.ts";
import { interned } from "./interned.ts";
import { CHAR_CLASS, CR, HTAB, isToken, LF, SP, TOKEN, WORD } from "./grammar.ts";

export { SipParseError } from "./parse_error.ts";

/** Options of {@link parseMessage}. */
export interface ParseOptions {
  /** Largest accepted message in bytes; bigger ones fail with 513 (§21.4.11). No limit if unset. */
  maxSize?: number;
  /**
   * Accept requests without Max-Forwards. RFC 3261 §8.1.1 makes it mandatory, but RFC 2543
   * peers omit it (RFC 4475 §3.4.1 inv2543); proxies add it (§16.6 step 3).
   */
  allowMissingMaxForwards?: boolean;
  /**
   * Request-URI schemes this element handles (lowercase); any other gets 416 Unsupported URI
   * Scheme (§8.2.2.1, RFC 4475 §3.3.2). Default: sip, sips, tel.
   */
  uriSchemes?: readonly string[];
}

const DEFAULT_SCHEMES: readonly string[] = ["sip", "sips", "tel"];
/** Content-Length values above this are malformed (no SIP message gets near 2 GiB). */
const MAX_CONTENT_LENGTH = 0x7fffffff;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * Parses one SIP message from a datagram (or any byte range that holds exactly one message).
 * Content-Length rules follow §18.3 for datagrams: when absent the body runs to the end of the
 * datagram; when larger than what arrived the message is rejected; when smaller the extra
 * octets are discarded. Throws {@link SipParseError}.
 *
 * @example
 * ```ts
 * const req = parseMessage("OPTIONS sip:bob@example.com SIP/2.0\r\n...\r\n\r\n");
 * ```
 */
export function parseMessage(
  input: Uint8Array | string,
  opts: ParseOptions = {},
): AnySipMessage {
  const bytes = typeof input === "string" ? utf8Encoder.encode(input) : input;
  if (opts.maxSize !== undefined && bytes.length > opts.maxSize) throw tooLarge(bytes, opts);
  const start = skipLeadingCrlf(bytes, 0, bytes.length);
  let headEnd = findHeadEnd(bytes, start, bytes.length);
  // Tolerate a datagram that stops right after its last header line without the empty line.
  if (headEnd < 0) headEnd = bytes.length;
  const head = parseHead(decodeHead(bytes, start, headEnd));
  const available = bytes.length - headEnd;
  let bodyLength = available;
  if (head.contentLength !== undefined) {
    // §18.3: a datagram shorter than Content-Length is discarded (400 when answering).
    if (head.contentLength > available) {
      head.fault ??= withPartial(head.msg, badRequest("Content-Length larger than message"));
    }
    bodyLength = head.contentLength;
  }
  finishMessage(head, opts);
  if (bodyLength > 0) head.msg.body = copyBody(bytes, headEnd, headEnd + bodyLength);
  return head.msg;
}

/** What reading the start line and header section produced. */
export interface ParsedHead {
  msg: AnySipMessage;
  /** Content-Length when present (validated), undefined when absent. */
  contentLength?: number;
  /** The first fault found; thrown by {@link finishMessage} once every line was read. */
  fault?: SipParseError;
  /** Why Content-Length is unusable (malformed or conflicting repeats), when it is. */
  contentLengthFault?: SipParseError;
}

/**
 * Index of the first octet that is not CR or LF (§7.5: CRLFs before the start-line are ignored).
 *
 * @example
 * ```ts
 * skipLeadingCrlf(new TextEncoder().encode("\r\nINVITE"), 0, 8); // 2
 * ```
 */
export function skipLeadingCrlf(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && (bytes[i] === CR || bytes[i] === LF)) i++;
  return i;
}

/**
 * Index just past the empty line that ends the header section (CRLF CRLF, bare LF tolerated),
 * searching `[from, to)`; -1 when it is not there yet.
 *
 * @example
 * ```ts
 * const b = new TextEncoder().encode("A: 1\r\n\r\nbody");
 * findHeadEnd(b, 0, b.length); // 8
 * ```
 */
export function findHeadEnd(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  for (;;) {
    const lf = bytes.indexOf(LF, i);
    if (lf < 0 || lf >= to) return -1;
    if (lf + 1 >= to) return -1;
    const next = bytes[lf + 1];
    if (next === LF) return lf + 2;
    if (next === CR) {
      if (lf + 2 >= to) return -1;
      if (bytes[lf + 2] === LF) return lf + 3;
    }
    i = lf + 1;
  }
}

/**
 * Decodes the header section: UTF-8 (§7.3.1 allows UTF-8 in quoted strings and reason phrases).
 *
 * @example
 * ```ts
 * const text = decodeHead(bytes, 0, findHeadEnd(bytes, 0, bytes.length));
 * ```
 */
export function decodeHead(bytes: Uint8Array, start: number, end: number): string {
  return utf8.decode(bytes.subarray(start, end));
}

/**
 * Reads the start line and every header line of `text` (which ends at, or just after, the empty
 * line). Faults are collected, not thrown, so the partial request keeps every readable header;
 * only an empty start line throws. {@link finishMessage} completes the work.
 *
 * @example
 * ```ts
 * const head = parseHead("OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\n");
 * head.contentLength; // 0
 * ```
 */
export function parseHead(text: string): ParsedHead {
  let eol = text.indexOf("\n");
  if (eol < 0) eol = text.length;
  const lineEnd = eol > 0 && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
  const head = parseStartLine(text, lineEnd);
  const msg = head.msg;
  const headers = msg.headers as HeaderField[];
  let last: HeaderField | undefined;
  let pos = eol + 1;
  const len = text.length;
  while (pos < len) {
    let next = text.indexOf("\n", pos);
    if (next < 0) next = len;
    let end = next;
    if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    if (end === pos) break; // the empty line
    const first = text.charCodeAt(pos);
    if (first === SP || first === HTAB) {
      // §7.3.1: header fields can be extended over multiple lines by preceding each extra line
      // with at least one SP or HTAB; the line break and whitespace count as one SP.
      const more = trimmed(text, pos, end);
      if (last === undefined) head.fault ??= withPartial(msg, badRequest("Malformed header line"));
      else if (more.length > 0) last.value = last.value.length ? `${last.value} ${more}` : more;
    } else {
      last = readHeaderLine(text, pos, end);
      if (last === undefined) {
        head.fault ??= withPartial(msg, badRequest("Malformed header line"));
      } else {
        headers.push(last);
      }
    }
    pos = next + 1;
  }
  readContentLength(head);
  return head;
}

/** `field-name HCOLON field-value` (§7.3.1, HCOLON = *( SP / HTAB ) ":" SWS). */
function readHeaderLine(text: string, pos: number, end: number): HeaderField | undefined {
  let nameEnd = pos;
  while (nameEnd < end) {
    const c = text.charCodeAt(nameEnd);
    if (c >= 128 || (CHAR_CLASS[c] & TOKEN) === 0) break;
    nameEnd++;
  }
  if (nameEnd === pos) return undefined;
  let colon = nameEnd;
  while (colon < end && (text.charCodeAt(colon) === SP || text.charCodeAt(colon) === HTAB)) colon++;
  if (colon >= end || text.charCodeAt(colon) !== 0x3a) return undefined;
  const { key, name } = resolveHeaderName(text.slice(pos, nameEnd));
  return { key, name, value: trimmed(text, colon + 1, end) };
}

function trimmed(text: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && (text.charCodeAt(s) === SP || text.charCodeAt(s) === HTAB)) s++;
  while (e > s && (text.charCodeAt(e - 1) === SP || text.charCodeAt(e - 1) === HTAB)) e--;
  return text.slice(s, e);
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (§25.1), case-insensitive. */
function isSipVersion(v: string): boolean {
  return /^SIP\/\d+\.\d+$/i.test(v);
}

/**
 * Reads the start line. Only an empty start line throws; any other fault is recorded in the
 * result so the header section is still read (framing on streams, partial request for the 400).
 */
function parseStartLine(text: string, lineEnd: number): ParsedHead {
  if (lineEnd === 0) throw badRequest("Missing start line");
  if (text.length > 4 && text.slice(0, 4).toUpperCase() === "SIP/") {
    return parseStatusLine(text, lineEnd);
  }
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1): single SPs, no other LWS
  // (RFC 4475 §3.1.2.8-10 lwsruri, lwsstart, trws are rejected).
  const sp1 = text.indexOf(" ");
  const sp2 = sp1 < 0 ? -1 : text.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp1 > lineEnd || sp2 < 0 || sp2 > lineEnd) {
    const method = sp1 > 0 && sp1 < lineEnd ? text.slice(0, sp1) : text.slice(0, lineEnd);
    const msg = new SipRequest(
      method,
      sp1 > 0 && sp1 < lineEnd ? text.slice(sp1 + 1, lineEnd) : "",
    );
    return { msg, fault: new SipParseError(400, "Bad Request - Malformed Request-Line", msg) };
  }
  const msg = new SipRequest(
    interned(text.slice(0, sp1)),
    text.slice(sp1 + 1, sp2),
    interned(text.slice(sp2 + 1, lineEnd)),
  );
  let fault: SipParseError | undefined;
  if (!isToken(msg.method)) fault = badRequest("Malformed Method");
  else if (msg.uri.length === 0 || !isSipVersion(msg.version)) {
    fault = badRequest("Malformed Request-Line");
  } else if (msg.version.toUpperCase() !== "SIP/2.0") {
    // §8.2.2.1 / §21.5.6 (RFC 4475 §3.1.2.16 badvers): answered with 505.
    fault = new SipParseError(505, "Version Not Supported");
  }
  if (fault) fault.partial = msg;
  return { msg, fault };
}

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (§7.2). */
function parseStatusLine(text: string, lineEnd: number): ParsedHead {
  const sp = text.indexOf(" ");
  const version = interned(sp < 0 || sp > lineEnd ? text.slice(0, lineEnd) : text.slice(0, sp));
  // Status-Code = 3DIGIT with a first digit 1-6 (§7.2, §21; RFC 4475 §3.1.2.19 bigcode).
  const codeEnd = sp + 4;
  const code = sp < 0 ? "" : text.slice(sp + 1, codeEnd);
  const codeOk = sp > 0 && codeEnd <= lineEnd && /^[1-6]\d\d$/.test(code) &&
    (codeEnd === lineEnd || text.charCodeAt(codeEnd) === SP);
  // The SP after the code is required; a liberal receiver accepts it missing (RFC 4475 §3.1.1.13).
  const reason = codeOk && codeEnd < lineEnd ? text.slice(codeEnd + 1, lineEnd) : "";
  const msg = new SipResponse(codeOk ? Number(code) : 0, reason, version);
  if (!isSipVersion(version)) return { msg, fault: badRequest("Malformed Status-Line") };
  if (version.toUpperCase() !== "SIP/2.0") {
    return { msg, fault: new SipParseError(505, "Version Not Supported") };
  }
  if (!codeOk) return { msg, fault: badRequest("Malformed Status-Code") };
  return { msg };
}

/**
 * 513 Message Too Large (§21.5.11). When the header section of the oversized request can be
 * read and is sound, it rides along as `partial`, so the server can tell the sender why
 * instead of dropping the message silently.
 */
function tooLarge(bytes: Uint8Array, opts: ParseOptions): SipParseError {
  const err = new SipParseError(513, "Message Too Large");
  const start = skipLeadingCrlf(bytes, 0, bytes.length);
  const headEnd = findHeadEnd(bytes, start, bytes.length);
  if (headEnd < 0) return err;
  try {
    const head = parseHead(decodeHead(bytes, start, headEnd));
    finishMessage(head, opts);
    if (head.msg.kind === "request") err.partial = head.msg;
  } catch {
    // An unreadable head cannot be answered: the message is dropped (§18.1.2 / §18.2.1).
  }
  return err;
}

function withPartial(msg: AnySipMessage, err: SipParseError): SipParseError {
  if (msg.kind === "request") err.partial = msg;
  return err;
}

/** §20.14 Content-Length: one value (repeats must agree), 1*DIGIT. */
function readContentLength(head: ParsedHead) {
  let value: string | undefined;
  for (const h of head.msg.headers) {
    if (h.key !== "content-length") continue;
    if (value !== undefined && h.value !== value) {
      head.contentLengthFault = badRequest("Multiple Content-Length values");
      break;
    }
    value = h.value;
  }
  if (value !== undefined && head.contentLengthFault === undefined) {
    try {
      head.contentLength = parseUnsigned(value, "Content-Length", MAX_CONTENT_LENGTH);
    } catch (e) {
      head.contentLengthFault = e as SipParseError;
    }
  }
  if (head.contentLengthFault) head.fault ??= withPartial(head.msg, head.contentLengthFault);
}

/**
 * Occurrences of the headers the core validates, counted in one pass. Call-ID, CSeq, From, To
 * and Max-Forwards are single-valued (§20; RFC 4475 §3.3.8 multi01).
 */
class CoreHeaders {
  via = 0;
  to = 0;
  from = 0;
  callId = 0;
  cseq = 0;
  maxForwards = 0;
  contact = 0;
  callIdValue = "";
  maxForwardsValue = "";

  constructor(msg: AnySipMessage) {
    for (const h of msg.headers) {
      switch (h.key) {
        case "via":
          this.via++;
          break;
        case "to":
          this.to++;
          break;
        case "from":
          this.from++;
          break;
        case "call-id":
          if (this.callId++ === 0) this.callIdValue = h.value;
          break;
        case "cseq":
          this.cseq++;
          break;
        case "max-forwards":
          if (this.maxForwards++ === 0) this.maxForwardsValue = h.value;
          break;
        case "contact":
          this.contact++;
          break;
      }
    }
  }

  /** The first mandatory header that is absent (§8.1.1 for requests; responses lack MF). */
  missing(isRequest: boolean, allowMissingMaxForwards: boolean): string | undefined {
    if (this.via === 0) return "Via";
    if (this.to === 0) return "To";
    if (this.from === 0) return "From";
    if (this.callId === 0) return "Call-ID";
    if (this.cseq === 0) return "CSeq";
    if (isRequest && !allowMissingMaxForwards && this.maxForwards === 0) return "Max-Forwards";
    return undefined;
  }

  /** The first single-valued header that appears more than once. */
  repeated(): string | undefined {
    if (this.callId > 1) return "Call-ID";
    if (this.cseq > 1) return "CSeq";
    if (this.from > 1) return "From";
    if (this.to > 1) return "To";
    if (this.maxForwards > 1) return "Max-Forwards";
    return undefined;
  }
}

/**
 * Validates the message once its header section is read: the fault collected while reading,
 * mandatory headers (§8.1.1), single-valued headers, the structured headers every layer
 * reads (parsed into the message's cache), CSeq method (§8.2, RFC 4475 §3.1.2.17) and the
 * Request-URI (§19.1.1, §8.2.2.1 → 416). Throws the first fault as {@link SipParseError}.
 *
 * @example
 * ```ts
 * const head = parseHead(text);
 * finishMessage(head, { allowMissingMaxForwards: true }); // throws or leaves head.msg valid
 * ```
 */
export function finishMessage(head: ParsedHead, opts: ParseOptions = {}): void {
  const msg = head.msg;
  if (head.fault) throw head.fault;
  const isRequest = msg.kind === "request";
  const core = new CoreHeaders(msg);
  const missing = core.missing(isRequest, opts.allowMissingMaxForwards === true);
  if (missing) throw withPartial(msg, new SipParseError(400, `Missing ${missing}`));
  const repeated = core.repeated();
  if (repeated) throw withPartial(msg, badRequest(`Multiple ${repeated} values`));
  let what = "Via";
  try {
    // Reading the getters parses and caches the views (they throw SipParseError on bad syntax).
    msg.vias;
    what = "CSeq";
    msg.cseq;
    what = "From";
    msg.from;
    what = "To";
    msg.to;
    what = "Call-ID";
    if (!isCallId(core.callIdValue)) throw badRequest(what);
    // §20.22 Max-Forwards = 1*DIGIT, 0-255 (RFC 4475 §3.1.2.4 treats 300 as an error).
    what = "Max-Forwards";
    if (core.maxForwards > 0) parseUnsigned(core.maxForwardsValue, what, 255);
    what = "Contact";
    if (core.contact > 0) msg.contacts;
    what = "Request-URI";
    if (isRequest) msg.requestUri;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    throw withPartial(msg, badRequest(`Malformed ${what}`));
  }
  if (msg.kind === "request") {
    // The CSeq method must match the request method (§8.1.1.5, §12.2.1.1; RFC 4475 §3.1.2.17).
    if (msg.cseq.method !== msg.method) {
      throw withPartial(msg, badRequest("CSeq method does not match"));
    }
    const uri = msg.requestUri;
    // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11 escruri).
    if (isSipUri(uri) && uri.headers.size > 0) {
      throw withPartial(msg, badRequest("Headers in Request-URI"));
    }
    if (!(opts.uriSchemes ?? DEFAULT_SCHEMES).includes(uri.scheme)) {
      throw withPartial(msg, new SipParseError(416, "Unsupported URI Scheme"));
    }
  }
}

/** §25.1 callid = word [ "@" word ]. */
function isCallId(v: string): boolean {
  if (v.length === 0) return false;
  let ats = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x40) {
      if (++ats > 1 || i === 0 || i === v.length - 1) return false;
    } else if (c >= 128 || (CHAR_CLASS[c] & WORD) === 0) {
      return false;
    }
  }
  return true;
}
