/**
 * RC4 stream cipher (the runtime's `node:crypto` has no "rc4" cipher). MS-NLMP §6 uses it two
 * ways: `RC4(Handle, D)` continues a key state across calls (class {@link Rc4}), `RC4K(K, D)` is a
 * one-shot instance ({@link rc4k}).
 *
 * @example
 * ```ts
 * toHex(rc4k(utf8("Key"), utf8("Plaintext"))); // "bbf316e8d940af0ad3"
 * ```
 *
 * @module
 */

/**
 * An RC4 key state ("handle"): each `transform` call continues the keystream.
 *
 * @example
 * ```ts
 * const handle = new Rc4(sealKey);
 * const sealed = handle.transform(message);
 * const checksum = handle.transform(hmacPrefix); // same stream, continued
 * ```
 */
export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  /** RC4Init(H, K): key scheduling over a 1..256-byte key. */
  constructor(key: Uint8Array) {
    if (key.length === 0 || key.length > 256) throw new RangeError("RC4 key must be 1..256 bytes");
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      j = (j + s[i] + key[i % key.length]) & 0xff;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
  }

  /** An independent copy of the current key state (to try a step and keep it only on success). */
  clone(): Rc4 {
    const copy = new Rc4(this.#s); // any key; the state is overwritten next
    copy.#restore(this.#s, this.#i, this.#j);
    return copy;
  }

  #restore(s: Uint8Array, i: number, j: number): void {
    this.#s.set(s);
    this.#i = i;
    this.#j = j;
  }

  /** XORs `data` with the next `data.length` keystream bytes; returns a new array. */
  transform(data: Uint8Array): Uint8Array {
    const s = this.#s;
    const out = new Uint8Array(data.length);
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]) & 0xff;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
      out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}

/**
 * RC4K(K, D): encrypts (or decrypts) `data` with a fresh RC4 instance keyed by `key`.
 *
 * @example
 * ```ts
 * const encryptedRandomSessionKey = rc4k(keyExchangeKey, exportedSessionKey); // MS-NLMP §3.1.5.1.2
 * ```
 */
export function rc4k(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Rc4(key).transform(data);
}
