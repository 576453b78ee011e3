/**
 * Structured views of the header values the core reads (RFC 3261 §20, §25.1 grammar).
 * Parameters keep their original spelling and order; a parameter without a value maps to null;
 * a quoted parameter value keeps its quotes (so that formatting writes it back unchanged).
 *
 * Every parse function throws SipParseError (400) when the value does not match the grammar.
 *
 * @module
 */
import type { Uri } from "./uri.ts";
import { parseUri } from "./uri.ts";
import { badRequest } from "./parse_error.ts";
import { emptyMap } from "./empty_map.ts";
import { interned } from "./interned.ts";
import {
  CHAR_CLASS,
  COLON,
  COMMA,
  Cursor,
  DQUOTE,
  EQUAL,
  HOST,
  HTAB,
  LAQUOT,
  LBRACKET,
  quoteString,
  RAQUOT,
  SEMI,
  SLASH,
  SP,
  TOKEN,
} from "./grammar.ts";

/**
 * A generic-param list (§25.1 `generic-param`): name (as written) → value, null when absent.
 * A parsed name-addr or URI without parameters holds the shared read-only empty Map (see
 * empty_map.ts): copy it (`new Map(params)`) to change it.
 */
export type Params = Map<string, string | null>;

/** One Via value (§20.42): `SIP/2.0/UDP host:port;branch=...;received=...;rport`. */
export interface Via {
  protocolName: string; // "SIP"
  protocolVersion: string; // "2.0"
  transport: string; // "UDP", "TCP", "TLS", "WS", "WSS", "SCTP" or an extension, uppercase
  host: string; // IPv6 references keep their brackets
  port?: number;
  /** Convenience copies of well-known params (also present in `params`). */
  branch?: string;
  received?: string;
  /** RFC 3581: null when present without value, number when filled in. */
  rport?: number | null;
  maddr?: string;
  ttl?: number;
  params: Params;
}

/** name-addr or addr-spec with header params (§20.10, §20.20, §20.39). */
export interface NameAddr {
  displayName?: string; // unquoted, escapes resolved
  uri: Uri;
  /** The URI text exactly as written (inside <> when it was bracketed). */
  uriText: string;
  tag?: string;
  params: Params;
  /** Contact: * (§10.2.2) */
  star?: boolean;
}

/** CSeq (§20.16). */
export interface CSeq {
  seq: number;
  method: string;
}

/** The URI given to a `Contact: *` entry (§10.2.2), which has no URI of its own. */
const STAR_URI: Uri = { scheme: "*", text: "*" };

// ---------------------------------------------------------------------------------------------
// Parameters

/** Reads a gen-value (§25.1: token / host / quoted-string) as written; "" when there is none. */
function readParamValue(c: Cursor): string {
  if (c.peek() === DQUOTE) return c.quotedRaw();
  if (c.peek() === LBRACKET) {
    // host = IPv6reference
    const close = c.s.indexOf("]", c.i);
    if (close < 0) return "";
    const v = c.s.slice(c.i, close + 1);
    c.i = close + 1;
    return v;
  }
  // token, or a host (IPv6address without brackets is written in Via received=, §20.42).
  const s = c.s;
  const start = c.i;
  let i = start;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch >= 128 || ((CHAR_CLASS[ch] & TOKEN) === 0 && ch !== COLON)) break;
    i++;
  }
  c.i = i;
  return s.slice(start, i);
}

/**
 * Reads `*( SEMI generic-param )` into `params`; returns false on a malformed parameter
 * (empty name, `=` without a value, unterminated quoted string).
 */
function readParams(c: Cursor, params: Params): boolean {
  for (;;) {
    c.skipWs();
    if (c.peek() !== SEMI) return true;
    c.i++;
    c.skipWs();
    const name = c.token();
    if (name.length === 0) return false;
    c.skipWs();
    if (c.peek() === EQUAL) {
      c.i++;
      c.skipWs();
      const value = readParamValue(c);
      if (value.length === 0) return false;
      params.set(name, value);
    } else {
      params.set(name, null);
    }
  }
}

/**
 * Reads `*( SEMI generic-param )` into a new Map, or gives the shared read-only empty Map when
 * no parameter follows (most To, Contact and Request-URI values: no Map per parse for them).
 * Throws SipParseError (400) with `what` on a malformed parameter.
 */
function readOptionalParams(c: Cursor, what: string): Params {
  c.skipWs();
  if (c.peek() !== SEMI) return emptyMap();
  const params: Params = new Map();
  if (!readParams(c, params)) throw badRequest(what);
  return params;
}

