/**
 * Big-endian reading and writing of the TLS presentation language (RFC 2246 §4): fixed
 * integers of 1, 2 and 3 octets and variable-length vectors with a 1-, 2- or 3-octet length
 * prefix. A read past the end throws `TlsHandshakeError("malformed-token", "decode_error")`.
 *
 * @example
 * ```ts
 * const r = new TlsReader(bytes);
 * const version = r.u16();
 * const sessionId = r.vector(1);
 * ```
 *
 * @module
 */
import { concatBytes } from "../crypto/bytes.ts";
import { TlsHandshakeError } from "./errors.ts";

/**
 * A cursor over received bytes.
 *
 * @example
 * ```ts
 * new TlsReader(new Uint8Array([3, 1])).u16(); // 0x0301
 * ```
 */
export class TlsReader {
  #at = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** Octets not read yet. */
  get remaining(): number {
    return this.bytes.length - this.#at;
  }

  /** Reads `n` octets. */
  take(n: number): Uint8Array {
    if (n > this.remaining) {
      throw new TlsHandshakeError("malformed-token", "decode_error", "message truncated");
    }
    const out = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0];
  }

  u16(): number {
    const b = this.take(2);
    return (b[0] << 8) | b[1];
  }

  u24(): number {
    const b = this.take(3);
    return (b[0] << 16) | (b[1] << 8) | b[2];
  }

  /** A vector whose length prefix has `lengthOctets` octets. */
  vector(lengthOctets: 1 | 2 | 3): Uint8Array {
    const n = lengthOctets === 1 ? this.u8() : lengthOctets === 2 ? this.u16() : this.u24();
    return this.take(n);
  }

  /** Throws unless every octet was read (no trailing garbage in a message). */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new TlsHandshakeError("malformed-token", "decode_error", `trailing octets in ${what}`);
    }
  }
}

/**
 * An unsigned integer of `octets` octets, big-endian.
 *
 * @example
 * ```ts
 * uint(0x0301, 2); // [3, 1]
 * ```
 */
export function uint(value: number, octets: 1 | 2 | 3): Uint8Array {
  const out = new Uint8Array(octets);
  for (let i = octets - 1; i >= 0; i--) {
    out[i] = value & 0xff;
    value >>>= 8;
  }
  return out;
}

/**
 * A vector: length prefix of `lengthOctets` octets, then the concatenated parts.
 *
 * @example
 * ```ts
 * vector(1, new Uint8Array([0])); // compression_methods = [null]
 * ```
 */
export function vector(lengthOctets: 1 | 2 | 3, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(...parts);
  return concatBytes(uint(body.length, lengthOctets), body);
}
