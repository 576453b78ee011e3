/**
 * The TLS 1.0 key schedule (RFC 2246 §6.3, §7.4.9, §8.1): master secret from the
 * pre-master secret, the key block split into MAC secrets, keys and IVs, the Finished
 * verify_data, and the MD5+SHA-1 transcript hash that Finished and the RSA CertificateVerify
 * (§7.4.8) cover.
 *
 * @example
 * ```ts
 * const master = masterSecret(preMaster, clientRandom, serverRandom);
 * const keys = keyBlock(master, clientRandom, serverRandom, TLS_RSA_WITH_AES_128_CBC_SHA);
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";
import { concatBytes } from "../crypto/bytes.ts";
import type { CipherSuite } from "./cipher_suites.ts";
import { tls10Prf } from "./prf.ts";

/**
 * master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
 * ServerHello.random)[0..47] (RFC 2246 §8.1).
 *
 * @example
 * ```ts
 * masterSecret(preMaster, clientRandom, serverRandom).length; // 48
 * ```
 */
export function masterSecret(
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return tls10Prf(preMaster, "master secret", concatBytes(clientRandom, serverRandom), 48);
}

/** One direction's record protection keys. */
export interface DirectionKeys {
  macKey: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
}

/** Both directions' keys. */
export interface KeyBlock {
  client: DirectionKeys;
  server: DirectionKeys;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split into
 * client/server MAC secrets, keys and IVs in that order (RFC 2246 §6.3).
 *
 * @example
 * ```ts
 * keyBlock(master, clientRandom, serverRandom, suite).client.key.length; // 16 for AES-128
 * ```
 */
export function keyBlock(
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  suite: CipherSuite,
): KeyBlock {
  const { macLength: m, keyLength: k, blockLength: b } = suite;
  const block = tls10Prf(
    master,
    "key expansion",
    concatBytes(serverRandom, clientRandom),
    2 * (m + k + b),
  );
  const at = (offset: number, length: number) => block.slice(offset, offset + length);
  return {
    client: { macKey: at(0, m), key: at(2 * m, k), iv: at(2 * m + 2 * k, b) },
    server: { macKey: at(m, m), key: at(2 * m + k, k), iv: at(2 * m + 2 * k + b, b) },
  };
}

/**
 * MD5(handshake_messages) + SHA-1(handshake_messages): 36 octets (RFC 2246 §7.4.8, §7.4.9).
 *
 * @example
 * ```ts
 * transcriptHash([clientHello.raw, serverHello.raw]).length; // 36
 * ```
 */
export function transcriptHash(messages: Uint8Array[]): Uint8Array {
  const md5 = createHash("md5");
  const sha1 = createHash("sha1");
  for (const m of messages) {
    md5.update(m);
    sha1.update(m);
  }
  return concatBytes(new Uint8Array(md5.digest()), new Uint8Array(sha1.digest()));
}

/**
 * Finished.verify_data = PRF(master_secret, finished_label, MD5(handshake_messages) +
 * SHA-1(handshake_messages))[0..11] (RFC 2246 §7.4.9).
 *
 * @example
 * ```ts
 * finishedVerifyData(master, "client", transcript); // 12 octets
 * ```
 */
export function finishedVerifyData(
  master: Uint8Array,
  sender: "client" | "server",
  messages: Uint8Array[],
): Uint8Array {
  return tls10Prf(master, `${sender} finished`, transcriptHash(messages), 12);
}
