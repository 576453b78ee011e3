/**
 * The NTLM server side (MS-NLMP §3.2.5.2 connectionless): building the CHALLENGE_MESSAGE the
 * server sends first (§3.2.5.2.1) and checking the AUTHENTICATE_MESSAGE (§3.2.5.2.2 with the
 * verification steps of §3.2.5.1.2): NTLMv2 response against the user's NT hash, key exchange,
 * MIC and timestamp.
 *
 * @example
 * ```ts
 * const { message } = createChallenge({ negotiateFlags: SIP_SERVER_CHALLENGE_FLAGS, names });
 * const result = verifyAuthenticate({ challenge: message, authenticate, lookupNtHash });
 * result.exportedSessionKey; // feeds deriveSessionKeys
 * ```
 *
 * @module
 */
import { bytesEqual, concatBytes } from "../crypto/bytes.ts";
import { hmacMd5 } from "../crypto/digests.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import {
  AUTHENTICATE_MIC_OFFSET,
  decodeAuthenticateMessage,
  MIC_LENGTH,
} from "./authenticate_message.ts";
import {
  AvFlag,
  AvId,
  type AvPair,
  encodeAvPairs,
  findAvPair,
  parseAvPairs,
  textAvPair,
} from "./av_pairs.ts";
import { decodeChallengeMessage, encodeChallengeMessage } from "./challenge_message.ts";
import { NtlmAuthError } from "./errors.ts";
import { fromFiletime, toFiletime } from "./filetime.ts";
import { flagNames, hasFlags, NegotiateFlag } from "./flags.ts";
import { encryptSessionKey, usesKeyExchange } from "./keys.ts";
import { type NtHash, ntowfv2FromNtHash } from "./owf.ts";
import { parseNtlmV2Response } from "./responses.ts";
import type { NtlmVersion } from "./version.ts";

/**
 * CHALLENGE flags of a SIP server: UNICODE, OEM, SIGN, DATAGRAM, NTLM, ALWAYS_SIGN,
 * EXTENDED_SESSIONSECURITY, IDENTIFY, TARGET_INFO, VERSION, 128, KEY_EXCH, 56 — the flags of a
 * real OCS challenge (0xE29882F3) without SEAL and LM_KEY (SIP needs no sealing, and LM_KEY is
 * exclusive with extended session security, MS-NLMP §2.2.2.5 G).
 */
export const SIP_SERVER_CHALLENGE_FLAGS = NegotiateFlag.UNICODE | NegotiateFlag.OEM |
  NegotiateFlag.SIGN | NegotiateFlag.DATAGRAM | NegotiateFlag.NTLM | NegotiateFlag.ALWAYS_SIGN |
  NegotiateFlag.EXTENDED_SESSIONSECURITY | NegotiateFlag.IDENTIFY | NegotiateFlag.TARGET_INFO |
  NegotiateFlag.VERSION | NegotiateFlag.NEGOTIATE_128 | NegotiateFlag.KEY_EXCH |
  NegotiateFlag.NEGOTIATE_56;

/**
 * AUTHENTICATE flags a SIP server requires: SIGN, EXTENDED_SESSIONSECURITY and KEY_EXCH (the
 * MS-SIPAE signatures are ESS MACs with an RC4-encrypted checksum).
 */
export const SIP_REQUIRED_AUTHENTICATE_FLAGS = NegotiateFlag.SIGN |
  NegotiateFlag.EXTENDED_SESSIONSECURITY | NegotiateFlag.KEY_EXCH;

/** The server's names for TargetInfo (MS-NLMP §3.2.1.1; NetBIOS names are mandatory AV pairs). */
export interface ServerNames {
  nbComputerName: string;
  nbDomainName: string;
  dnsComputerName?: string;
  dnsDomainName?: string;
  dnsTreeName?: string;
}

/**
 * TargetInfo AV pairs in the order real servers send them: NbDomainName, NbComputerName,
 * DnsDomainName, DnsComputerName, DnsTreeName, then MsvAvTimestamp when `timestamp` is given.
 *
 * @example
 * ```ts
 * targetInfoPairs({ nbComputerName: "OCS", nbDomainName: "CONTOSO" });
 * ```
 */
