/**
 * Typed codecs for the MS-SIPAE authentication headers (MS-SIPAE §2.2; MS-SIP §3.1.5.1 table):
 *
 * | header | parameters |
 * |---|---|
 * | WWW-Authenticate / Proxy-Authenticate | realm, targetname, version, opaque, gssapi-data, qop, sts-uri |
 * | Authorization / Proxy-Authorization | qop, realm, opaque, targetname, version, gssapi-data, crand, cnum, response |
 * | Authentication-Info / Proxy-Authentication-Info | qop, opaque, srand, snum, rspauth, targetname, realm, version |
 *
 * Parsing is tolerant (see auth_params.ts) and keeps unknown parameters in `extensions`.
 * Formatting writes the parameters in the order Lync sends them, taken from real traffic:
 *
 * - first challenge: `NTLM realm="…", targetname="…", version=3` (MS-SIPAE §4.1);
 * - challenge with a token: `NTLM opaque="…", gssapi-data="…", targetname="…", realm="…",
 *   version=4` (MS-SIPAE §4.1, step 4);
 * - credentials: `NTLM qop="auth", realm="…", opaque="…", targetname="…", version=4,
 *   gssapi-data="…", crand="…", cnum="…", response="…"` (OC 2007 R2 capture, guide §2.3);
 * - authentication info: `TLS-DSK qop="auth", opaque="…", srand="…", snum="…", rspauth="…",
 *   targetname="…", realm="…", version=4` (Lync captures, guide §2.3).
 *
 * Every value except `version` is written quoted (guide §2.2: `version=4` is unquoted).
 *
 * @example
 * ```ts
 * const c = parseChallenge('NTLM realm="SIP Communications Service", targetname="fe.contoso.com", version=4');
 * formatCredentials({ scheme: c.scheme, qop: "auth", realm: c.realm, targetname: c.targetname,
 *   version: c.version, gssapiData: "" });
 * ```
 *
 * @module
 */
import {
  type AuthHeaderValue,
  type AuthParam,
  formatAuthHeaderValue,
  parseAuthHeaderValue,
} from "./auth_params.ts";
import { SipaeHeaderError } from "./errors.ts";

/** The schemes MS-SIPAE defines (§1.3), spelled as on the wire. */
export type SipaeScheme = "NTLM" | "Kerberos" | "TLS-DSK";

const SCHEMES: readonly SipaeScheme[] = ["NTLM", "Kerberos", "TLS-DSK"];

/**
 * The MS-SIPAE spelling of an auth-scheme token (auth-scheme names are case-insensitive,
 * RFC 3261 §22.1), or undefined for any other scheme (Digest, Basic, …).
 *
 * @example
 * ```ts
 * canonicalScheme("ntlm"); // "NTLM"
 * canonicalScheme("Digest"); // undefined
 * ```
 */
export function canonicalScheme(token: string): SipaeScheme | undefined {
  const lower = token.toLowerCase();
  return SCHEMES.find((s) => s.toLowerCase() === lower);
}

/** Registrar headers (401) or proxy headers (407) (MS-SIP §3.1.5.1). */
export type AuthHeaderFamily = "www" | "proxy";

/** The header names and challenge status of one family. */
export interface AuthHeaderNames {
  challenge: string;
  credentials: string;
  info: string;
  status: 401 | 407;
  reason: string;
}

/**
 * The matching pairs of MS-SIP §3.1.5.1: WWW-Authenticate → Authorization →
 * Authentication-Info, and Proxy-Authenticate → Proxy-Authorization → Proxy-Authentication-Info.
 */
export const AUTH_HEADER_NAMES: Readonly<Record<AuthHeaderFamily, AuthHeaderNames>> = {
  www: {
    challenge: "WWW-Authenticate",
    credentials: "Authorization",
    info: "Authentication-Info",
    status: 401,
    reason: "Unauthorized",
  },
  proxy: {
    challenge: "Proxy-Authenticate",
    credentials: "Proxy-Authorization",
    info: "Proxy-Authentication-Info",
    status: 407,
    reason: "Proxy Authentication Required",
  },
};

/**
 * The family a challenge status belongs to: 401 → "www", 407 → "proxy", else undefined.
 *
 * @example
 * ```ts
 * familyOfStatus(407); // "proxy"
 * ```
 */
export function familyOfStatus(status: number): AuthHeaderFamily | undefined {
  return status === 401 ? "www" : status === 407 ? "proxy" : undefined;
}

