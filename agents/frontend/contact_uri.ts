/**
 * SIP URI equivalence (RFC 3261 §19.1.4), the rule a registrar uses to tell whether a Contact
 * in a REGISTER names a binding it already holds (§10.3 step 7: "using the URI comparison
 * rules defined in Section 19.1.4").
 *
 * @module
 */
import type { SipUri } from "../../lab/sip/message/mod.ts";
import { canonicalHost } from "../../lab/sip/transport/mod.ts";

/**
 * §19.1.4: these URI parameters make two URIs differ when either URI has them and the other
 * does not or has another value.
 */
const PARAMS_THAT_MUST_MATCH = ["user", "ttl", "method", "maddr", "transport"];

/**
 * True when `a` and `b` are equivalent SIP URIs under RFC 3261 §19.1.4: same scheme; user and
 * password compared case-sensitively; host case-insensitively; port compared as written (an
 * absent port does not equal 5060); `user`, `ttl`, `method`, `maddr` and `transport` equal when
 * either URI has them; other parameters equal when both have them (names and values compared
 * case-insensitively); the same headers.
 *
 * @example
 * ```ts
 * sameContactUri(parseUri("sip:carol@CHICAGO.com") as SipUri,
 *   parseUri("sip:carol@chicago.com;security=on") as SipUri); // true
 * sameContactUri(parseUri("sip:carol@chicago.com") as SipUri,
 *   parseUri("sip:carol@chicago.com:5060") as SipUri); // false
 * ```
 */
export function sameContactUri(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme || a.user !== b.user || a.password !== b.password) return false;
  if (a.port !== b.port || canonicalHost(a.host) !== canonicalHost(b.host)) return false;
  const aParams = lowerParams(a);
  const bParams = lowerParams(b);
  for (const name of PARAMS_THAT_MUST_MATCH) {
    if (aParams.get(name) !== bParams.get(name)) return false;
  }
  for (const [name, value] of aParams) {
    if (bParams.has(name) && bParams.get(name) !== value) return false;
  }
  // §19.1.4: "URI header components are never ignored" — same set, values case-sensitive
  // (header names compared case-insensitively).
  if (a.headers.size !== b.headers.size) return false;
  const bHeaders = new Map([...b.headers].map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, value] of a.headers) {
    if (bHeaders.get(name.toLowerCase()) !== value) return false;
  }
  return true;
}

/** Parameter names and values lowercased; a parameter without value maps to "". */
function lowerParams(uri: SipUri): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of uri.params) out.set(name.toLowerCase(), (value ?? "").toLowerCase());
  return out;
}
