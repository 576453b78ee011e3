/**
 * AV_PAIR sequences (MS-NLMP §2.2.2.1): the TargetInfo of a CHALLENGE_MESSAGE and the AvPairs of
 * an NTLMv2_CLIENT_CHALLENGE. Each pair is AvId (LE16), AvLen (LE16), Value; the sequence ends
 * with MsvAvEOL (AvLen 0); pairs are not aligned or padded.
 *
 * @example
 * ```ts
 * const info = encodeAvPairs([textAvPair(AvId.NB_DOMAIN_NAME, "Domain")]);
 * findAvPair(parseAvPairs(info), AvId.NB_DOMAIN_NAME); // UTF-16LE "Domain"
 * ```
 *
 * @module
 */
import { concatBytes, readLe16, utf16le, writeLe16 } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";

/** AvId values (MS-NLMP §2.2.2.1). */
export const AvId = {
  EOL: 0x0000,
  NB_COMPUTER_NAME: 0x0001,
  NB_DOMAIN_NAME: 0x0002,
  DNS_COMPUTER_NAME: 0x0003,
  DNS_DOMAIN_NAME: 0x0004,
  DNS_TREE_NAME: 0x0005,
  FLAGS: 0x0006,
  TIMESTAMP: 0x0007,
  SINGLE_HOST: 0x0008,
  TARGET_NAME: 0x0009,
  CHANNEL_BINDINGS: 0x000a,
} as const;

/** Bits of the MsvAvFlags value (MS-NLMP §2.2.2.1). */
export const AvFlag = {
  /** The account authentication is constrained. */
  CONSTRAINED: 0x00000001,
  /** The client provides a MIC in the AUTHENTICATE_MESSAGE. */
  MIC_PRESENT: 0x00000002,
  /** The target SPN came from an untrusted source. */
  UNVERIFIED_TARGET: 0x00000004,
} as const;

/** One attribute/value pair; MsvAvEOL is implicit (never stored in a list). */
export interface AvPair {
  id: number;
  value: Uint8Array;
}

/**
 * Parses an AV_PAIR sequence up to MsvAvEOL (bytes after EOL are ignored, e.g. the trailing
 * Z(4) of the NTLMv2 `temp`). Throws NtlmAuthError("malformed-token") when a pair overruns the
 * buffer, EOL is missing, or EOL has a non-zero length.
 *
 * @example
 * ```ts
 * parseAvPairs(fromHex("0100020041000000 0000")); // throws: the first pair overruns
 * ```
 */
export function parseAvPairs(bytes: Uint8Array): AvPair[] {
  const pairs: AvPair[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const id = readLe16(bytes, at);
    const length = readLe16(bytes, at + 2);
    if (id === AvId.EOL) {
      if (length !== 0) throw new NtlmAuthError("malformed-token", "MsvAvEOL with a length");
      return pairs;
    }
    if (at + 4 + length > bytes.length) {
      throw new NtlmAuthError("malformed-token", `AV_PAIR ${id} overruns the buffer`);
    }
    pairs.push({ id, value: bytes.slice(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  throw new NtlmAuthError("malformed-token", "AV_PAIR list without MsvAvEOL");
}

/**
 * Encodes pairs in the given order followed by MsvAvEOL.
 *
 * @example
 * ```ts
 * toHex(encodeAvPairs([])); // "00000000"
 * ```
 */
export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { id, value } of pairs) {
    const head = new Uint8Array(4);
    writeLe16(head, 0, id);
    writeLe16(head, 2, value.length);
    parts.push(head, value);
  }
  parts.push(new Uint8Array(4)); // MsvAvEOL, AvLen 0
  return concatBytes(...parts);
}

/**
 * The value of the first pair with `id`, or undefined.
 *
 * @example
 * ```ts
 * findAvPair(pairs, AvId.TIMESTAMP); // 8-byte FILETIME when the server sent one
 * ```
 */
export function findAvPair(pairs: readonly AvPair[], id: number): Uint8Array | undefined {
  return pairs.find((p) => p.id === id)?.value;
}

/**
 * A pair whose value is text; AV_PAIR text is always Unicode (MS-NLMP §2.2.1.2 note).
 *
 * @example
 * ```ts
 * textAvPair(AvId.DNS_COMPUTER_NAME, "ocs.contoso.com");
 * ```
 */
export function textAvPair(id: number, text: string): AvPair {
  return { id, value: utf16le(text) };
}
