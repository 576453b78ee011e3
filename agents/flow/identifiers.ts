/**
 * The random identifiers a flow puts in its messages: Call-IDs (RFC 3261 §8.1.1.4, globally
 * unique), tags (§19.3, at least 32 bits of randomness) and Via branches (§8.1.1.7, starting
 * with the magic cookie `z9hG4bK`).
 *
 * @module
 */

/** RFC 3261 §8.1.1.7: every branch of an RFC 3261 client starts with this cookie. */
export const BRANCH_MAGIC_COOKIE = "z9hG4bK";

const HEX = "0123456789abcdef";

/** `bytes` random octets as lowercase hex (crypto quality: ids must not collide across runs). */
function randomHex(bytes: number): string {
  const octets = crypto.getRandomValues(new Uint8Array(bytes));
  let text = "";
  for (const octet of octets) text += HEX[octet >> 4] + HEX[octet & 15];
  return text;
}

/**
 * A fresh Via branch (RFC 3261 §8.1.1.7): the magic cookie, then 64 random bits.
 *
 * @example
 * ```ts
 * newBranch(); // "z9hG4bK3f9a0c27d15e88b4"
 * ```
 */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomHex(8);
}

/**
 * A fresh tag (RFC 3261 §19.3: at least 32 bits of randomness; here 64).
 *
 * @example
 * ```ts
 * newTag(); // "9c0e41d2a7b35f60"
 * ```
 */
export function newTag(): string {
  return randomHex(8);
}

/**
 * A Call-ID for call `callNumber` (RFC 3261 §8.1.1.4: random part, then `@` and the host).
 *
 * @example
 * ```ts
 * newCallId(7, "127.0.0.1"); // "5d0b…e1-7@127.0.0.1"
 * ```
 */
export function newCallId(callNumber: number, host: string): string {
  return `${randomHex(10)}-${callNumber}@${host}`;
}
