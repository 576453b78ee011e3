/**
 * Key derivation after authentication (MS-NLMP §3.4.5): KXKEY (key exchange key), the
 * ExportedSessionKey with or without key exchange (§3.1.5.1.2), SIGNKEY and SEALKEY per
 * direction.
 *
 * @example
 * ```ts
 * const keys = deriveSessionKeys(negotiatedFlags, exportedSessionKey);
 * keys.clientSigningKey; // MD5(ExportedSessionKey || "session key to client-to-server signing key magic constant\0")
 * ```
 *
 * @module
 */
import { concatBytes, utf8 } from "../crypto/bytes.ts";
import { desEncryptBlock } from "../crypto/des.ts";
import { hmacMd5, md5 } from "../crypto/digests.ts";
import { rc4k } from "../crypto/rc4.ts";
import { NegotiateFlag } from "./flags.ts";
import { NTLMSSP_REVISION_W2K3 } from "./version.ts";

/** Inputs of KXKEY (MS-NLMP §3.4.5.1). */
export interface KeyExchangeKeyInput {
  /** NegFlg. */
  flags: number;
  /** True when the response was NTLMv2: KeyExchangeKey is then SessionBaseKey. */
  ntlmV2: boolean;
  sessionBaseKey: Uint8Array;
  lmChallengeResponse: Uint8Array;
  serverChallenge: Uint8Array;
  /** LMOWFv1, needed for NTLMv1 with LM_KEY or REQUEST_NON_NT_SESSION_KEY. */
  lmowf?: Uint8Array;
}

/**
 * KXKEY(SessionBaseKey, LmChallengeResponse, ServerChallenge) (MS-NLMP §3.4.5.1).
 *
 * @example
 * ```ts
 * keyExchangeKey({ flags, ntlmV2: true, sessionBaseKey, lmChallengeResponse, serverChallenge });
 * ```
 */
export function keyExchangeKey(input: KeyExchangeKeyInput): Uint8Array {
  const { flags, sessionBaseKey, lmChallengeResponse } = input;
  if (input.ntlmV2) return sessionBaseKey;
  if (flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) {
    return hmacMd5(sessionBaseKey, input.serverChallenge, lmChallengeResponse.subarray(0, 8));
  }
  if (flags & (NegotiateFlag.LM_KEY | NegotiateFlag.REQUEST_NON_NT_SESSION_KEY)) {
    const lmowf = input.lmowf;
    if (!lmowf) throw new RangeError("KXKEY with LM_KEY / NON_NT_SESSION_KEY needs LMOWFv1");
    if (flags & NegotiateFlag.LM_KEY) {
      const data = lmChallengeResponse.subarray(0, 8);
      const second = new Uint8Array([lmowf[7], 0xbd, 0xbd, 0xbd, 0xbd, 0xbd, 0xbd]);
      return concatBytes(
        desEncryptBlock(lmowf.subarray(0, 7), data),
        desEncryptBlock(second, data),
      );
    }
    return concatBytes(lmowf.subarray(0, 8), new Uint8Array(8));
  }
  return sessionBaseKey;
}

/**
 * True when the ExportedSessionKey is a random key sent RC4-encrypted (MS-NLMP §3.1.5.1.2:
 * KEY_EXCH and (SIGN or SEAL)).
 *
 * @example
 * ```ts
 * usesKeyExchange(0x62988255); // true
 * ```
 */
export function usesKeyExchange(flags: number): boolean {
  return (flags & NegotiateFlag.KEY_EXCH) !== 0 &&
    (flags & (NegotiateFlag.SIGN | NegotiateFlag.SEAL)) !== 0;
}

/**
 * EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey) (MS-NLMP §3.1.5.1.2);
 * RC4 being symmetric, the server recovers ExportedSessionKey with the same call.
 *
 * @example
 * ```ts
 * const exported = encryptSessionKey(keyExchangeKey, auth.encryptedRandomSessionKey);
 * ```
 */
export function encryptSessionKey(keyExchangeKey: Uint8Array, sessionKey: Uint8Array): Uint8Array {
  return rc4k(keyExchangeKey, sessionKey);
}

/** Which side computes the key: the client-to-server or server-to-client constants. */
export type NtlmMode = "client" | "server";

