/**
 * The TLS-DSK signing keys and signature (MS-SIPAE §3.3, guide §3.3, from the EAP-TLS key
 * derivation of RFC 2716 §3.5):
 *
 * ```
 * key_material = PRF(master_secret, "client EAP encryption",
 *                    ClientHello.random + ServerHello.random)[0..127]
 * client signing key = key_material[64..95], server signing key = key_material[96..127]
 * signature = HMAC-SHA1(signing key, signature buffer)  (the suite's MAC hash), lowercase hex
 * ```
 *
 * The same 128 octets are what an RFC 5705 exporter with that label and no context yields,
 * which is how the OpenSSL cross-check in the tests compares them.
 *
 * @example
 * ```ts
 * const keys = deriveTlsDskSigningKeys(session);
 * tlsDskSignature(keys.client, keys.hash, buffer); // 40 hex digits
 * ```
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { concatBytes, utf8 } from "../crypto/bytes.ts";
import { tls10Prf } from "./prf.ts";
import type { TlsSession } from "./session.ts";

/** The PRF label of the TLS-DSK key material (RFC 2716 §3.5). */
export const TLS_DSK_KEY_LABEL = "client EAP encryption";

/** The two directions' signing keys and the HMAC hash. */
export interface TlsDskSigningKeys {
  client: Uint8Array;
  server: Uint8Array;
  hash: "sha1";
}

/**
 * The 128 octets of TLS-DSK key material of a finished handshake.
 *
 * @example
 * ```ts
 * tlsDskKeyMaterial(session).length; // 128
 * ```
 */
export function tlsDskKeyMaterial(session: TlsSession): Uint8Array {
  return tls10Prf(
    session.masterSecret,
    TLS_DSK_KEY_LABEL,
    concatBytes(session.clientRandom, session.serverRandom),
    128,
  );
}

/**
 * The client and server signing keys (MS-SIPAE §3.3, guide §3.3).
 *
 * @example
 * ```ts
 * deriveTlsDskSigningKeys(session).server.length; // 32
 * ```
 */
export function deriveTlsDskSigningKeys(session: TlsSession): TlsDskSigningKeys {
  const material = tlsDskKeyMaterial(session);
  return {
    client: material.slice(64, 96),
    server: material.slice(96, 128),
    hash: session.suite.macHash,
  };
}

/**
 * HMAC of the MS-SIPAE signature buffer, lowercase hex (MS-SIPAE §3.3; guide §2.3 capture:
 * `rspauth="3359c8ac2e6229b2eb9738ac707dc8c3e54f65f0"`).
 *
 * @example
 * ```ts
 * tlsDskSignature(keys.client, "sha1", "<TLS-DSK><…>");
 * ```
 */
export function tlsDskSignature(key: Uint8Array, hash: "sha1", buffer: string): string {
  return createHmac(hash, key).update(utf8(buffer)).digest("hex");
}
