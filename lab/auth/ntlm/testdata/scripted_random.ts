/**
 * A RandomBytes source that hands out fixed values in order, so a test can place the capture's
 * nonces and keys where the code draws random bytes.
 *
 * @module
 */
import { fromHex } from "../../crypto/bytes.ts";
import type { RandomBytes } from "../../crypto/random.ts";

/** Returns each hex value in turn; throws when a length does not match or the script ran out. */
export function scriptedRandom(...values: string[]): RandomBytes {
  const queue = values.map((v) => fromHex(v));
  return (length) => {
    const next = queue.shift();
    if (!next) throw new Error(`scripted random exhausted (wanted ${length} bytes)`);
    if (next.length !== length) {
      throw new Error(`scripted random: next value has ${next.length} bytes, wanted ${length}`);
    }
    return next;
  };
}
