/**
 * Challenge responses (MS-NLMP §3.3 ComputeResponse): NTLMv1 with and without extended session
 * security (§3.3.1) and NTLMv2 (§3.3.2), plus the NTLMv2_CLIENT_CHALLENGE ("temp") structure
 * (§2.2.2.7) and the NTLMv2_RESPONSE split (§2.2.2.8).
 *
 * @example
 * ```ts
 * const r = computeResponseV2({ responseKeyNT, responseKeyLM, serverChallenge, clientChallenge,
 *   time, serverName: targetInfo });
 * r.ntChallengeResponse; // NTProofStr || temp
 * ```
 *
 * @module
 */
import { concatBytes } from "../crypto/bytes.ts";
import { desEncryptBlock } from "../crypto/des.ts";
import { hmacMd5, md4, md5 } from "../crypto/digests.ts";
import { NtlmAuthError } from "./errors.ts";

/**
 * DESL(K, D) = DES(K[0..6], D) || DES(K[7..13], D) || DES(K[14..15] || Z(5), D)
 * (MS-NLMP §6), 24 bytes from a 16-byte key.
 *
 * @example
 * ```ts
 * desl(ntowfv1("Password"), serverChallenge); // the NTLMv1 response (§3.3.1)
 * ```
 */
export function desl(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length !== 16) throw new RangeError("DESL key is 16 bytes");
  const third = new Uint8Array(7);
  third.set(key.subarray(14, 16));
  return concatBytes(
    desEncryptBlock(key.subarray(0, 7), data),
    desEncryptBlock(key.subarray(7, 14), data),
    desEncryptBlock(third, data),
  );
}

/** The outputs of ComputeResponse. */
export interface ChallengeResponses {
  ntChallengeResponse: Uint8Array;
  lmChallengeResponse: Uint8Array;
  sessionBaseKey: Uint8Array;
}

/** Inputs of the NTLMv1 ComputeResponse (MS-NLMP §3.3.1). */
export interface ResponseV1Input {
  /** Use the client challenge ("NTLM2 session response") — EXTENDED_SESSIONSECURITY in NegFlg. */
  extendedSessionSecurity: boolean;
  /** NTOWFv1. */
  responseKeyNT: Uint8Array;
  /** LMOWFv1; only read when `noLmResponseNtlmV1` is false and ESS is off. */
  responseKeyLM?: Uint8Array;
  serverChallenge: Uint8Array;
  /** Required with extended session security. */
  clientChallenge?: Uint8Array;
  /**
   * NoLMResponseNTLMv1 (MS-NLMP §3.1.1.1, default TRUE): send the NT response as the LM
   * response instead of DESL(LMOWF, ServerChallenge).
   */
  noLmResponseNtlmV1?: boolean;
}

/**
 * ComputeResponse for NTLM v1 (MS-NLMP §3.3.1); SessionBaseKey = MD4(NTOWFv1).
 *
 * @example
 * ```ts
 * computeResponseV1({ extendedSessionSecurity: false, responseKeyNT, serverChallenge });
 * ```
 */
export function computeResponseV1(input: ResponseV1Input): ChallengeResponses {
  const { responseKeyNT, serverChallenge } = input;
  let ntChallengeResponse: Uint8Array;
  let lmChallengeResponse: Uint8Array;
  if (input.extendedSessionSecurity) {
    const clientChallenge = input.clientChallenge;
    if (!clientChallenge || clientChallenge.length !== 8) {
      throw new RangeError(
        "NTLMv1 with extended session security needs an 8-byte client challenge",
      );
    }
    ntChallengeResponse = desl(
      responseKeyNT,
      md5(serverChallenge, clientChallenge).subarray(0, 8),
    );
    lmChallengeResponse = concatBytes(clientChallenge, new Uint8Array(16));
  } else {
    ntChallengeResponse = desl(responseKeyNT, serverChallenge);
    if (input.noLmResponseNtlmV1 ?? true) {
      lmChallengeResponse = ntChallengeResponse;
    } else {
      if (!input.responseKeyLM) throw new RangeError("the LMv1 response needs LMOWFv1");
      lmChallengeResponse = desl(input.responseKeyLM, serverChallenge);
    }
  }
  return { ntChallengeResponse, lmChallengeResponse, sessionBaseKey: md4(responseKeyNT) };
}

/**
 * temp = Responserversion(1) || HiResponserversion(1) || Z(6) || Time || ClientChallenge || Z(4)
 * || ServerName || Z(4) (MS-NLMP §3.3.2; the NTLMv2_CLIENT_CHALLENGE of §2.2.2.7).
 *
 * @example
 * ```ts
 * buildNtlmV2ClientChallenge(new Uint8Array(8), fromHex("aaaaaaaaaaaaaaaa"), targetInfo);
 * ```
 */
