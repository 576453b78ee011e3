/**
 * Digest credentials: the `Authorization` / `Proxy-Authorization` value of RFC 7616 §3.4 with
 * the SIP rules of RFC 3261 §22.4 (`uri` is the quoted Request-URI; `qop` and `nc` unquoted).
 *
 * @example
 * ```ts
 * const c = parseDigestCredentials('Digest username="bob", realm="biloxi.com", ' +
 *   'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop=auth, ' +
 *   'nc=00000001, cnonce="0a4f113b", response="89eb0059246c02b2f6ee02c7961d5ea3"');
 * c.nc; // 1
 * formatDigestCredentials(c); // the same text
 * ```
 *
 * @module
 */
import { type DigestAlgorithm, hashOf, hexLength, parseDigestAlgorithm } from "./algorithms.ts";
import {
  type AuthParam,
  type AuthValue,
  formatAuthValue,
  paramValue,
  parseAuthValues,
} from "./auth_params.ts";
import type { DigestQop } from "./challenge.ts";
import { DigestSyntaxError } from "./errors.ts";

/** Digest credentials (RFC 7616 §3.4). */
export interface DigestCredentials {
  /** The user name (from `username` or decoded `username*`), or its hash when `userhash`. */
  username: string;
  realm: string;
  nonce: string;
  /** digest-uri: the Request-URI as the client wrote it (RFC 3261 §22.4 items 2–3). */
  uri: string;
  /** request-digest, hex. */
  response: string;
  /** Absent means MD5 (RFC 7616 §3.4 refers to §3.3's default). */
  algorithm?: DigestAlgorithm;
  cnonce?: string;
  opaque?: string;
  /** Absent: the RFC 2069-compatible computation (RFC 2617 §3.2.2.1). */
  qop?: DigestQop;
  /** nonce-count (8LHEX on the wire); present exactly when qop is. */
  nc?: number;
  /** RFC 7616 §3.4.4: `username` carries H(username ":" realm). */
  userhash: boolean;
}