/**
 * Parses a parameter list such as `;transport=tcp;lr` (the leading `;` is optional).
 *
 * @example
 * ```ts
 * parseParams(";branch=z9hG4bK1;rport"); // Map { "branch" => "z9hG4bK1", "rport" => null }
 * ```
 */
export function parseParams(text: string): Params {
  const c = new Cursor(text.charCodeAt(0) === SEMI ? text : ";" + text);
  const params: Params = new Map();
  if (!readParams(c, params) || (c.skipWs(), !c.done)) throw badRequest("Malformed parameters");
  return params;
}

/**
 * Writes parameters back: `;name` or `;name=value`, in order, values as stored.
 *
 * @example
 * ```ts
 * formatParams(new Map([["tag", "a1"], ["lr", null]])); // ";tag=a1;lr"
 * ```
 */
export function formatParams(params: Params): string {
  let out = "";
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/** A parameter by case-insensitive name (§7.3.1 / §19.1.4: parameter names compare that way). */
function paramIgnoreCase(params: Params, lowerName: string): string | null | undefined {
  const direct = params.get(lowerName);
  if (direct !== undefined) return direct;
  for (const [name, value] of params) if (name.toLowerCase() === lowerName) return value;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Via

function readVia(c: Cursor): Via {
  // §25.1 via-parm = sent-protocol LWS sent-by *( SEMI via-params )
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport (SLASH = SWS "/" SWS)
  let protocolName = "SIP";
  let protocolVersion = "2.0";
  if (c.s.startsWith("SIP/2.0/", c.i)) {
    // The form every RFC 3261 element writes: no slicing, shared constants.
    c.i += 8;
    c.skipWs();
  } else {
    protocolName = interned(c.token());
    if (!protocolName || !c.eat(SLASH)) throw badRequest("Malformed Via");
    protocolVersion = interned(c.token());
    if (!protocolVersion || !c.eat(SLASH)) throw badRequest("Malformed Via");
  }
  const transport = interned(c.token().toUpperCase());
  if (!transport) throw badRequest("Malformed Via");
  const beforeWs = c.i;
  c.skipWs();
  if (c.i === beforeWs) throw badRequest("Malformed Via");
  // sent-by = host [ COLON port ]
  const s = c.s;
  const hostStart = c.i;
  if (c.peek() === LBRACKET) {
    const close = s.indexOf("]", c.i);
    if (close < 0) throw badRequest("Malformed Via");
    c.i = close + 1;
  } else {
    let i = c.i;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (ch >= 128 || ((CHAR_CLASS[ch] & HOST) === 0 && ch !== 0x5f)) break;
      i++;
    }
    c.i = i;
  }
  if (c.i === hostStart) throw badRequest("Malformed Via");
  const via: Via = {
    protocolName,
    protocolVersion,
    transport,
    host: interned(s.slice(hostStart, c.i)),
    params: new Map(),
  };
  const beforeColon = c.i;
  if (c.eat(COLON)) {
    const digits = readDigits(c);
    const port = Number(digits);
    if (!digits || digits.length > 5 || port > 65535) throw badRequest("Malformed Via port");
    via.port = port;
  } else {
    c.i = beforeColon;
  }
  if (!readParams(c, via.params)) throw badRequest("Malformed Via parameter");
  fillViaConveniences(via);
  return via;
}

function readDigits(c: Cursor): string {
  const s = c.s;
  const start = c.i;
  let i = start;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch < 0x30 || ch > 0x39) break;
    i++;
  }
  c.i = i;
  return s.slice(start, i);
}

function fillViaConveniences(via: Via) {
  for (const [name, value] of via.params) {
    switch (name.toLowerCase()) {
      case "branch":
        if (value !== null) via.branch = value;
        break;
      case "received":
        if (value !== null) via.received = value;
        break;
      case "rport": // RFC 3581 §4: response-port = "rport" [EQUAL 1*DIGIT]
        if (value === null) via.rport = null;
        else if (/^\d{1,5}$/.test(value)) via.rport = Number(value);
        else throw badRequest("Malformed Via rport");
        break;
      case "maddr":
        if (value !== null) via.maddr = value;
        break;
      case "ttl": // §25.1 ttl = 1*3DIGIT ; 0 to 255
        if (value === null || !/^\d{1,3}$/.test(value) || Number(value) > 255) {
          throw badRequest("Malformed Via ttl");
        }
        via.ttl = Number(value);
        break;
    }
  }
}

/**
 * Parses a Via field value, which may hold several comma-separated via-parms (§7.3.1, §20.42).
 *
 * @example
 * ```ts
 * parseViaList("SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP [::1]:5061")
 *   .map((v) => v.host); // ["a.example.com", "[::1]"]
 * ```
 */