// The magic constants are null-terminated ASCII strings (MS-NLMP §3.4.5.2, §3.4.5.3).
const CLIENT_SIGNING = utf8("session key to client-to-server signing key magic constant\0");
const SERVER_SIGNING = utf8("session key to server-to-client signing key magic constant\0");
const CLIENT_SEALING = utf8("session key to client-to-server sealing key magic constant\0");
const SERVER_SEALING = utf8("session key to server-to-client sealing key magic constant\0");

/**
 * SIGNKEY(NegFlg, ExportedSessionKey, Mode) (MS-NLMP §3.4.5.2); an empty array (NIL) without
 * extended session security.
 *
 * @example
 * ```ts
 * toHex(signingKey(0xe28a8233, fromHex("55".repeat(16)), "client"));
 * // "4788dc861b4782f35d43fd98fe1a2d39"
 * ```
 */
export function signingKey(
  flags: number,
  exportedSessionKey: Uint8Array,
  mode: NtlmMode,
): Uint8Array {
  if (!(flags & NegotiateFlag.EXTENDED_SESSIONSECURITY)) return new Uint8Array(0);
  return md5(exportedSessionKey, mode === "client" ? CLIENT_SIGNING : SERVER_SIGNING);
}

/**
 * SEALKEY(NegFlg, ExportedSessionKey, Mode) (MS-NLMP §3.4.5.3). With extended session
 * security the key is weakened to 56 or 40 bits before hashing unless NEGOTIATE_128 is set;
 * without it, LM_KEY or (DATAGRAM and NTLMRevisionCurrent ≥ W2K3) gives a 64-bit key with 56 or
 * 40 bits of entropy, else the ExportedSessionKey itself.
 *
 * @example
 * ```ts
 * toHex(sealingKey(0xe28a8233, fromHex("55".repeat(16)), "client"));
 * // "59f600973cc4960a25480a7c196e4c58"
 * ```
 */
export function sealingKey(
  flags: number,
  exportedSessionKey: Uint8Array,
  mode: NtlmMode,
  revision = NTLMSSP_REVISION_W2K3,
): Uint8Array {
  if (flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) {
    let key: Uint8Array;
    if (flags & NegotiateFlag.NEGOTIATE_128) key = exportedSessionKey;
    else if (flags & NegotiateFlag.NEGOTIATE_56) key = exportedSessionKey.subarray(0, 7);
    else key = exportedSessionKey.subarray(0, 5);
    return md5(key, mode === "client" ? CLIENT_SEALING : SERVER_SEALING);
  }
  const weakened = (flags & NegotiateFlag.LM_KEY) !== 0 ||
    ((flags & NegotiateFlag.DATAGRAM) !== 0 && revision >= NTLMSSP_REVISION_W2K3);
  if (weakened) {
    if (flags & NegotiateFlag.NEGOTIATE_56) {
      return concatBytes(exportedSessionKey.subarray(0, 7), new Uint8Array([0xa0]));
    }
    return concatBytes(exportedSessionKey.subarray(0, 5), new Uint8Array([0xe5, 0x38, 0xb0]));
  }
  return exportedSessionKey;
}

/** The four session keys (MS-NLMP §3.1.1.1). Signing keys are empty without ESS. */
export interface SessionKeys {
  clientSigningKey: Uint8Array;
  serverSigningKey: Uint8Array;
  clientSealingKey: Uint8Array;
  serverSealingKey: Uint8Array;
}

/**
 * All four keys from NegFlg and the ExportedSessionKey (MS-NLMP §3.1.5.1.2 / §3.2.5.1.2).
 *
 * @example
 * ```ts
 * const { serverSigningKey } = deriveSessionKeys(flags, exportedSessionKey);
 * ```
 */
export function deriveSessionKeys(
  flags: number,
  exportedSessionKey: Uint8Array,
  revision = NTLMSSP_REVISION_W2K3,
): SessionKeys {
  return {
    clientSigningKey: signingKey(flags, exportedSessionKey, "client"),
    serverSigningKey: signingKey(flags, exportedSessionKey, "server"),
    clientSealingKey: sealingKey(flags, exportedSessionKey, "client", revision),
    serverSealingKey: sealingKey(flags, exportedSessionKey, "server", revision),
  };
}
