/**
 * URIs (RFC 3261 §19.1, §25.1; tel: RFC 3966; IPv6 references RFC 5118).
 *
 * SIP URI user and password are stored unescaped (§19.1.2); parameter and header values are kept
 * as written, escapes included, so that formatting reproduces them.
 *
 * @module
 */
import { badRequest } from "./parse_error.ts";
import {
  CHAR_CLASS,
  HNV_UNRESERVED,
  HOST,
  PARAM_UNRESERVED,
  PASSWORD_EXTRA,
  UNRESERVED,
  USER_UNRESERVED,
} from "./grammar.ts";
import type { Params } from "./header_values.ts";
import { emptyMap } from "./empty_map.ts";
import { interned } from "./interned.ts";

/**
 * sip: / sips: URI (§19.1.1). user/password are stored unescaped. A parsed URI without
 * parameters or headers holds the shared read-only empty Map there: copy before changing.
 */
export interface SipUri {
  scheme: "sip" | "sips";
  user?: string;
  password?: string;
  host: string; // hostname, IPv4, or "[v6]" with brackets
  port?: number;
  params: Params;
  headers: Map<string, string>;
}

/** tel: URI (RFC 3966). */
export interface TelUri {
  scheme: "tel";
  number: string;
  params: Params;
}

/** Any other absoluteURI (§25.1): kept as text. */
export interface OtherUri {
  scheme: string;
  /** The whole URI as written, scheme included. */
  text: string;
}

export type Uri = SipUri | TelUri | OtherUri;

/**
 * True for sip: and sips: URIs.
 *
 * @example
 * ```ts
 * isSipUri(parseUri("tel:+15551234")); // false
 * ```
 */
export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === "sip" || uri.scheme === "sips";
}

const SCHEME_FIRST = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * Parses a URI (§25.1 `SIP-URI / SIPS-URI / absoluteURI`). Throws SipParseError (400) when the
 * text does not match the grammar.
 *
 * @example
 * ```ts
 * const u = parseUri("sip:alice%40home@[2001:db8::10]:5070;transport=tcp?Subject=hi");
 * // { scheme: "sip", user: "alice@home", host: "[2001:db8::10]", port: 5070, ... }
 * ```
 */
export function parseUri(text: string): Uri {
  const colon = text.indexOf(":");
  if (colon <= 0) throw badRequest("Malformed URI");
  // Fast path for the overwhelmingly common lowercase "sip:".
  if (colon === 3 && text.startsWith("sip")) return parseSipUri("sip", text, 4);
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === "sip" || scheme === "sips") return parseSipUri(scheme, text, colon + 1);
  if (!SCHEME_FIRST.test(scheme)) throw badRequest("Malformed URI scheme");
  if (scheme === "tel") return parseTelUri(text, colon + 1);
  // §25.1 absoluteURI = scheme ":" ( hier-part / opaque-part ): no whitespace, quotes or <>.
  for (let i = colon + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x7f) {
      throw badRequest("Malformed URI");
    }
  }
  if (colon + 1 === text.length) throw badRequest("Malformed URI");
  return { scheme, text };
}

function parseSipUri(scheme: "sip" | "sips", text: string, start: number): SipUri {
  // §25.1 SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
  // The first "@" ends userinfo: it cannot appear unescaped in host, parameters or headers.
  const at = text.indexOf("@", start);
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = start;
  if (at >= 0) {
    const info = text.slice(start, at);
    const pc = info.indexOf(":");
    const rawUser = pc < 0 ? info : info.slice(0, pc);
    // §25.1 user = 1*( unreserved / escaped / user-unreserved ); tel-subscriber accepted alike.
    if (rawUser.length === 0) throw badRequest("Malformed URI user");
    user = interned(unescapePart(rawUser, UNRESERVED | USER_UNRESERVED, "Malformed URI user"));
    if (pc >= 0) {
      password = unescapePart(
        info.slice(pc + 1),
        UNRESERVED | PASSWORD_EXTRA,
        "Malformed URI password",
      );
    }
    hostStart = at + 1;
  }
  let end = text.length;
  const q = text.indexOf("?", hostStart);
  if (q >= 0) end = q;
  let hostEnd = text.indexOf(";", hostStart);
  if (hostEnd < 0 || hostEnd > end) hostEnd = end;
  const hostPartEnd = scanHost(text, hostStart, hostEnd);
  const host = interned(text.slice(hostStart, hostPartEnd));
  const port = portAfterHost(text, hostPartEnd, hostEnd);
  // No Map per URI for what is almost always absent: the shared read-only empty one stands in.
  const params: Params = hostEnd < end ? readUriParams(text, hostEnd, end) : emptyMap();
  const headers: Map<string, string> = q >= 0 ? readUriHeaders(text, q + 1) : emptyMap();
  return sipUri(scheme, host, params, headers, user, password, port);
}

