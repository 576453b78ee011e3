/**
 * The NTLM client's reply to a CHALLENGE_MESSAGE (MS-NLMP §3.1.5.1.2, connectionless §3.1.5.2.1):
 * computes the challenge responses (NTLMv2 by default, NTLMv1 on request), the key exchange key,
 * the ExportedSessionKey (random and RC4-encrypted under KEY_EXCH), the MIC when the server sent
 * a timestamp, and encodes the AUTHENTICATE_MESSAGE.
 *
 * @example
 * ```ts
 * const reply = respondToChallenge({
 *   challenge: decodeGssapiData(gssapiData),
 *   credentials: { user: "alice", domain: "CONTOSO", password: "secret" },
 *   workstation: "ALICE-PC",
 * });
 * encodeGssapiData(reply.message); // gssapi-data of the next REGISTER
 * ```
 *
 * @module
 */
import { concatBytes, le32, readLe32 } from "../crypto/bytes.ts";
import { hmacMd5 } from "../crypto/digests.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import {
  AUTHENTICATE_MIC_OFFSET,
  type AuthenticateMessage,
  encodeAuthenticateMessage,
  MIC_LENGTH,
} from "./authenticate_message.ts";
import { AvFlag, AvId, type AvPair, encodeAvPairs, findAvPair, parseAvPairs } from "./av_pairs.ts";
import { decodeChallengeMessage } from "./challenge_message.ts";
import { NtlmAuthError } from "./errors.ts";
import { toFiletime } from "./filetime.ts";
import { flagNames, hasFlags, NegotiateFlag } from "./flags.ts";
import { encryptSessionKey, keyExchangeKey, usesKeyExchange } from "./keys.ts";
import { lmowfv1, ntowfv1, ntowfv2 } from "./owf.ts";
import { type ChallengeResponses, computeResponseV1, computeResponseV2 } from "./responses.ts";
import type { NtlmVersion } from "./version.ts";

/** Who is authenticating (MS-NLMP §3.1.1.1 User, UserDom, and the password). */
export interface NtlmCredentials {
  user: string;
  domain: string;
  password: string;
}

/**
 * The client configuration a SIP endpoint offers (the ClientConfigFlags of MS-NLMP §3.1.1.1):
 * UNICODE, REQUEST_TARGET, SIGN, DATAGRAM (connectionless, MS-SIPAE), NTLM, ALWAYS_SIGN,
 * IDENTIFY, EXTENDED_SESSIONSECURITY, TARGET_INFO, VERSION, 128, KEY_EXCH. Intersected with the
 * 0xE29882F3 challenge of a real OCS it gives the captured AUTHENTICATE flags 0x62988255.
 */
export const SIP_CLIENT_CONFIG_FLAGS = NegotiateFlag.UNICODE | NegotiateFlag.REQUEST_TARGET |
  NegotiateFlag.SIGN | NegotiateFlag.DATAGRAM | NegotiateFlag.NTLM | NegotiateFlag.ALWAYS_SIGN |
  NegotiateFlag.IDENTIFY | NegotiateFlag.EXTENDED_SESSIONSECURITY | NegotiateFlag.TARGET_INFO |
  NegotiateFlag.VERSION | NegotiateFlag.NEGOTIATE_128 | NegotiateFlag.KEY_EXCH;

/**
 * The CHALLENGE flags a SIP client requires (MS-SIPAE guide, MS-NLMP-vectors §8 item 5):
 * UNICODE, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, TARGET_INFO, SIGN, DATAGRAM, IDENTIFY,
 * KEY_EXCH.
 */
export const SIP_REQUIRED_CHALLENGE_FLAGS = NegotiateFlag.UNICODE | NegotiateFlag.NTLM |
  NegotiateFlag.ALWAYS_SIGN | NegotiateFlag.EXTENDED_SESSIONSECURITY |
  NegotiateFlag.TARGET_INFO | NegotiateFlag.SIGN | NegotiateFlag.DATAGRAM |
  NegotiateFlag.IDENTIFY | NegotiateFlag.KEY_EXCH;

