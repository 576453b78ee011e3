/**
 * One shared copy of the short tokens parsed messages repeat over and over: Via protocol,
 * version and transport, host names and addresses, users, methods. Every parse slices a fresh
 * string out of the message text; messages kept for a transaction's lifetime (up to 64*T1)
 * would otherwise each hold their own "127.0.0.1", "UDP", "SIP", "2.0", "INVITE"… With the
 * shared copy kept instead, the fresh slice dies young, which the young-generation collector
 * handles almost for free.
 *
 * The cache is direct-mapped and fixed in size: a string is looked up in one slot chosen from
 * its length and three of its characters (no hashing of the whole string, no Map), and a
 * different string landing there replaces it. A peer sending endless distinct values only
 * churns the slots; nothing grows. Only fields with few distinct values in practice go through
 * it (hosts, users, tokens; never tags, branches or Call-IDs, unique by design).
 *
 * @module
 */

/** Longer strings are never interned (a host name or a token, not a whole header value). */
const MAX_LENGTH = 64;

/**
 * A fixed-size, direct-mapped cache of shared string copies.
 *
 * @example
 * ```ts
 * const cache = new InternCache(256);
 * cache.intern("UDP"); // "UDP", the copy later equal strings are answered with
 * ```
 */
export class InternCache {
  readonly #slots: (string | undefined)[];
  readonly #mask: number;

  /** `slots` is rounded up to a power of two. */
  constructor(slots: number) {
    let size = 1;
    while (size < slots) size *= 2;
    this.#slots = new Array<string | undefined>(size).fill(undefined);
    this.#mask = size - 1;
  }

  /** The shared copy of `text`: an equal string, the one kept in its slot. */
  intern(text: string): string {
    const n = text.length;
    if (n === 0 || n > MAX_LENGTH) return text;
    const slot = (n * 31 + text.charCodeAt(0) * 7 + text.charCodeAt(n >> 1) * 131 +
      text.charCodeAt(n - 1) * 17) & this.#mask;
    const kept = this.#slots[slot];
    if (kept === text) return kept;
    this.#slots[slot] = text;
    return text;
  }
}

const shared = new InternCache(1024);

/**
 * The process-wide shared copy of `text` (see the module documentation).
 *
 * @example
 * ```ts
 * interned(datagramText.slice(start, end)); // e.g. "127.0.0.1", one copy for every message
 * ```
 */
export function interned(text: string): string {
  return shared.intern(text);
}