/**
 * The SipUri object, written as one object literal per combination of optional fields (keys in
 * the order scheme, host, params, headers, user, password, port): the object is created with
 * all its fields in place instead of growing a separate property store for fields added later,
 * which parsed messages would otherwise keep per URI for their lifetime.
 */
function sipUri(
  scheme: "sip" | "sips",
  host: string,
  params: Params,
  headers: Map<string, string>,
  user: string | undefined,
  password: string | undefined,
  port: number | undefined,
): SipUri {
  if (user === undefined) {
    if (port === undefined) return { scheme, host, params, headers };
    return { scheme, host, params, headers, port };
  }
  if (password === undefined) {
    if (port === undefined) return { scheme, host, params, headers, user };
    return { scheme, host, params, headers, user, port };
  }
  if (port === undefined) return { scheme, host, params, headers, user, password };
  return { scheme, host, params, headers, user, password, port };
}

/**
 * Parses `host [":" port]` between `start` and `end` (§25.1 hostport; IPv6 reference per RFC 5118
 * keeps its brackets). Throws SipParseError (400) when malformed.
 *
 * @example
 * ```ts
 * parseHostPort("[::1]:5060", 0, 10); // { host: "[::1]", port: 5060 }
 * ```
 */
export function parseHostPort(
  text: string,
  start: number,
  end: number,
): { host: string; port?: number } {
  const hostEnd = scanHost(text, start, end);
  const host = text.slice(start, hostEnd);
  const port = portAfterHost(text, hostEnd, end);
  return port === undefined ? { host } : { host, port };
}

/** Validates the host starting at `start` (before `end`); returns the index just past it. */
function scanHost(text: string, start: number, end: number): number {
  let i = start;
  if (text.charCodeAt(i) === 0x5b) {
    // IPv6reference = "[" IPv6address "]"
    const close = text.indexOf("]", i);
    if (close < 0 || close >= end) throw badRequest("Malformed IPv6 reference");
    for (let k = i + 1; k < close; k++) {
      const c = text.charCodeAt(k);
      const ok = (c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) ||
        c === 0x2e;
      if (!ok) throw badRequest("Malformed IPv6 reference");
    }
    if (close === i + 1) throw badRequest("Malformed IPv6 reference");
    return close + 1;
  }
  while (i < end) {
    const c = text.charCodeAt(i);
    // Hostnames are alphanum, "-" and "."; "_" is tolerated as many deployments use it.
    if (c >= 128 || ((CHAR_CLASS[c] & HOST) === 0 && c !== 0x5f)) break;
    i++;
  }
  if (i === start) throw badRequest("Malformed host");
  return i;
}

/** The `":" port` between the host's end `at` and `end`; undefined when there is none. */
function portAfterHost(text: string, at: number, end: number): number | undefined {
  if (at === end) return undefined;
  if (text.charCodeAt(at) !== 0x3a) throw badRequest("Malformed host");
  return parsePort(text, at + 1, end);
}

function parsePort(text: string, start: number, end: number): number {
  if (start === end || end - start > 5) throw badRequest("Malformed port");
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw badRequest("Malformed port");
    n = n * 10 + d;
  }
  if (n > 65535) throw badRequest("Malformed port");
  return n;
}

/**
 * §25.1 uri-parameters = *( ";" uri-parameter ), uri-parameter = pname [ "=" pvalue ], read
 * from `text[start] === ";"` to `end`.
 */