export function buildNtlmV2ClientChallenge(
  time: Uint8Array,
  clientChallenge: Uint8Array,
  serverName: Uint8Array,
): Uint8Array {
  if (time.length !== 8 || clientChallenge.length !== 8) {
    throw new RangeError("Time and ClientChallenge are 8 bytes");
  }
  return concatBytes(
    new Uint8Array([1, 1, 0, 0, 0, 0, 0, 0]),
    time,
    clientChallenge,
    new Uint8Array(4),
    serverName,
    new Uint8Array(4),
  );
}

/** Inputs of the NTLMv2 ComputeResponse (MS-NLMP §3.3.2). */
export interface ResponseV2Input {
  /** NTOWFv2. */
  responseKeyNT: Uint8Array;
  /** LMOWFv2 (equal to NTOWFv2). */
  responseKeyLM: Uint8Array;
  serverChallenge: Uint8Array;
  clientChallenge: Uint8Array;
  /** 8-byte little-endian FILETIME. */
  time: Uint8Array;
  /** The AV_PAIR bytes that go into temp (ServerName). */
  serverName: Uint8Array;
}

/**
 * ComputeResponse for NTLM v2 (MS-NLMP §3.3.2): NTProofStr = HMAC_MD5(ResponseKeyNT,
 * ServerChallenge || temp); NtChallengeResponse = NTProofStr || temp; LmChallengeResponse =
 * HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge;
 * SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr).
 *
 * @example
 * ```ts
 * toHex(computeResponseV2(input).sessionBaseKey); // "8de40ccadbc14a82f15cb0ad0de95ca3" (§4.2.4)
 * ```
 */
export function computeResponseV2(
  input: ResponseV2Input,
): ChallengeResponses & { ntProofStr: Uint8Array } {
  const temp = buildNtlmV2ClientChallenge(input.time, input.clientChallenge, input.serverName);
  const ntProofStr = hmacMd5(input.responseKeyNT, input.serverChallenge, temp);
  return {
    ntProofStr,
    ntChallengeResponse: concatBytes(ntProofStr, temp),
    lmChallengeResponse: concatBytes(
      hmacMd5(input.responseKeyLM, input.serverChallenge, input.clientChallenge),
      input.clientChallenge,
    ),
    sessionBaseKey: hmacMd5(input.responseKeyNT, ntProofStr),
  };
}

/** An NTLMv2_RESPONSE split into its parts (MS-NLMP §2.2.2.8 / §2.2.2.7). */
export interface NtlmV2Response {
  /** Response (16 bytes) = NTProofStr. */
  ntProofStr: Uint8Array;
  /** The NTLMv2_CLIENT_CHALLENGE bytes (temp), what the proof is computed over. */
  temp: Uint8Array;
  /** TimeStamp, 8-byte little-endian FILETIME. */
  timestamp: Uint8Array;
  /** ChallengeFromClient. */
  clientChallenge: Uint8Array;
  /** The AV_PAIR bytes (from offset 28 of temp up to its end). */
  avPairs: Uint8Array;
}

/** Smallest NTLMv2 response: NTProofStr(16) + temp header(28) + MsvAvEOL(4). */
const MIN_NTLMV2_RESPONSE = 16 + 28 + 4;

/**
 * Splits an NtChallengeResponse longer than 24 bytes into its NTLMv2 parts; throws
 * NtlmAuthError("malformed-token") when it is too short or RespType/HiRespType is not 1.
 *
 * @example
 * ```ts
 * parseNtlmV2Response(auth.ntChallengeResponse).clientChallenge;
 * ```
 */
export function parseNtlmV2Response(ntChallengeResponse: Uint8Array): NtlmV2Response {
  if (ntChallengeResponse.length < MIN_NTLMV2_RESPONSE) {
    throw new NtlmAuthError("malformed-token", "NTLMv2 response too short");
  }
  const temp = ntChallengeResponse.slice(16);
  if (temp[0] !== 1 || temp[1] !== 1) {
    throw new NtlmAuthError("malformed-token", "NTLMv2_CLIENT_CHALLENGE RespType is not 1");
  }
  return {
    ntProofStr: ntChallengeResponse.slice(0, 16),
    temp,
    timestamp: temp.slice(8, 16),
    clientChallenge: temp.slice(16, 24),
    avPairs: temp.slice(28),
  };
}
