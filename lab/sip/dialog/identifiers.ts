/**
 * Fresh protocol identifiers: tags (RFC 3261 §19.3), Via branches (§8.1.1.7) and initial CSeq
 * numbers (§8.1.1.5).
 *
 * @module
 */

/** RFC 3261 §8.1.1.7: every branch this UA creates starts with the magic cookie. */
export const BRANCH_MAGIC_COOKIE = "z9hG4bK";

function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of buf) out += b.toString(16).padStart(2, "0");
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