/** A WWW-Authenticate / Proxy-Authenticate value. */
export interface SipaeChallenge {
  /** Canonical spelling for MS-SIPAE schemes, else as written. */
  scheme: string;
  realm: string;
  targetname: string;
  /** Auth protocol version (3 or 4 from current servers); absent from legacy servers. */
  version?: number;
  opaque?: string;
  /** The server's token; absent in the first challenge. */
  gssapiData?: string;
  qop?: string;
  /** TLS-DSK: the certificate provisioning service ([MS-OCAUTHWS]). */
  stsUri?: string;
  /** Parameters not listed above, as received (e.g. cnonce). */
  extensions: AuthParam[];
}

/** An Authorization / Proxy-Authorization value. */
export interface SipaeCredentials {
  scheme: string;
  realm: string;
  targetname: string;
  qop?: string;
  opaque?: string;
  version?: number;
  /** The client's token; "" asks the server to start (connectionless NTLM). */
  gssapiData?: string;
  crand?: string;
  cnum?: string;
  response?: string;
  extensions: AuthParam[];
}

/** An Authentication-Info / Proxy-Authentication-Info value. */
export interface SipaeAuthenticationInfo {
  scheme: string;
  realm: string;
  targetname: string;
  qop?: string;
  opaque?: string;
  srand: string;
  snum: string;
  rspauth: string;
  version?: number;
  extensions: AuthParam[];
}

/** Reads params into a lowercase-name map plus the unknown ones. */
function split(value: AuthHeaderValue, known: readonly string[]) {
  const map = new Map<string, string>();
  const extensions: AuthParam[] = [];
  for (const p of value.params) {
    const key = p.name.toLowerCase();
    if (known.includes(key)) map.set(key, p.value);
    else extensions.push(p);
  }
  return { map, extensions, scheme: canonicalScheme(value.scheme) ?? value.scheme };
}

function required(map: Map<string, string>, name: string, header: string): string {
  const v = map.get(name);
  if (v === undefined) throw new SipaeHeaderError(`${header} lacks ${name}`);
  return v;
}

/** `version = 1*DIGIT` (guide §2.2). */
function version(map: Map<string, string>): number | undefined {
  const v = map.get("version");
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new SipaeHeaderError(`bad version "${v}"`);
  return Number(v);
}

const CHALLENGE_PARAMS = [
  "realm",
  "targetname",
  "version",
  "opaque",
  "gssapi-data",
  "qop",
  "sts-uri",
] as const;

/**
 * Parses a WWW-Authenticate / Proxy-Authenticate value; realm and targetname are required
 * (MS-SIPAE §3.3.5.1: every challenge carries both). Throws {@link SipaeHeaderError}.
 *
 * @example
 * ```ts
 * parseChallenge('NTLM opaque="2BDBAC9D", gssapi-data="TlRM…", targetname="fe", realm="r", version=4').opaque;
 * ```
 */
export function parseChallenge(text: string): SipaeChallenge {
  const { map, extensions, scheme } = split(parseAuthHeaderValue(text), CHALLENGE_PARAMS);
  return {
    scheme,
    realm: required(map, "realm", "challenge"),
    targetname: required(map, "targetname", "challenge"),
    version: version(map),
    opaque: map.get("opaque"),
    gssapiData: map.get("gssapi-data"),
    qop: map.get("qop"),
    stsUri: map.get("sts-uri"),
    extensions,
  };
}

const CREDENTIAL_PARAMS = [
  "qop",
  "realm",
  "opaque",
  "targetname",
  "version",
  "gssapi-data",
  "crand",
  "cnum",
  "response",
] as const;

/**
 * Parses an Authorization / Proxy-Authorization value (realm and targetname required).
 *
 * @example
 * ```ts
 * parseCredentials('NTLM qop="auth", realm="r", opaque="A1", targetname="fe", crand="0a0b0c0d", cnum="7", response="01…"').cnum; // "7"
 * ```
 */
export function parseCredentials(text: string): SipaeCredentials {
  const { map, extensions, scheme } = split(parseAuthHeaderValue(text), CREDENTIAL_PARAMS);
  return {
    scheme,
    realm: required(map, "realm", "credentials"),
    targetname: required(map, "targetname", "credentials"),
    qop: map.get("qop"),
    opaque: map.get("opaque"),
    version: version(map),
    gssapiData: map.get("gssapi-data"),
    crand: map.get("crand"),
    cnum: map.get("cnum"),
    response: map.get("response"),
    extensions,
  };
}

const INFO_PARAMS = [
  "qop",
  "opaque",
  "srand",
  "snum",
  "rspauth",
  "targetname",
  "realm",
  "version",
] as const;