export function targetInfoPairs(names: ServerNames, timestamp?: Uint8Array): AvPair[] {
  const pairs = [
    textAvPair(AvId.NB_DOMAIN_NAME, names.nbDomainName),
    textAvPair(AvId.NB_COMPUTER_NAME, names.nbComputerName),
  ];
  if (names.dnsDomainName) pairs.push(textAvPair(AvId.DNS_DOMAIN_NAME, names.dnsDomainName));
  if (names.dnsComputerName) pairs.push(textAvPair(AvId.DNS_COMPUTER_NAME, names.dnsComputerName));
  if (names.dnsTreeName) pairs.push(textAvPair(AvId.DNS_TREE_NAME, names.dnsTreeName));
  if (timestamp) pairs.push({ id: AvId.TIMESTAMP, value: timestamp });
  return pairs;
}

/** Inputs of {@link createChallenge}. */
export interface CreateChallengeOptions {
  negotiateFlags: number;
  names: ServerNames;
  /** TargetName (the domain) to send; omitted by default. */
  targetName?: string;
  /** Add MsvAvTimestamp (default true): clients then send a MIC (MS-NLMP §3.1.5.2.1). */
  includeTimestamp?: boolean;
  version?: NtlmVersion;
  /** Fixed ServerChallenge (8 bytes). */
  serverChallenge?: Uint8Array;
  random?: RandomBytes;
  now?: () => number;
}

/**
 * Builds the CHALLENGE_MESSAGE of connectionless NTLM (MS-NLMP §3.2.5.2.1): a fresh 8-byte
 * ServerChallenge nonce and the server's features; KEY_EXCH is always added since "the
 * connectionless variant always uses key exchange".
 *
 * @example
 * ```ts
 * createChallenge({ negotiateFlags: SIP_SERVER_CHALLENGE_FLAGS, names }).message;
 * ```
 */
export function createChallenge(
  options: CreateChallengeOptions,
): { message: Uint8Array; serverChallenge: Uint8Array } {
  const serverChallenge = options.serverChallenge ?? (options.random ?? secureRandomBytes)(8);
  const timestamp = (options.includeTimestamp ?? true)
    ? toFiletime((options.now ?? Date.now)())
    : undefined;
  let flags = options.negotiateFlags | NegotiateFlag.TARGET_INFO;
  if (flags & NegotiateFlag.DATAGRAM) flags |= NegotiateFlag.KEY_EXCH;
  const message = encodeChallengeMessage({
    negotiateFlags: flags >>> 0,
    serverChallenge,
    targetName: options.targetName,
    targetInfo: encodeAvPairs(targetInfoPairs(options.names, timestamp)),
    version: options.version,
  });
  return { message, serverChallenge };
}

/**
 * Returns the NT hash (NTOWFv1) of `user` in `domain`, or undefined when there is no such user.
 * User names are case-insensitive (MS-NLMP §3.2.5.1.2 note).
 */
export type NtHashLookup = (user: string, domain: string) => NtHash | undefined;

/** Inputs of {@link verifyAuthenticate}. */
export interface VerifyAuthenticateOptions {
  /** The CHALLENGE_MESSAGE bytes this server sent. */
  challenge: Uint8Array;
  /** The AUTHENTICATE_MESSAGE bytes received. */
  authenticate: Uint8Array;
  lookupNtHash: NtHashLookup;
  /** AUTHENTICATE flags required by policy (default SIP_REQUIRED_AUTHENTICATE_FLAGS). */
  requiredFlags?: number;
  /**
   * Largest accepted distance between the NTLMv2 TimeStamp and server time (MS-NLMP §3.1.1.1
   * MaxLifetime; Windows uses 36 hours, the default). null disables the check.
   */
  maxLifetimeMs?: number | null;
  now?: () => number;
}

/** Who authenticated and the key material of the new context. */
export interface VerifiedAuthentication {
  userName: string;
  domainName: string;
  workstation: string;
  /** NegFlg (the AUTHENTICATE flags, MS-NLMP §2.2.1.3 connectionless). */
  negotiateFlags: number;
  exportedSessionKey: Uint8Array;
}

/** MS-NLMP §3.1.1.1 footnote <39>: 36 hours. */
const DEFAULT_MAX_LIFETIME_MS = 36 * 60 * 60 * 1000;

/**
 * Verifies an NTLMv2 AUTHENTICATE_MESSAGE against the CHALLENGE this server sent. Throws
 * NtlmAuthError with code "malformed-token", "unsupported-response" (anonymous or NTLMv1),
 * "insufficient-flags", "unknown-user", "wrong-password", "mic-mismatch" or "clock-skew".
 *
 * Stricter than §3.2.5.1.2 in one respect: the NTLMv2 NtChallengeResponse must match (a matching
 * LMv2 response alone is not accepted). The NIL-domain retry of §3.2.5.1.2 is kept.
 *
 * @example
 * ```ts
 * verifyAuthenticate({ challenge, authenticate, lookupNtHash: (u) => users.get(u.toLowerCase()) });
 * ```
 */
