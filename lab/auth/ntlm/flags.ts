/**
 * NegotiateFlags bits (MS-NLMP §2.2.2.5 NEGOTIATE structure). Letters in comments are the
 * spec's bit names.
 *
 * @example
 * ```ts
 * hasFlags(0xe28a8233, NegotiateFlag.EXTENDED_SESSIONSECURITY | NegotiateFlag.KEY_EXCH); // true
 * ```
 *
 * @module
 */

/** The NTLMSSP_NEGOTIATE_* flag values (MS-NLMP §2.2.2.5). */
export const NegotiateFlag = {
  /** A: Unicode character set encoding. */
  UNICODE: 0x00000001,
  /** B: OEM character set encoding (NTLM_NEGOTIATE_OEM). */
  OEM: 0x00000002,
  /** C: a TargetName must be supplied in the CHALLENGE_MESSAGE. */
  REQUEST_TARGET: 0x00000004,
  /** D: session key negotiation for message signatures. */
  SIGN: 0x00000010,
  /** E: session key negotiation for message confidentiality. */
  SEAL: 0x00000020,
  /** F: connectionless authentication; KEY_EXCH must then be set. */
  DATAGRAM: 0x00000040,
  /** G: LAN Manager session key computation. */
  LM_KEY: 0x00000080,
  /** H: NTLM v1 session security. */
  NTLM: 0x00000200,
  /** J: anonymous connection. */
  ANONYMOUS: 0x00000800,
  /** K: the NEGOTIATE_MESSAGE carries a domain name. */
  OEM_DOMAIN_SUPPLIED: 0x00001000,
  /** L: the NEGOTIATE_MESSAGE carries a workstation name. */
  OEM_WORKSTATION_SUPPLIED: 0x00002000,
  /** M: a session key is generated regardless of SIGN and SEAL. */
  ALWAYS_SIGN: 0x00008000,
  /** N: TargetName is a domain name. */
  TARGET_TYPE_DOMAIN: 0x00010000,
  /** O: TargetName is a server name. */
  TARGET_TYPE_SERVER: 0x00020000,
  /** P: extended session security ("NTLM2 session security"). */
  EXTENDED_SESSIONSECURITY: 0x00080000,
  /** Q: identify-level token. */
  IDENTIFY: 0x00100000,
  /** R: use of the LMOWF for the session key. */
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  /** S: TargetInfo is populated. */
  TARGET_INFO: 0x00800000,
  /** T: the Version field is populated. */
  VERSION: 0x02000000,
  /** U: 128-bit session key. */
  NEGOTIATE_128: 0x20000000,
  /** V: explicit key exchange (EncryptedRandomSessionKey). */
  KEY_EXCH: 0x40000000,
  /** W: 56-bit encryption. */
  NEGOTIATE_56: 0x80000000,
} as const;

/** Name of one NegotiateFlag. */
export type NegotiateFlagName = keyof typeof NegotiateFlag;

/**
 * True when every bit of `required` is set in `flags`.
 *
 * @example
 * ```ts
 * hasFlags(0x62988255, NegotiateFlag.DATAGRAM); // true
 * ```
 */
export function hasFlags(flags: number, required: number): boolean {
  return ((flags & required) >>> 0) === required >>> 0;
}

/**
 * The names of the flags set in `flags`, in bit order (for logs and error messages).
 *
 * @example
 * ```ts
 * flagNames(0x00000011); // ["UNICODE", "SIGN"]
 * ```
 */
export function flagNames(flags: number): NegotiateFlagName[] {
  const names = Object.entries(NegotiateFlag) as [NegotiateFlagName, number][];
  return names.filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
}