/**
 * Parses an Authentication-Info / Proxy-Authentication-Info value (realm, targetname, srand,
 * snum and rspauth required: without them nothing can be verified).
 *
 * @example
 * ```ts
 * parseAuthenticationInfo('NTLM rspauth="01…", srand="9616454F", snum="1", opaque="2BDBAC9D", qop="auth", targetname="fe", realm="r"').snum; // "1"
 * ```
 */
export function parseAuthenticationInfo(text: string): SipaeAuthenticationInfo {
  const { map, extensions, scheme } = split(parseAuthHeaderValue(text), INFO_PARAMS);
  const header = "authentication info";
  return {
    scheme,
    realm: required(map, "realm", header),
    targetname: required(map, "targetname", header),
    qop: map.get("qop"),
    opaque: map.get("opaque"),
    srand: required(map, "srand", header),
    snum: required(map, "snum", header),
    rspauth: required(map, "rspauth", header),
    version: version(map),
    extensions,
  };
}

/** Builds the parameter list in `order`, skipping absent values, then the extensions. */
function ordered(
  scheme: string,
  values: Record<string, string | number | undefined>,
  order: readonly string[],
  extensions: AuthParam[],
): string {
  const params: AuthParam[] = [];
  for (const name of order) {
    const v = values[name];
    if (v === undefined) continue;
    params.push({ name, value: String(v), quoted: name !== "version" });
  }
  return formatAuthHeaderValue({ scheme, params: [...params, ...extensions] });
}

const FIRST_CHALLENGE_ORDER = [
  "realm",
  "targetname",
  "version",
  "qop",
  "sts-uri",
  "opaque",
  "gssapi-data",
];
const TOKEN_CHALLENGE_ORDER = [
  "opaque",
  "gssapi-data",
  "targetname",
  "realm",
  "version",
  "qop",
  "sts-uri",
];

/**
 * Writes a challenge in Lync's parameter order (the token order when gssapi-data is present).
 *
 * @example
 * ```ts
 * formatChallenge({ scheme: "NTLM", realm: "SIP Communications Service",
 *   targetname: "server.contoso.com", version: 3, extensions: [] });
 * // 'NTLM realm="SIP Communications Service", targetname="server.contoso.com", version=3'
 * ```
 */
export function formatChallenge(
  c: Omit<SipaeChallenge, "extensions"> & Partial<SipaeChallenge>,
): string {
  const values = {
    realm: c.realm,
    targetname: c.targetname,
    version: c.version,
    opaque: c.opaque,
    "gssapi-data": c.gssapiData,
    qop: c.qop,
    "sts-uri": c.stsUri,
  };
  const order = c.gssapiData === undefined ? FIRST_CHALLENGE_ORDER : TOKEN_CHALLENGE_ORDER;
  return ordered(c.scheme, values, order, c.extensions ?? []);
}

/**
 * Writes credentials in Lync's parameter order.
 *
 * @example
 * ```ts
 * formatCredentials({ scheme: "NTLM", qop: "auth", realm: "r", targetname: "fe", gssapiData: "", version: 4 });
 * // 'NTLM qop="auth", realm="r", targetname="fe", version=4, gssapi-data=""'
 * ```
 */
export function formatCredentials(
  c: Omit<SipaeCredentials, "extensions"> & Partial<SipaeCredentials>,
): string {
  const values = {
    qop: c.qop,
    realm: c.realm,
    opaque: c.opaque,
    targetname: c.targetname,
    version: c.version,
    "gssapi-data": c.gssapiData,
    crand: c.crand,
    cnum: c.cnum,
    response: c.response,
  };
  return ordered(c.scheme, values, CREDENTIAL_PARAMS, c.extensions ?? []);
}

/**
 * Writes authentication info in Lync's parameter order.
 *
 * @example
 * ```ts
 * formatAuthenticationInfo({ scheme: "NTLM", qop: "auth", opaque: "2BDBAC9D", srand: "9616454F",
 *   snum: "1", rspauth: "01000000E615438A917661BE64000000", targetname: "fe", realm: "r", version: 4 });
 * ```
 */
export function formatAuthenticationInfo(
  i: Omit<SipaeAuthenticationInfo, "extensions"> & Partial<SipaeAuthenticationInfo>,
): string {
  const values = {
    qop: i.qop,
    opaque: i.opaque,
    srand: i.srand,
    snum: i.snum,
    rspauth: i.rspauth,
    targetname: i.targetname,
    realm: i.realm,
    version: i.version,
  };
  return ordered(i.scheme, values, INFO_PARAMS, i.extensions ?? []);
}