export function verifyAuthenticate(options: VerifyAuthenticateOptions): VerifiedAuthentication {
  const challenge = decodeChallengeMessage(options.challenge);
  const auth = decodeAuthenticateMessage(options.authenticate);
  const flags = auth.negotiateFlags;
  if (auth.userName === "" && auth.ntChallengeResponse.length === 0) {
    throw new NtlmAuthError("unsupported-response", "anonymous authentication is not accepted");
  }
  if (auth.ntChallengeResponse.length <= 24) {
    throw new NtlmAuthError("unsupported-response", "NTLMv1 response where NTLMv2 is required");
  }
  const required = options.requiredFlags ?? SIP_REQUIRED_AUTHENTICATE_FLAGS;
  if (!hasFlags(flags, required)) {
    const missing = flagNames(required & ~flags).join(", ");
    throw new NtlmAuthError("insufficient-flags", `AUTHENTICATE lacks ${missing}`);
  }
  const v2 = parseNtlmV2Response(auth.ntChallengeResponse);
  const ntHash = options.lookupNtHash(auth.userName, auth.domainName);
  if (!ntHash) throw new NtlmAuthError("unknown-user", `unknown user ${auth.userName}`);

  // §3.3.2 NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp); on mismatch retry with
  // NIL for the domain (§3.2.5.1.2, clients that wrongly leave UserDom out).
  let responseKey: Uint8Array | undefined;
  for (const domain of [auth.domainName, ""]) {
    const candidate = ntowfv2FromNtHash(ntHash, auth.userName, domain);
    const proof = hmacMd5(candidate, challenge.serverChallenge, v2.temp);
    if (bytesEqual(proof, v2.ntProofStr)) {
      responseKey = candidate;
      break;
    }
  }
  if (!responseKey) throw new NtlmAuthError("wrong-password", "NTLMv2 response does not match");

  // §3.3.2 SessionBaseKey; §3.4.5.1 KeyExchangeKey = SessionBaseKey for NTLMv2.
  const keyExchangeKey = hmacMd5(responseKey, v2.ntProofStr);
  let exportedSessionKey = keyExchangeKey;
  if (usesKeyExchange(flags)) {
    // §3.2.5.1.2: with KEY_EXCH the client MUST supply a valid EncryptedRandomSessionKey.
    if (auth.encryptedRandomSessionKey.length !== 16) {
      throw new NtlmAuthError("malformed-token", "missing EncryptedRandomSessionKey");
    }
    exportedSessionKey = encryptSessionKey(keyExchangeKey, auth.encryptedRandomSessionKey);
  }

  checkMic(options, v2.avPairs, auth.mic, exportedSessionKey);

  const maxLifetime = options.maxLifetimeMs === undefined
    ? DEFAULT_MAX_LIFETIME_MS
    : options.maxLifetimeMs;
  if (maxLifetime !== null) {
    const skew = Math.abs((options.now ?? Date.now)() - fromFiletime(v2.timestamp));
    if (skew > maxLifetime) {
      throw new NtlmAuthError("clock-skew", `NTLMv2 timestamp is ${skew} ms from server time`);
    }
  }
  return {
    userName: auth.userName,
    domainName: auth.domainName,
    workstation: auth.workstation,
    negotiateFlags: flags,
    exportedSessionKey,
  };
}

/**
 * §3.2.5.2.2: when MsvAvFlags bit 0x2 says a MIC is present it MUST equal
 * HMAC_MD5(ExportedSessionKey, CHALLENGE_MESSAGE || AUTHENTICATE_MESSAGE with MIC zeroed).
 */
function checkMic(
  options: VerifyAuthenticateOptions,
  avPairBytes: Uint8Array,
  mic: Uint8Array | undefined,
  exportedSessionKey: Uint8Array,
): void {
  const avFlags = findAvPair(parseAvPairs(avPairBytes), AvId.FLAGS);
  const micPresent = avFlags !== undefined && (avFlags[0] & AvFlag.MIC_PRESENT) !== 0;
  if (!micPresent) return;
  if (!mic) throw new NtlmAuthError("malformed-token", "MsvAvFlags announces a missing MIC");
  const zeroed = options.authenticate.slice();
  zeroed.fill(0, AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + MIC_LENGTH);
  const expected = hmacMd5(exportedSessionKey, concatBytes(options.challenge, zeroed));
  if (!bytesEqual(expected, mic)) {
    throw new NtlmAuthError("mic-mismatch", "AUTHENTICATE_MESSAGE MIC does not verify");
  }
}
