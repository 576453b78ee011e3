/**
 * Bit-level reading and writing for MPPC (RFC 2118 §4): codes are written most significant bit
 * first, packed into octets from their high bit down, and the last octet of a packet is padded
 * with zero bits.
 *
 * @module
 */

/**
 * Appends bit fields MSB-first into a fixed-capacity buffer.
 *
 * @example
 * ```ts
 * const w = new BitWriter(16);
 * w.write(0b1111, 4); // copy-offset prefix for offsets < 64
 * w.write(3, 6);
 * w.finish(); // Uint8Array [0xf0, 0xc0]
 * ```
 */
export class BitWriter {
  readonly #out: Uint8Array;
  #length = 0;
  /** Pending bits not yet forming a whole octet: the low `#bits` bits of `#acc`. */
  #acc = 0;
  #bits = 0;

  /** `capacity` octets; writing past it throws a RangeError. */
  constructor(capacity: number) {
    this.#out = new Uint8Array(capacity);
  }

  /** Octets the output occupies so far, a partly filled last octet included. */
  get byteLength(): number {
    return this.#length + (this.#bits > 0 ? 1 : 0);
  }

  /** Starts a new output, dropping what was written. */
  reset(): void {
    this.#length = 0;
    this.#acc = 0;
    this.#bits = 0;
  }

  /** Writes the low `count` bits of `value` (1 ≤ count ≤ 24), most significant first. */
  write(value: number, count: number): void {
    // At most 7 pending bits + 24 new ones: the accumulator stays within 31 bits.
    this.#acc = (this.#acc << count) | (value & ((1 << count) - 1));
    this.#bits += count;
    while (this.#bits >= 8) {
      this.#bits -= 8;
      if (this.#length >= this.#out.length) throw new RangeError("BitWriter capacity exceeded");
      this.#out[this.#length++] = (this.#acc >>> this.#bits) & 0xff;
    }
    this.#acc &= (1 << this.#bits) - 1;
  }

  /** The output, the last octet padded with zero bits (RFC 2118 §4), as a new array. */
  finish(): Uint8Array {
    const out = this.#out.slice(0, this.byteLength);
    if (this.#bits > 0) out[this.#length] = (this.#acc << (8 - this.#bits)) & 0xff;
    return out;
  }
}

/** The input ended in the middle of a code. */
export class BitsExhaustedError extends Error {
  override name = "BitsExhaustedError";
}

/**
 * Reads bit fields MSB-first from a byte array.
 *
 * @example
 * ```ts
 * const r = new BitReader(new Uint8Array([0xf0, 0xc0]));
 * r.read(4); // 0b1111
 * r.read(6); // 3
 * r.remaining; // 6 (padding)
 * ```
 */
export class BitReader {
  readonly #bytes: Uint8Array;
  #next = 0;
  #acc = 0;
  #bits = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Bits not read yet. */
  get remaining(): number {
    return (this.#bytes.length - this.#next) * 8 + this.#bits;
  }

  /** Reads `count` bits (1 ≤ count ≤ 24); throws BitsExhaustedError past the end. */
  read(count: number): number {
    while (this.#bits < count) {
      if (this.#next >= this.#bytes.length) {
        throw new BitsExhaustedError(`needed ${count} bits, ${this.#bits} left`);
      }
      this.#acc = (this.#acc << 8) | this.#bytes[this.#next++];
      this.#bits += 8;
    }
    this.#bits -= count;
    const value = (this.#acc >>> this.#bits) & ((1 << count) - 1);
    this.#acc &= (1 << this.#bits) - 1;
    return value;
  }

  /** Reads one bit. */
  bit(): number {
    return this.read(1);
  }
}
