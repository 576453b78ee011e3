/**
 * The generic shape of every MS-SIPAE authentication header value (MS-SIPAE §2.2; RFC 3261
 * §25.1 `challenge` / `credentials` / `other-response`): an auth scheme, whitespace, then
 * comma-separated `name=value` parameters.
 *
 * Reading is tolerant, as MS-SIP §3.1.5.1 asks ("parameter names are case-insensitive … the
 * order of parameters in a header is not significant") and as the published examples need:
 * whitespace around `=` and `,` (`gssapi-data ="…"`), quoted or bare values (`snum=1`,
 * `srand=98984345`), bare values with inner spaces (`realm=Contoso RTC Service Provider` in
 * MS-SIP §4.1), empty list elements. Quoted values are taken literally up to the next DQUOTE:
 * "parameter values are never escaped" (MS-SIP §3.1.5.1), so there is no quoted-pair.
 *
 * Writing produces the compact Microsoft form `Scheme name="value", name=value`, each parameter
 * exactly as given.
 *
 * @example
 * ```ts
 * const v = parseAuthHeaderValue('NTLM realm="SIP Communications Service", version=3');
 * v.scheme; // "NTLM"
 * formatAuthHeaderValue(v); // the same text
 * ```
 *
 * @module
 */
import { SipaeHeaderError } from "./errors.ts";

/** One parameter as written: name spelling, value without quotes, and whether it was quoted. */
export interface AuthParam {
  name: string;
  value: string;
  quoted: boolean;
}

/** A parsed authentication header value. */
export interface AuthHeaderValue {
  /** The auth-scheme token as written (compare case-insensitively). */
  scheme: string;
  /** Parameters in the order written. */
  params: AuthParam[];
}

/** RFC 3261 §25.1 token characters. */
const TOKEN_CHAR = /[A-Za-z0-9\-.!%*_+`'~]/;

function isWs(ch: string): boolean {
  return ch === " " || ch === "\t";
}

/**
 * Parses `scheme [LWS param *(COMMA param)]`. Throws {@link SipaeHeaderError} for a missing
 * scheme, a parameter without `=` or name, an unterminated quoted value, or a parameter that
 * appears twice (two `response` values would make the signature ambiguous).
 *
 * @example
 * ```ts
 * parseAuthHeaderValue("Kerberos srand=98984345, snum=1").params[1];
 * // { name: "snum", value: "1", quoted: false }
 * ```
 */
export function parseAuthHeaderValue(text: string): AuthHeaderValue {
  let i = 0;
  const n = text.length;
  const skipWs = () => {
    while (i < n && isWs(text[i])) i++;
  };
  skipWs();
  const schemeStart = i;
  while (i < n && TOKEN_CHAR.test(text[i])) i++;
  const scheme = text.slice(schemeStart, i);
  if (scheme.length === 0) throw new SipaeHeaderError("missing auth scheme");
  if (i < n && !isWs(text[i])) {
    throw new SipaeHeaderError(`auth scheme "${scheme}" is not followed by whitespace`);
  }

  const params: AuthParam[] = [];
  const seen = new Set<string>();
  for (;;) {
    skipWs();
    while (i < n && text[i] === ",") {
      i++;
      skipWs();
    }
    if (i >= n) break;
    const nameStart = i;
    while (i < n && TOKEN_CHAR.test(text[i])) i++;
    const name = text.slice(nameStart, i);
    if (name.length === 0) throw new SipaeHeaderError(`unexpected "${text[i]}" in parameters`);
    skipWs();
    if (text[i] !== "=") throw new SipaeHeaderError(`parameter "${name}" has no value`);
    i++;
    skipWs();
    let value: string;
    let quoted = false;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new SipaeHeaderError(`unterminated quoted value of "${name}"`);
      value = text.slice(i + 1, close);
      quoted = true;
      i = close + 1;
      skipWs();
      if (i < n && text[i] !== ",") {
        throw new SipaeHeaderError(`unexpected text after the value of "${name}"`);
      }
    } else {
      const comma = text.indexOf(",", i);
      const end = comma < 0 ? n : comma;
      value = text.slice(i, end).trimEnd();
      i = end;
    }
    const key = name.toLowerCase();
    if (seen.has(key)) throw new SipaeHeaderError(`parameter "${name}" appears twice`);
    seen.add(key);
    params.push({ name, value, quoted });
  }
  return { scheme, params };
}

/**
 * Writes `scheme name="value", name=value` with the parameters in the given order.
 *
 * @example
 * ```ts
 * formatAuthHeaderValue({ scheme: "NTLM", params: [{ name: "version", value: "4", quoted: false }] });
 * // "NTLM version=4"
 * ```
 */
export function formatAuthHeaderValue(value: AuthHeaderValue): string {
  const params = value.params.map((p) =>
    p.quoted ? `${p.name}="${p.value}"` : `${p.name}=${p.value}`
  );
  return params.length === 0 ? value.scheme : `${value.scheme} ${params.join(", ")}`;
}

/**
 * The value of parameter `name` (case-insensitive), or undefined.
 *
 * @example
 * ```ts
 * authParam(parseAuthHeaderValue('NTLM Realm="x"'), "realm"); // "x"
 * ```
 */
export function authParam(value: AuthHeaderValue, name: string): string | undefined {
  const key = name.toLowerCase();
  return value.params.find((p) => p.name.toLowerCase() === key)?.value;
}
