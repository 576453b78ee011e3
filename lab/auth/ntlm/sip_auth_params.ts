/**
 * Syntax checks and generation for the signing parameters of MS-SIPAE §2.2 (guide §2.2):
 * `crand`/`srand` = 8HEXDIG salt, `cnum`/`snum` = 1*10DIGIT unsigned 32-bit sequence number
 * starting at 1, `response`/`rspauth` = hex signature.
 *
 * @example
 * ```ts
 * parseSequenceNumber("17"); // 17
 * formatSalt(new Uint8Array([0x13, 0x31, 0x77, 0x33]), "lower"); // "13317733"
 * ```
 *
 * @module
 */
import { toHex } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";

/** Largest cnum/snum: a 32-bit unsigned value (MS-SIP §3.1.5.1 table). */
export const MAX_SEQUENCE_NUMBER = 0xffffffff;

/**
 * Reads a cnum/snum value; throws NtlmAuthError("malformed-auth-param") unless it is 1 to 10
 * decimal digits not above 2^32 − 1.
 *
 * @example
 * ```ts
 * parseSequenceNumber("4294967296"); // throws
 * ```
 */
export function parseSequenceNumber(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_SEQUENCE_NUMBER) {
    throw new NtlmAuthError("malformed-auth-param", `bad sequence number "${text}"`);
  }
  return Number(text);
}

/**
 * Checks a crand/srand value (exactly 8 hex digits); throws
 * NtlmAuthError("malformed-auth-param") otherwise.
 *
 * @example
 * ```ts
 * checkSalt("9616454F"); // ok
 * ```
 */
export function checkSalt(text: string): void {
  if (!/^[0-9a-fA-F]{8}$/.test(text)) {
    throw new NtlmAuthError("malformed-auth-param", `bad salt "${text}"`);
  }
}

/**
 * A salt from 4 random bytes as 8 hex digits; clients write lowercase ("13317733"), OCS writes
 * uppercase ("9616454F").
 *
 * @example
 * ```ts
 * formatSalt(secureRandomBytes(4), "upper");
 * ```
 */
export function formatSalt(bytes: Uint8Array, letterCase: "lower" | "upper"): string {
  const hex = toHex(bytes.subarray(0, 4));
  return letterCase === "upper" ? hex.toUpperCase() : hex;
}