/** Inputs of {@link respondToChallenge}. */
export interface RespondToChallengeOptions {
  /** The CHALLENGE_MESSAGE bytes exactly as received (the MIC covers them). */
  challenge: Uint8Array;
  credentials: NtlmCredentials;
  /** NbMachineName sent in Workstation (default ""). */
  workstation?: string;
  /** VERSION to send (written when given; MS-NLMP §2.2.1.3). */
  version?: NtlmVersion;
  /** "v2" (default) or "v1" (MS-NLMP §3.3.1, LM/NTLMv1 — only for legacy interop and tests). */
  responseVersion?: "v1" | "v2";
  /** ClientConfigFlags; default {@link SIP_CLIENT_CONFIG_FLAGS}. */
  clientConfigFlags?: number;
  /**
   * NegFlg to send, overriding the default (CHALLENGE flags ∩ ClientConfigFlags, plus
   * REQUEST_TARGET when configured).
   */
  negotiateFlags?: number;
  /** Flags the CHALLENGE must carry; default none (SIP callers pass SIP_REQUIRED_CHALLENGE_FLAGS). */
  requiredChallengeFlags?: number;
  /** NoLMResponseNTLMv1 (MS-NLMP §3.1.1.1, default true). */
  noLmResponseNtlmV1?: boolean;
  /** Fixed ClientChallenge (8 bytes) instead of a random nonce (known-answer tests). */
  clientChallenge?: Uint8Array;
  /** Fixed random ExportedSessionKey (16 bytes) for KEY_EXCH (known-answer tests). */
  randomSessionKey?: Uint8Array;
  /** Fixed NTLMv2 Time (FILETIME bytes) when the server sent no MsvAvTimestamp. */
  timestamp?: Uint8Array;
  /** Random source for nonces; default crypto.getRandomValues. */
  random?: RandomBytes;
  /** Clock for Time; default Date.now. */
  now?: () => number;
}

/** The AUTHENTICATE_MESSAGE and the keys both sides will derive. */
export interface ChallengeReply {
  /** AUTHENTICATE_MESSAGE bytes. */
  message: Uint8Array;
  /** NegFlg as sent. */
  negotiateFlags: number;
  /** The responses as computed. */
  responses: ChallengeResponses;
  keyExchangeKey: Uint8Array;
  /** Base of all session keys (MS-NLMP §3.1.1.1). */
  exportedSessionKey: Uint8Array;
  /** EncryptedRandomSessionKey as sent (empty without key exchange). */
  encryptedRandomSessionKey: Uint8Array;
}

/**
 * Builds the AUTHENTICATE_MESSAGE for a CHALLENGE_MESSAGE. Throws NtlmAuthError:
 * "malformed-token" for a bad CHALLENGE (or NTLMv2 without NetBIOS names while signing,
 * §3.1.5.1.2), "insufficient-flags" when `requiredChallengeFlags` are missing or DATAGRAM comes
 * without KEY_EXCH (§2.2.2.5 F).
 *
 * @example
 * ```ts
 * respondToChallenge({ challenge, credentials, requiredChallengeFlags: SIP_REQUIRED_CHALLENGE_FLAGS });
 * ```
 */