export function parseViaList(value: string): Via[] {
  const c = new Cursor(value);
  const out: Via[] = [];
  c.skipWs();
  for (;;) {
    out.push(readVia(c));
    c.skipWs();
    if (c.done) return out;
    if (c.peek() !== COMMA) throw badRequest("Malformed Via");
    c.i++;
    c.skipWs();
  }
}

/**
 * A copy of `via` with parameters set (RFC 3581 §4 `rport`, §18.2.1 `received`…): a parameter
 * already present under any letter case keeps its spelling and place and takes the new value; a
 * new one goes last under the name given. The convenience fields follow the parameters, exactly
 * as parsing `formatVia(result)` would fill them, so the copy can stand for that parse.
 *
 * @example
 * ```ts
 * const top = parseViaList("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKx")[0];
 * withViaParams(top, [["rport", "9988"], ["received", "192.0.2.1"]]).rport; // 9988
 * ```
 */
export function withViaParams(
  via: Via,
  entries: ReadonlyArray<readonly [name: string, value: string | null]>,
): Via {
  const params: Params = new Map(via.params);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    let key = name;
    for (const existing of params.keys()) {
      if (existing.toLowerCase() === lower) {
        key = existing;
        break;
      }
    }
    params.set(key, value);
  }
  const copy: Via = {
    protocolName: via.protocolName,
    protocolVersion: via.protocolVersion,
    transport: via.transport,
    host: via.host,
    params,
  };
  if (via.port !== undefined) copy.port = via.port;
  fillViaConveniences(copy);
  return copy;
}

/**
 * Where the first via-parm of a Via field value ends: at the first comma outside a quoted
 * string (§7.3.1 comma-separated values), or at the end.
 *
 * @example
 * ```ts
 * firstViaParmEnd('SIP/2.0/UDP a;x="1,2", SIP/2.0/UDP b'); // 21
 * ```
 */
export function firstViaParmEnd(field: string): number {
  let quoted = false;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++; // quoted-pair
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) {
      quoted = true;
    } else if (c === 0x2c) {
      return i;
    }
  }
  return field.length;
}

/**
 * Writes one via-parm: `SIP/2.0/UDP host:port;params`. The params map is authoritative; the
 * convenience fields are not written separately.
 *
 * @example
 * ```ts
 * formatVia(parseViaList("SIP/2.0/udp h;branch=z9hG4bKx")[0]); // "SIP/2.0/UDP h;branch=z9hG4bKx"
 * ```
 */
export function formatVia(v: Via): string {
  const port = v.port === undefined ? "" : `:${v.port}`;
  return `${v.protocolName}/${v.protocolVersion}/${v.transport} ${v.host}${port}${
    formatParams(v.params)
  }`;
}

// ---------------------------------------------------------------------------------------------
// name-addr / addr-spec

/**
 * Reads one `( name-addr / addr-spec ) *( SEMI generic-param )` element. In a list, a comma ends
 * the element; `*` alone is the Contact wildcard.
 */
function readNameAddr(c: Cursor, inList: boolean): NameAddr {
  c.skipWs();
  const s = c.s;
  if (inList && c.peek() === 0x2a) {
    const save = c.i;
    c.i++;
    c.skipWs();
    if (c.done || c.peek() === COMMA) {
      return { uri: STAR_URI, uriText: "*", params: emptyMap(), star: true };
    }
    c.i = save;
  }
  let displayName: string | undefined;
  let bracketed = false;
  if (c.peek() === DQUOTE) {
    // display-name = quoted-string (§25.1)
    displayName = c.quoted();
    if (displayName === undefined) throw badRequest("Malformed display name");
    c.skipWs();
    if (c.peek() !== LAQUOT) throw badRequest("Malformed name-addr");
    bracketed = true;
  } else {
    // display-name = *(token LWS): look ahead for "<" through tokens and whitespace only.
    let i = c.i;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (ch === LAQUOT) {
        bracketed = true;
        break;
      }
      if (ch === SP || ch === HTAB || (ch < 128 && (CHAR_CLASS[ch] & TOKEN) !== 0)) i++;
      else break;
    }
    if (bracketed) {
      const words = s.slice(c.i, i).trim();
      if (words.length > 0) displayName = words.replace(/[ \t]+/g, " ");
      c.i = i;
    }
  }
  let uriText: string;
  if (bracketed) {
    // LAQUOT addr-spec RAQUOT: no whitespace inside the brackets.
    const close = s.indexOf(">", c.i + 1);
    if (close < 0) throw badRequest("Malformed name-addr");
    uriText = s.slice(c.i + 1, close);
    c.i = close + 1;
  } else {
    // §20: an addr-spec ends at the first ";" (what follows are header parameters) and must not
    // hold ",", "?" or ";" — a URI with those MUST be enclosed in angle brackets.
    const start = c.i;
    let i = start;
    while (i < s.length) {
      const ch = s.charCodeAt(i);
      if (ch === SEMI || ch === COMMA || ch === SP || ch === HTAB) break;
      if (ch === 0x3f || ch === LAQUOT || ch === RAQUOT || ch === DQUOTE) {
        throw badRequest("Malformed addr-spec");
      }
      i++;
    }
    uriText = s.slice(start, i);
    c.i = i;
  }
  if (uriText.length === 0) throw badRequest("Malformed name-addr");
  const uri = parseUri(uriText);
  const params = readOptionalParams(c, "Malformed header parameter");
  const tag = paramIgnoreCase(params, "tag") || undefined;
  // One literal per shape (keys uri, uriText, params, displayName, tag): the object is made
  // with all its fields in place, without a separate store for fields added afterwards.
  if (displayName === undefined) {
    return tag === undefined ? { uri, uriText, params } : { uri, uriText, params, tag };
  }
  if (tag === undefined) return { uri, uriText, params, displayName };
  return { uri, uriText, params, displayName, tag };
}

