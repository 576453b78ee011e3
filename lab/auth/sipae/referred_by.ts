/**
 * Referred-By (RFC 3892) with the MS-SIPAE §2.2.5 extensions:
 *
 * ```
 * Referred-By = ("Referred-By" / "b") HCOLON referrer-uri
 *   *( SEMI (referredby-id-param / ms-identity-param / ms-identity-alg-param /
 *            ms-identity-info-param / ms-identity-cookie-param / ms-referee-uri-param /
 *            generic-param) )
 * ms-identity-param        = "ms-identity" EQUAL quoted-string
 * ms-identity-alg-param    = "ms-identity-alg" EQUAL token
 * ms-identity-info-param   = "ms-identity-info" EQUAL quoted-string
 * ms-identity-cookie-param = "ms-identity-cookie" EQUAL quoted-string
 * ms-referee-uri-param     = "ms-referee-uri" EQUAL DQUOTE SIP-URI DQUOTE
 * ```
 *
 * Only `ms-referee-uri` is used between client and server (MS-SIPAE §3.2.4.4: in a REFER sent
 * mid-dialog after the call was forwarded or retargeted, the client names the actual recipient's
 * AOR). The `ms-identity*` parameters are server-to-server proof of the referrer; a client copies
 * them untouched from the REFER into the request the REFER triggers (RFC 3892 §3).
 *
 * @example
 * ```ts
 * refer.setHeader("Referred-By", withRefereeUri("<sip:alice@contoso.com>", "sip:carol@contoso.com"));
 * copyReferredBy(refer, invite); // in the referee: the triggered INVITE carries it verbatim
 * ```
 *
 * @module
 */
import {
  formatNameAddr,
  isSipUri,
  type Params,
  parseNameAddr,
  parseUri,
  type SipMessage,
} from "../../sip/message/mod.ts";
import { paramValue } from "./endpoint_identifiers.ts";

/** A parsed Referred-By value. */
export interface ReferredBy {
  displayName?: string;
  /** referrer-uri as written. */
  uri: string;
  /** RFC 3892 `cid` (Content-ID of the signed Referred-By token). */
  cid?: string;
  /** MS-SIPAE `ms-referee-uri`, unquoted. */
  refereeUri?: string;
  /** MS-SIPAE `ms-identity`, unquoted. */
  identity?: string;
  identityAlg?: string;
  identityInfo?: string;
  identityCookie?: string;
  /** Every parameter as written (values keep their quotes). */
  params: Params;
}

/**
 * Parses a Referred-By value. Throws the message layer's SipParseError when it is not a
 * name-addr / addr-spec with parameters.
 *
 * @example
 * ```ts
 * parseReferredBy('<sip:alice@contoso.com>;ms-referee-uri="sip:carol@contoso.com"').refereeUri;
 * // "sip:carol@contoso.com"
 * ```
 */
export function parseReferredBy(value: string): ReferredBy {
  const n = parseNameAddr(value);
  return {
    displayName: n.displayName,
    uri: n.uriText,
    cid: paramValue(n.params, "cid"),
    refereeUri: paramValue(n.params, "ms-referee-uri"),
    identity: paramValue(n.params, "ms-identity"),
    identityAlg: paramValue(n.params, "ms-identity-alg"),
    identityInfo: paramValue(n.params, "ms-identity-info"),
    identityCookie: paramValue(n.params, "ms-identity-cookie"),
    params: n.params,
  };
}

/**
 * The Referred-By value with `ms-referee-uri` set to `refereeUri` (MS-SIPAE §3.2.4.4), other
 * parameters unchanged. Throws TypeError unless `refereeUri` is a SIP URI (§2.2.5 syntax).
 *
 * @example
 * ```ts
 * withRefereeUri("<sip:alice@contoso.com>", "sip:carol@contoso.com");
 * // '<sip:alice@contoso.com>;ms-referee-uri="sip:carol@contoso.com"'
 * ```
 */
export function withRefereeUri(value: string, refereeUri: string): string {
  if (!isSipUri(parseUri(refereeUri))) {
    throw new TypeError(`ms-referee-uri must be a SIP URI, not ${refereeUri}`);
  }
  const n = parseNameAddr(value);
  const params: Params = new Map();
  for (const [k, v] of n.params) if (k.toLowerCase() !== "ms-referee-uri") params.set(k, v);
  params.set("ms-referee-uri", `"${refereeUri}"`);
  return formatNameAddr({ ...n, params });
}

/**
 * Copies every Referred-By field of a REFER, byte for byte, into the request it triggered
 * (RFC 3892 §3; the ms-identity parameters must reach the refer target's server intact).
 * Returns how many were copied.
 *
 * @example
 * ```ts
 * copyReferredBy(refer, invite); // 1
 * ```
 */
export function copyReferredBy(refer: SipMessage, triggered: SipMessage): number {
  const values = refer.headerValues("Referred-By");
  triggered.removeHeader("Referred-By");
  for (const v of values) triggered.addHeader("Referred-By", v);
  return values.length;
}