export function respondToChallenge(options: RespondToChallengeOptions): ChallengeReply {
  const challenge = decodeChallengeMessage(options.challenge);
  const challengeFlags = challenge.negotiateFlags;
  const required = options.requiredChallengeFlags ?? 0;
  if (!hasFlags(challengeFlags, required)) {
    const missing = flagNames(required & ~challengeFlags).join(", ");
    throw new NtlmAuthError("insufficient-flags", `CHALLENGE lacks ${missing}`);
  }
  const config = options.clientConfigFlags ?? SIP_CLIENT_CONFIG_FLAGS;
  const flags = (options.negotiateFlags ??
    ((challengeFlags & config) | (config & NegotiateFlag.REQUEST_TARGET))) >>> 0;
  if (flags & NegotiateFlag.DATAGRAM && !(flags & NegotiateFlag.KEY_EXCH)) {
    // §2.2.2.5 F: with DATAGRAM, KEY_EXCH MUST be set in the AUTHENTICATE_MESSAGE.
    throw new NtlmAuthError("insufficient-flags", "DATAGRAM negotiated without KEY_EXCH");
  }
  const random = options.random ?? secureRandomBytes;
  const clientChallenge = options.clientChallenge ?? random(8);
  const { user, domain, password } = options.credentials;

  let responses: ChallengeResponses;
  let kxkey: Uint8Array;
  let withMic = false;
  if ((options.responseVersion ?? "v2") === "v2") {
    const pairs = parseAvPairs(challenge.targetInfo ?? new Uint8Array(4));
    const signs = (flags & (NegotiateFlag.SIGN | NegotiateFlag.SEAL)) !== 0;
    if (
      signs &&
      (!findAvPair(pairs, AvId.NB_COMPUTER_NAME) || !findAvPair(pairs, AvId.NB_DOMAIN_NAME))
    ) {
      // §3.1.5.1.2: STATUS_LOGON_FAILURE without MsvAvNbComputerName and MsvAvNbDomainName.
      throw new NtlmAuthError("malformed-token", "CHALLENGE TargetInfo lacks the NetBIOS names");
    }
    // §3.1.5.2.1: Time is the server's MsvAvTimestamp when present, else the current time; with
    // a timestamp the client provides a MIC (MsvAvFlags bit 0x2) and sends Z(24) as LM response.
    const serverTime = findAvPair(pairs, AvId.TIMESTAMP);
    withMic = serverTime !== undefined;
    const time = serverTime ?? options.timestamp ?? toFiletime((options.now ?? Date.now)());
    const serverName = withMic
      ? encodeAvPairs(withMicFlag(pairs))
      : (challenge.targetInfo ?? new Uint8Array(4));
    const responseKey = ntowfv2(password, user, domain);
    const v2 = computeResponseV2({
      responseKeyNT: responseKey,
      responseKeyLM: responseKey,
      serverChallenge: challenge.serverChallenge,
      clientChallenge,
      time,
      serverName,
    });
    responses = withMic ? { ...v2, lmChallengeResponse: new Uint8Array(24) } : v2;
    kxkey = keyExchangeKey({
      ...responses,
      flags,
      ntlmV2: true,
      serverChallenge: challenge.serverChallenge,
    });
  } else {
    const needsLmowf = options.noLmResponseNtlmV1 === false ||
      (flags & (NegotiateFlag.LM_KEY | NegotiateFlag.REQUEST_NON_NT_SESSION_KEY)) !== 0;
    const lmowf = needsLmowf ? lmowfv1(password) : undefined;
    responses = computeResponseV1({
      extendedSessionSecurity: (flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) !== 0,
      responseKeyNT: ntowfv1(password),
      responseKeyLM: lmowf,
      serverChallenge: challenge.serverChallenge,
      clientChallenge,
      noLmResponseNtlmV1: options.noLmResponseNtlmV1,
    });
    kxkey = keyExchangeKey({
      ...responses,
      flags,
      ntlmV2: false,
      serverChallenge: challenge.serverChallenge,
      lmowf,
    });
  }

  let exportedSessionKey = kxkey;
  let encryptedRandomSessionKey: Uint8Array = new Uint8Array(0);
  if (usesKeyExchange(flags)) {
    exportedSessionKey = options.randomSessionKey ?? random(16);
    encryptedRandomSessionKey = encryptSessionKey(kxkey, exportedSessionKey);
  }

  const fields: AuthenticateMessage = {
    negotiateFlags: flags,
    lmChallengeResponse: responses.lmChallengeResponse,
    ntChallengeResponse: responses.ntChallengeResponse,
    domainName: domain,
    userName: user,
    workstation: options.workstation ?? "",
    encryptedRandomSessionKey,
    version: options.version,
    mic: withMic ? new Uint8Array(MIC_LENGTH) : undefined,
  };
  const message = encodeAuthenticateMessage(fields);
  if (withMic) {
    // §3.1.5.2.1: MIC = HMAC_MD5(ExportedSessionKey, CHALLENGE_MESSAGE || AUTHENTICATE_MESSAGE)
    // computed with the MIC field zeroed.
    const mic = hmacMd5(exportedSessionKey, concatBytes(options.challenge, message));
    message.set(mic, AUTHENTICATE_MIC_OFFSET);
  }
  return {
    message,
    negotiateFlags: flags,
    responses,
    keyExchangeKey: kxkey,
    exportedSessionKey,
    encryptedRandomSessionKey,
  };
}

/** The AV pairs with MsvAvFlags bit 0x2 (MIC present) set, adding MsvAvFlags when absent. */
function withMicFlag(pairs: AvPair[]): AvPair[] {
  const out = pairs.map((p) => ({ ...p }));
  const existing = out.find((p) => p.id === AvId.FLAGS);
  const current = existing?.value.length === 4 ? readLe32(existing.value, 0) : 0;
  const value = le32(current | AvFlag.MIC_PRESENT);
  if (existing) existing.value = value;
  else out.push({ id: AvId.FLAGS, value });
  return out;
}
