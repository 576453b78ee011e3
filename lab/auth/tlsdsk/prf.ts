/**
 * The TLS 1.0 pseudo-random function (RFC 2246 §5): the secret is split in two halves (sharing
 * the middle octet when its length is odd), P_MD5 runs on the first and P_SHA-1 on the second,
 * and the two outputs are XORed.
 *
 * ```
 * PRF(secret, label, seed) = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed)
 * P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + …
 * A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
 * ```
 *
 * @example
 * ```ts
 * const master = tls10Prf(preMaster, "master secret", concatBytes(clientRandom, serverRandom), 48);
 * ```
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { concatBytes, utf8 } from "../crypto/bytes.ts";

/**
 * P_hash of RFC 2246 §5: HMAC expansion of `secret` over `seed` to `length` octets.
 *
 * @example
 * ```ts
 * pHash("sha1", secret, seed, 20);
 * ```
 */
export function pHash(
  hash: "md5" | "sha1",
  secret: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  let filled = 0;
  while (filled < length) {
    a = new Uint8Array(createHmac(hash, secret).update(a).digest());
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/**
 * PRF(secret, label, seed) of TLS 1.0 (RFC 2246 §5), `length` octets.
 *
 * @example
 * ```ts
 * tls10Prf(masterSecret, "client finished", handshakeHash, 12); // verify_data (§7.4.9)
 * ```
 */
export function tls10Prf(
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  // RFC 2246 §5: S1 and S2 are the two halves of the secret, each ceil(len/2) octets long.
  const half = Math.ceil(secret.length / 2);
  const s1 = secret.subarray(0, half);
  const s2 = secret.subarray(secret.length - half);
  const labelled = concatBytes(utf8(label), seed);
  const md5 = pHash("md5", s1, labelled, length);
  const sha1 = pHash("sha1", s2, labelled, length);
  for (let i = 0; i < length; i++) md5[i] ^= sha1[i];
  return md5;
}