const LHEX = /^[0-9a-fA-F]+$/;
const NC = /^[0-9a-fA-F]{8}$/;
// RFC 8187 §3.2.1 ext-value = charset "'" [ language ] "'" value-chars
const EXT_VALUE = /^([A-Za-z0-9!#$%&+\-^_`{}~]+)'([A-Za-z0-9-]*)'(.*)$/;

function required(value: AuthValue, name: string): string {
  const v = paramValue(value, name);
  if (v === undefined) {
    throw new DigestSyntaxError("missing-parameter", `Digest credentials need "${name}"`);
  }
  return v;
}

/** RFC 7616 §3.4.4 / RFC 8187: `username*=UTF-8''J%C3%A4s%C3%B8n%20Doe`. */
function decodeExtValue(text: string): string {
  const m = EXT_VALUE.exec(text);
  if (m === null || m[1].toUpperCase() !== "UTF-8") {
    throw new DigestSyntaxError("invalid-parameter", `username* ${text} is not UTF-8 ext-value`);
  }
  try {
    return decodeURIComponent(m[3]);
  } catch {
    throw new DigestSyntaxError("invalid-parameter", `username* ${text} has bad escapes`);
  }
}

function readUsername(value: AuthValue, userhash: boolean): string {
  const plain = paramValue(value, "username");
  const extended = paramValue(value, "username*");
  if (plain !== undefined && extended !== undefined) {
    throw new DigestSyntaxError("invalid-parameter", "username and username* both given");
  }
  if (extended !== undefined) {
    if (userhash) {
      throw new DigestSyntaxError("invalid-parameter", "username* cannot carry a userhash");
    }
    return decodeExtValue(extended);
  }
  if (plain === undefined) {
    throw new DigestSyntaxError("missing-parameter", 'Digest credentials need "username"');
  }
  return plain;
}

/**
 * Reads Digest credentials from an already split auth value; throws DigestSyntaxError when the
 * scheme is not Digest, a required directive is missing, or a value breaks its grammar.
 *
 * @example
 * ```ts
 * credentialsFromAuthValue(parseAuthValues('Digest username="a", realm="r", nonce="n", ' +
 *   'uri="sip:r", response="00112233445566778899aabbccddeeff"')[0]).qop; // undefined
 * ```
 */
export function credentialsFromAuthValue(value: AuthValue): DigestCredentials {
  if (value.scheme.toLowerCase() !== "digest") {
    throw new DigestSyntaxError("not-digest", `scheme ${value.scheme} is not Digest`);
  }
  const userhash = paramValue(value, "userhash")?.toLowerCase() === "true";
  const credentials: DigestCredentials = {
    username: readUsername(value, userhash),
    realm: required(value, "realm"),
    nonce: required(value, "nonce"),
    uri: required(value, "uri"),
    response: required(value, "response"),
    userhash,
  };
  const algorithmText = paramValue(value, "algorithm");
  if (algorithmText !== undefined) {
    const algorithm = parseDigestAlgorithm(algorithmText);
    if (algorithm === undefined) {
      throw new DigestSyntaxError("unsupported-algorithm", `algorithm ${algorithmText}`);
    }
    credentials.algorithm = algorithm;
  }
  const hash = hashOf(credentials.algorithm ?? "MD5");
  if (!LHEX.test(credentials.response) || credentials.response.length !== hexLength(hash)) {
    throw new DigestSyntaxError("invalid-parameter", `response is not ${hash} hex`);
  }
  const opaque = paramValue(value, "opaque");
  if (opaque !== undefined) credentials.opaque = opaque;
  const qop = paramValue(value, "qop");
  const cnonce = paramValue(value, "cnonce");
  const nc = paramValue(value, "nc");
  if (qop === undefined) {
    // RFC 2617 §3.2.2: cnonce and nc only go with qop.
    if (cnonce !== undefined || nc !== undefined) {
      throw new DigestSyntaxError("invalid-parameter", "cnonce/nc without qop");
    }
    return credentials;
  }
  const q = qop.toLowerCase();
  if (q !== "auth" && q !== "auth-int") {
    throw new DigestSyntaxError("invalid-parameter", `qop ${qop}`);
  }
  if (cnonce === undefined || nc === undefined) {
    throw new DigestSyntaxError("missing-parameter", "qop requires cnonce and nc (RFC 7616 §3.4)");
  }
  if (!NC.test(nc)) throw new DigestSyntaxError("invalid-parameter", `nc ${nc} is not 8LHEX`);
  credentials.qop = q;
  credentials.cnonce = cnonce;
  credentials.nc = parseInt(nc, 16);
  return credentials;
}

/**
 * Reads a field value holding one Digest credentials value.
 *
 * @example
 * ```ts
 * parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="sip:r", ' +
 *   'response="00112233445566778899aabbccddeeff"').username; // "a"
 * ```
 */
export function parseDigestCredentials(text: string): DigestCredentials {
  const values = parseAuthValues(text);
  if (values.length !== 1) {
    throw new DigestSyntaxError(
      "malformed",
      `expected one credentials value, found ${values.length}`,
    );
  }
  return credentialsFromAuthValue(values[0]);
}

// RFC 8187 §3.2.1 attr-char: what an ext-value may carry without percent-encoding.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** RFC 8187 §3.2.1 ext-value with charset UTF-8 and no language. */
function encodeExtValue(text: string): string {
  let out = "UTF-8''";
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch)
      ? ch
      : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Whether `username` can be sent as a plain quoted-string (ASCII, RFC 7616 §3.4.4). */
function isPlainUsername(username: string): boolean {
  return /^[\x20-\x7e]*$/.test(username);
}

/**
 * The nonce-count as written on the wire: 8 lowercase hex digits (RFC 7616 §3.4 `nc`).
 *
 * @example
 * ```ts
 * formatNonceCount(10); // "0000000a"
 * ```
 */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

/**
 * Writes credentials in the order of the RFC 3261 §22.4 / RFC 2617 §3.5 examples: username,
 * realm, nonce, uri, qop, nc, cnonce, response, algorithm, opaque, userhash. A non-ASCII user
 * name goes in `username*` (RFC 7616 §3.4.4).
 *
 * @example
 * ```ts
 * formatDigestCredentials({ username: "bob", realm: "biloxi.com", nonce: "n",
 *   uri: "sip:bob@biloxi.com", response: "0".repeat(32), userhash: false });
 * // 'Digest username="bob", realm="biloxi.com", nonce="n", uri="sip:bob@biloxi.com", response="000…"'
 * ```
 */
export function formatDigestCredentials(c: DigestCredentials): string {
  const params: AuthParam[] = [];
  if (c.userhash || isPlainUsername(c.username)) {
    params.push({ name: "username", value: c.username, quoted: true });
  } else {
    params.push({ name: "username*", value: encodeExtValue(c.username), quoted: false });
  }
  params.push({ name: "realm", value: c.realm, quoted: true });
  params.push({ name: "nonce", value: c.nonce, quoted: true });
  params.push({ name: "uri", value: c.uri, quoted: true });
  if (c.qop !== undefined && c.nc !== undefined && c.cnonce !== undefined) {
    params.push({ name: "qop", value: c.qop, quoted: false });
    params.push({ name: "nc", value: formatNonceCount(c.nc), quoted: false });
    params.push({ name: "cnonce", value: c.cnonce, quoted: true });
  }
  params.push({ name: "response", value: c.response, quoted: true });
  if (c.algorithm !== undefined) {
    params.push({ name: "algorithm", value: c.algorithm, quoted: false });
  }
  if (c.opaque !== undefined) params.push({ name: "opaque", value: c.opaque, quoted: true });
  if (c.userhash) params.push({ name: "userhash", value: "true", quoted: false });
  return formatAuthValue("Digest", params);
}