function readUriParams(text: string, start: number, end: number): Params {
  const params: Params = new Map();
  let i = start;
  while (i < end) {
    // text[i] === ";"
    let next = text.indexOf(";", i + 1);
    if (next < 0 || next > end) next = end;
    const eq = text.indexOf("=", i + 1);
    const hasValue = eq >= 0 && eq < next;
    const name = text.slice(i + 1, hasValue ? eq : next);
    checkChars(name, UNRESERVED | PARAM_UNRESERVED, "Malformed URI parameter");
    if (name.length === 0) throw badRequest("Malformed URI parameter");
    let value: string | null = null;
    if (hasValue) {
      value = text.slice(eq + 1, next);
      checkChars(value, UNRESERVED | PARAM_UNRESERVED, "Malformed URI parameter");
      if (value.length === 0) throw badRequest("Malformed URI parameter");
    }
    params.set(name, value);
    i = next;
  }
  return params;
}

/** §25.1 headers = "?" header *( "&" header ), header = hname "=" hvalue. */
function readUriHeaders(text: string, start: number): Map<string, string> {
  const headers = new Map<string, string>();
  for (const part of text.slice(start).split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw badRequest("Malformed URI header");
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    checkChars(name, UNRESERVED | HNV_UNRESERVED, "Malformed URI header");
    checkChars(value, UNRESERVED | HNV_UNRESERVED, "Malformed URI header");
    headers.set(name, value);
  }
  return headers;
}

/** Checks every char is of `flags` or part of a valid `%HH` escape (§25.1 escaped). */
function checkChars(s: string, flags: number, what: string) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (!isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) throw badRequest(what);
      i += 2;
    } else if (c >= 128 || (CHAR_CLASS[c] & flags) === 0) {
      throw badRequest(what);
    }
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** Validates and resolves `%HH` escapes (§19.1.2); escaped octets are read as UTF-8. */
function unescapePart(s: string, flags: number, what: string): string {
  checkChars(s, flags, what);
  if (s.indexOf("%") < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      bytes.push(hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2)));
      i += 2;
    } else {
      bytes.push(c);
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

/** Escapes every octet of `s` (as UTF-8) that is not of class `flags` (§19.1.2). */
function escapePart(s: string, flags: number): string {
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CHAR_CLASS[c] & flags) === 0) plain = false;
  }
  if (plain) return s;
  let out = "";
  for (const b of utf8Encoder.encode(s)) {
    if (b < 128 && (CHAR_CLASS[b] & flags) !== 0) out += String.fromCharCode(b);
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function formatUriParams(params: Params): string {
  let out = "";
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/**
 * Writes a URI back as text. SIP user/password are escaped where §25.1 requires it; parameters
 * and headers are written as stored.
 *
 * @example
 * ```ts
 * formatUri({ scheme: "sip", user: "a b", host: "example.com", params: new Map(), headers: new Map() });
 * // "sip:a%20b@example.com"
 * ```
 */
export function formatUri(uri: Uri): string {
  if (uri.scheme === "sip" || uri.scheme === "sips") {
    const u = uri as SipUri;
    let out = `${u.scheme}:`;
    if (u.user !== undefined) {
      out += escapePart(u.user, UNRESERVED | USER_UNRESERVED);
      if (u.password !== undefined) {
        out += ":" + escapePart(u.password, UNRESERVED | PASSWORD_EXTRA);
      }
      out += "@";
    }
    out += u.host;
    if (u.port !== undefined) out += `:${u.port}`;
    out += formatUriParams(u.params);
    if (u.headers.size > 0) {
      out += "?" + [...u.headers].map(([n, v]) => `${n}=${v}`).join("&");
    }
    return out;
  }
  if (uri.scheme === "tel") {
    const t = uri as TelUri;
    return `tel:${t.number}${formatUriParams(t.params)}`;
  }
  return (uri as OtherUri).text;
}

function parseTelUri(text: string, start: number): TelUri {
  // RFC 3966 telephone-subscriber = global-number / local-number, then ";" parameters.
  let end = text.indexOf(";", start);
  if (end < 0) end = text.length;
  const number = text.slice(start, end);
  if (!/^\+?[0-9A-Fa-f*#().\-pPwW]+$/.test(number)) throw badRequest("Malformed tel URI");
  const params: Params = end < text.length ? readUriParams(text, end, text.length) : emptyMap();
  return { scheme: "tel", number, params };
}
