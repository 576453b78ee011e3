/**
 * Fresh protocol identifiers: tags (RFC 3261 §19.3), Via branches (§8.1.1.7) and initial CSeq
 * numbers (§8.1.1.5).
 *
 * @module
 */

/** RFC 3261 §8.1.1.7: every branch this UA creates starts with the magic cookie. */
export const BRANCH_MAGIC_COOKIE = "z9hG4bK";

/**
 * Entropy from the CSPRNG, drawn a block at a time: one `getRandomValues` call serves many
 * identifiers instead of one call and one typed array per tag or branch.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

/** Two lowercase hex digits for each octet value. */
const HEX_OCTETS: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => b.toString(16).padStart(2, "0"),
);

/**
 * `bytes` random octets from the CSPRNG as lowercase hex (two digits per octet).
 *
 * @example
 * ```ts
 * randomHex(16).length; // 32
 * ```
 */
export function randomHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`randomHex: at most ${pool.length} octets`);
  if (poolAt + bytes > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  let out = "";
  for (let i = 0; i < bytes; i++) out += HEX_OCTETS[pool[poolAt++]];
  return out;
}

/**
 * A new tag (§19.3: at least 32 bits of randomness; this one has 64).
 *
 * @example
 * ```ts
 * newTag(); // "9fa1c2d03b4e5f61"
 * ```
 */
export function newTag(): string {
  return randomHex(8);
}

/**
 * A new Via branch, unique across space and time, with the §8.1.1.7 magic cookie.
 *
 * @example
 * ```ts
 * newBranch().startsWith("z9hG4bK"); // true
 * ```
 */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomHex(10);
}

/**
 * A first CSeq number for a dialog whose local sequence is still empty (§12.2.1.1 refers to
 * §8.1.1.5: arbitrary, but below 2**31).
 *
 * @example
 * ```ts
 * initialCSeq() < 2 ** 31; // true
 * ```
 */
export function initialCSeq(): number {
  // Kept well under 2**31 so a long dialog cannot reach the limit.
  return 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % 0x1000000);
}
