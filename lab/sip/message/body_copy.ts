/**
 * Copying message bodies out of receive buffers cheaply. Allocating a fresh ArrayBuffer per
 * body costs far more than the copy itself, so small bodies are carved from shared slabs (the
 * way Node pools small Buffers): each body is its own view, but several share one ArrayBuffer.
 * Code that reads `body.buffer` directly must honour `byteOffset` / `byteLength`.
 *
 * @module
 */

const SLAB_SIZE = 16 * 1024;
/** Bodies above this get their own buffer, so one long-lived message never pins a slab alone. */
const POOLED_MAX = 4 * 1024;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

/**
 * A copy of `src[start, end)` that no longer depends on `src` (the caller may reuse it).
 *
 * @example
 * ```ts
 * const body = copyBody(datagram, headerEnd, datagram.length);
 * ```
 */
export function copyBody(src: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n > POOLED_MAX) return src.slice(start, end);
  if (used + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  out.set(src.subarray(start, end));
  used += (n + 7) & ~7; // keep views 8-byte aligned
  return out;
}