/**
 * Parses a single name-addr / addr-spec header value such as From or To (§20.20, §20.39).
 *
 * @example
 * ```ts
 * parseNameAddr('"Bob" <sip:bob@biloxi.com>;tag=a6c85cf').tag; // "a6c85cf"
 * ```
 */
export function parseNameAddr(value: string): NameAddr {
  const c = new Cursor(value);
  const na = readNameAddr(c, false);
  c.skipWs();
  if (!c.done) throw badRequest("Malformed name-addr");
  return na;
}

/**
 * Parses a comma-separated list of name-addr / addr-spec values (Contact, Route, Record-Route…);
 * commas inside quotes or angle brackets do not split; `*` gives `{ star: true }` (§10.2.2).
 *
 * @example
 * ```ts
 * parseNameAddrList('<sip:a@x>;q=0.5, "B, C" <sip:b@y>').length; // 2
 * ```
 */
export function parseNameAddrList(value: string): NameAddr[] {
  const c = new Cursor(value);
  const out: NameAddr[] = [];
  for (;;) {
    out.push(readNameAddr(c, true));
    c.skipWs();
    if (c.done) return out;
    if (c.peek() !== COMMA) throw badRequest("Malformed name-addr list");
    c.i++;
  }
}

/**
 * Writes a NameAddr in name-addr form (always bracketed, display name quoted when present).
 *
 * @example
 * ```ts
 * formatNameAddr(parseNameAddr("sip:a@b;tag=1")); // "<sip:a@b>;tag=1"
 * ```
 */
export function formatNameAddr(n: NameAddr): string {
  if (n.star) return "*";
  const display = n.displayName === undefined ? "" : quoteString(n.displayName) + " ";
  return `${display}<${n.uriText}>${formatParams(n.params)}`;
}

// ---------------------------------------------------------------------------------------------
// CSeq

/** §8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer. */
const MAX_CSEQ = 0xffffffff;

/**
 * Parses a CSeq value `1*DIGIT LWS Method` (§20.16); leading zeros are allowed.
 *
 * @example
 * ```ts
 * parseCSeq("0009 INVITE"); // { seq: 9, method: "INVITE" }
 * ```
 */
export function parseCSeq(value: string): CSeq {
  const c = new Cursor(value);
  c.skipWs();
  const digits = readDigits(c);
  const beforeWs = c.i;
  c.skipWs();
  const hasWs = c.i > beforeWs;
  const method = interned(c.token());
  c.skipWs();
  if (!digits || !hasWs || !method || !c.done) throw badRequest("Malformed CSeq");
  let seq = 0;
  for (let i = 0; i < digits.length; i++) {
    seq = seq * 10 + (digits.charCodeAt(i) - 0x30);
    if (seq > MAX_CSEQ) throw badRequest("Malformed CSeq");
  }
  return { seq, method };
}

/**
 * Checks that `value` is a `1*DIGIT` integer (leading zeros allowed) not above `max` and returns
 * it; throws SipParseError (400) naming `header` otherwise. Used for Content-Length, Max-Forwards,
 * Expires (§20.14, §20.22, §20.19).
 *
 * @example
 * ```ts
 * parseUnsigned("0070", "Max-Forwards", 255); // 70
 * ```
 */
export function parseUnsigned(value: string, header: string, max: number): number {
  const v = value.trim();
  if (v.length === 0) throw badRequest(`Malformed ${header}`);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw badRequest(`Malformed ${header}`);
    n = n * 10 + d;
    if (n > max) throw badRequest(`Malformed ${header}`);
  }
  return n;
}
