/**
 * The generic authentication header syntax shared by every scheme: a scheme name followed by a
 * comma-separated list of `name=value` parameters, values being tokens or quoted-strings
 * (RFC 3261 §25.1 `challenge` / `credentials` / `auth-param`; RFC 7235 §2.1). Several challenges
 * may share one field value (RFC 7235 §4.1, also produced when proxies fold header fields), so
 * the reader splits them; `token68` values (Basic, Negotiate) are kept as they are.
 *
 * Tolerated on input: any parameter order, whitespace around `=` and `,` (BWS), empty list
 * elements, commas and escaped quotes inside quoted-strings, parameter names in any case.
 *
 * @example
 * ```ts
 * const [digest, basic] = parseAuthValues('Digest realm="a, b", nonce=x, Basic realm="c"');
 * paramValue(digest, "REALM"); // "a, b"
 * basic.scheme; // "Basic"
 * ```
 *
 * @module
 */
import { DigestSyntaxError } from "./errors.ts";

/** One `name=value` parameter; `value` has quoted-pairs resolved, `quoted` says how it came. */
export interface AuthParam {
  name: string;
  value: string;
  quoted: boolean;
}

/** One challenge or credentials value: the scheme and its parameters or token68. */
export interface AuthValue {
  scheme: string;
  params: AuthParam[];
  token68?: string;
}

// RFC 7230 §3.2.6 tchar (the RFC 3261 §25.1 token set is the same minus nothing we need here).
const TCHAR = /[A-Za-z0-9!#$%&'*+\-.^_`|~]/;
// RFC 7235 §2.1 token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i] ?? "";
  }

  skipWs(): void {
    while (this.peek() === " " || this.peek() === "\t") this.i++;
  }

  token(): string {
    const start = this.i;
    while (!this.done && TCHAR.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  /** A quoted-string at the cursor (§25.1), content returned with quoted-pairs resolved. */
  quoted(): string {
    let out = "";
    this.i++; // opening DQUOTE
    while (!this.done) {
      const c = this.s[this.i++];
      if (c === '"') return out;
      if (c === "\\") {
        if (this.done) break;
        out += this.s[this.i++];
      } else {
        out += c;
      }
    }
    throw new DigestSyntaxError("malformed", "unterminated quoted-string");
  }

  fail(what: string): never {
    throw new DigestSyntaxError("malformed", `${what} at offset ${this.i} of "${this.s}"`);
  }
}

/** Skips list separators and empty elements (RFC 7230 §7: `,` with optional whitespace). */
function skipSeparators(r: Reader): boolean {
  let sawComma = false;
  for (;;) {
    r.skipWs();
    if (r.peek() !== ",") return sawComma;
    r.i++;
    sawComma = true;
  }
}

/**
 * Whether the text at the cursor is `token BWS "=" BWS value` (a parameter) rather than a new
 * scheme or a token68 ending in "=" padding.
 */
function startsParam(r: Reader): boolean {
  const save = r.i;
  const name = r.token();
  r.skipWs();
  let isParam = false;
  if (name.length > 0 && r.peek() === "=") {
    r.i++;
    r.skipWs();
    isParam = r.peek() === '"' || (r.peek() !== "" && TCHAR.test(r.peek()));
  }
  r.i = save;
  return isParam;
}

function readParam(r: Reader): AuthParam {
  const name = r.token();
  r.skipWs();
  if (name.length === 0 || r.peek() !== "=") r.fail("expected auth-param");
  r.i++;
  r.skipWs();
  if (r.peek() === '"') return { name, value: r.quoted(), quoted: true };
  const value = r.token();
  if (value.length === 0) r.fail(`empty value for "${name}"`);
  return { name, value, quoted: false };
}

/** After a scheme: token68 when the value is one (no `=` introducing a parameter value). */
function readToken68(r: Reader): string | undefined {
  const save = r.i;
  while (!r.done && TOKEN68_CHAR.test(r.peek())) r.i++;
  if (r.i === save) return undefined;
  while (r.peek() === "=") r.i++;
  const end = r.i;
  r.skipWs();
  if (r.done || r.peek() === ",") return r.s.slice(save, end);
  r.i = save;
  return undefined;
}

/**
 * Splits a WWW-Authenticate / Proxy-Authenticate / Authorization / Proxy-Authorization field
 * value into its challenges or credentials. Throws DigestSyntaxError("malformed") on input
 * that is not of that shape, and ("duplicate-parameter") when one value repeats a name.
 *
 * @example
 * ```ts
 * parseAuthValues('Digest realm="x", qop="auth,auth-int", nonce="n"')[0].params.length; // 3
 * ```
 */
export function parseAuthValues(text: string): AuthValue[] {
  const r = new Reader(text);
  const values: AuthValue[] = [];
  skipSeparators(r);
  while (!r.done) {
    const scheme = r.token();
    if (scheme.length === 0) r.fail("expected auth-scheme");
    const value: AuthValue = { scheme, params: [] };
    values.push(value);
    const afterScheme = r.i;
    r.skipWs();
    if (!r.done && r.peek() !== ",") {
      if (r.i === afterScheme) r.fail("expected whitespace after the scheme");
      if (startsParam(r)) {
        value.params.push(readParam(r));
      } else {
        value.token68 = readToken68(r) ?? r.fail("expected auth-param or token68");
      }
    }
    // Further parameters of this value follow commas; a token not followed by "=" starts the
    // next challenge (RFC 7235 §4.1 allows several in one field value).
    for (;;) {
      const save = r.i;
      const sawComma = skipSeparators(r);
      if (r.done) break;
      if (!sawComma) r.fail("expected comma");
      if (value.token68 !== undefined || !startsParam(r)) {
        r.i = save;
        skipSeparators(r);
        break;
      }
      value.params.push(readParam(r));
    }
    const seen = new Set<string>();
    for (const p of value.params) {
      const key = p.name.toLowerCase();
      if (seen.has(key)) {
        throw new DigestSyntaxError("duplicate-parameter", `parameter "${p.name}" given twice`);
      }
      seen.add(key);
    }
  }
  return values;
}

/**
 * The value of parameter `name` (case-insensitive, RFC 7235 §2.1), or undefined.
 *
 * @example
 * ```ts
 * paramValue(parseAuthValues("Digest Nonce=abc")[0], "nonce"); // "abc"
 * ```
 */
export function paramValue(value: AuthValue, name: string): string | undefined {
  const lower = name.toLowerCase();
  return value.params.find((p) => p.name.toLowerCase() === lower)?.value;
}

/**
 * Writes `text` as a quoted-string, escaping `"` and `\` (RFC 3261 §25.1 quoted-pair).
 *
 * @example
 * ```ts
 * quoteAuthValue('a"b'); // "\"a\\\"b\""
 * ```
 */
export function quoteAuthValue(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => "\\" + c)}"`;
}

/**
 * Writes `scheme name=value, ...`; quoted params are quoted, others written as tokens.
 *
 * @example
 * ```ts
 * formatAuthValue("Digest", [{ name: "realm", value: "r", quoted: true },
 *   { name: "algorithm", value: "MD5", quoted: false }]); // 'Digest realm="r", algorithm=MD5'
 * ```
 */
export function formatAuthValue(scheme: string, params: readonly AuthParam[]): string {
  const list = params.map((p) => `${p.name}=${p.quoted ? quoteAuthValue(p.value) : p.value}`);
  return `${scheme} ${list.join(", ")}`;
}
