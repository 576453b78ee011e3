/**
 * The shared empty Map of parse results (URI parameters and headers, header parameters) that
 * hold nothing. Most URIs and many name-addrs carry no parameter at all, and a Map costs about
 * 200 bytes of heap; sharing one empty Map takes several allocations off every parsed message
 * and off every message kept for a transaction's lifetime (up to 64*T1).
 *
 * The shared Map is read-only: `set`, `delete` and `clear` throw a TypeError, so code that
 * would change a parse result in place fails loudly instead of changing every other result.
 * Copy it (`new Map(params)`) to build a changed one. It is still a plain `Map` (same prototype,
 * no enumerable own property), so it iterates, spreads and compares like `new Map()`.
 *
 * @module
 */

const EMPTY = new Map<never, never>();

function readOnly(): never {
  throw new TypeError("a parsed empty parameter Map is shared and read-only: copy it to change it");
}

Object.defineProperties(EMPTY, {
  set: { value: readOnly },
  delete: { value: readOnly },
  clear: { value: readOnly },
});
Object.freeze(EMPTY);

/**
 * The shared, read-only empty Map, typed for the caller.
 *
 * @example
 * ```ts
 * const headers: Map<string, string> = emptyMap();
 * headers.size; // 0
 * ```
 */
export function emptyMap<K, V>(): Map<K, V> {
  return EMPTY as unknown as Map<K, V>;
}
