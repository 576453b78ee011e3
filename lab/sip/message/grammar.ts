/**
 * Character classes and a small scanning cursor for the RFC 3261 §25.1 grammar. Tables are
 * indexed by char code (ASCII only; non-ASCII is handled by the callers that allow UTF8-NONASCII).
 *
 * @module
 */

/** Bit flags of {@link CHAR_CLASS}. */
export const TOKEN = 1; // §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
export const UNRESERVED = 2; // §25.1 unreserved = alphanum / mark
export const USER_UNRESERVED = 4; // §25.1 user-unreserved: "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
export const PASSWORD_EXTRA = 8; // §25.1 password: "&" / "=" / "+" / "$" / ","
export const PARAM_UNRESERVED = 16; // §25.1 param-unreserved: "[" / "]" / "/" / ":" / "&" / "+" / "$"
export const HNV_UNRESERVED = 32; // §25.1 hnv-unreserved: "[" / "]" / "/" / "?" / ":" / "+" / "$"
export const WORD = 64; // §25.1 word (Call-ID): token chars plus ( ) < > : \ DQUOTE / [ ] ? { }
export const HOST = 128; // hostname / IPv4address characters: alphanum "-" "."

/** Class flags for each ASCII char code. */
export const CHAR_CLASS: Uint8Array = buildTable();

function buildTable(): Uint8Array {
  const t = new Uint8Array(128);
  const mark = (chars: string, flag: number) => {
    for (const ch of chars) t[ch.charCodeAt(0)] |= flag;
  };
  const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  mark(alnum + "-.!%*_+`'~", TOKEN);
  mark(alnum + "-_.!~*'()", UNRESERVED);
  mark("&=+$,;?/", USER_UNRESERVED);
  mark("&=+$,", PASSWORD_EXTRA);
  mark("[]/:&+$", PARAM_UNRESERVED);
  mark("[]/?:+$", HNV_UNRESERVED);
  mark(alnum + "-.!%*_+`'~()<>:\\\"/[]?{}", WORD);
  mark(alnum + "-.", HOST);
  return t;
}

/**
 * True when the whole string is a non-empty §25.1 token.
 *
 * @example
 * ```ts
 * isToken("INVITE"); // true
 * isToken("IN VITE"); // false
 * ```
 */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CHAR_CLASS[c] & TOKEN) === 0) return false;
  }
  return true;
}

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const SEMI = 0x3b;
export const COLON = 0x3a;
export const EQUAL = 0x3d;
export const SLASH = 0x2f;
export const LAQUOT = 0x3c;
export const RAQUOT = 0x3e;
export const LBRACKET = 0x5b;

/**
 * A position in a header value being scanned. Methods advance `i`; they return "" (or false)
 * instead of throwing so each caller can name the fault in its own error.
 *
 * @example
 * ```ts
 * const c = new Cursor("  INVITE ");
 * c.skipWs();
 * c.token(); // "INVITE"
 * ```
 */
export class Cursor {
  constructor(public readonly s: string, public i = 0) {}

  /** True at the end of the text. */
  get done(): boolean {
    return this.i >= this.s.length;
  }

  /** The char code at the cursor, NaN at the end. */
  peek(): number {
    return this.s.charCodeAt(this.i);
  }

  /** Skips SP / HTAB (values reach here already unfolded, so LWS is plain whitespace). */
  skipWs(): void {
    const s = this.s;
    let i = this.i;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c !== SP && c !== HTAB) break;
      i++;
    }
    this.i = i;
  }

  /** §25.1 separators with optional whitespace around them (SEMI, COMMA, SLASH, EQUAL, COLON). */
  eat(code: number): boolean {
    this.skipWs();
    if (this.s.charCodeAt(this.i) !== code) return false;
    this.i++;
    this.skipWs();
    return true;
  }

  /** Reads 1*token characters; "" when none. */
  token(): string {
    return this.run(TOKEN);
  }

  /** Reads the longest run of ASCII characters of class `flag`. */
  run(flag: number): string {
    const s = this.s;
    const start = this.i;
    let i = start;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c >= 128 || (CHAR_CLASS[c] & flag) === 0) break;
      i++;
    }
    this.i = i;
    return s.slice(start, i);
  }

  /**
   * Reads a quoted-string starting at the cursor (§25.1: qdtext / quoted-pair) and returns its
   * content with quoted-pairs resolved; returns undefined when it is unterminated or invalid.
   */
  quoted(): string | undefined {
    const end = quotedEnd(this.s, this.i);
    if (end < 0) return undefined;
    const raw = this.s.slice(this.i + 1, end - 1);
    this.i = end;
    return raw.indexOf("\\") < 0 ? raw : unescapeQuotedPairs(raw);
  }

  /** Reads a quoted-string and returns it as written, quotes included ("" when invalid). */
  quotedRaw(): string {
    const end = quotedEnd(this.s, this.i);
    if (end < 0) return "";
    const raw = this.s.slice(this.i, end);
    this.i = end;
    return raw;
  }
}

/**
 * Given `s[start] === '"'`, the index just past the closing quote, or -1 when the string is
 * unterminated or holds a character §25.1 forbids (CR, LF, other controls outside quoted-pair).
 */
function quotedEnd(s: string, start: number): number {
  if (s.charCodeAt(start) !== DQUOTE) return -1;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) return i + 1;
    if (c === BACKSLASH) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      const n = s.charCodeAt(i + 1);
      if (Number.isNaN(n) || n === CR || n === LF || n > 0x7f) return -1;
      i++;
      continue;
    }
    // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
    if (c < 0x20 && c !== HTAB) return -1;
    if (c === 0x7f) return -1;
  }
  return -1;
}

function unescapeQuotedPairs(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\" && i + 1 < raw.length) {
      out += raw[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Writes `text` as a quoted-string, escaping `"` and `\` with quoted-pairs (§25.1).
 *
 * @example
 * ```ts
 * quoteString('say "hi"'); // "\"say \\\"hi\\\"\""
 * ```
 */
export function quoteString(text: string): string {
  return `"${text.replace(/["\\]/g, (ch) => "\\" + ch)}"`;
}
