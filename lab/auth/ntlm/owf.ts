/**
 * The one-way functions that turn a password into response keys (MS-NLMP §3.3.1 NTOWFv1 and
 * LMOWFv1, §3.3.2 NTOWFv2 and LMOWFv2).
 *
 * @example
 * ```ts
 * toHex(ntowfv2("Password", "User", "Domain")); // "0c868a403bfd7a93a3001ef22ef02e3f"
 * ```
 *
 * @module
 */
import { concatBytes, utf16le } from "../crypto/bytes.ts";
import { desEncryptBlock } from "../crypto/des.ts";
import { hmacMd5, md4 } from "../crypto/digests.ts";

/** The NT hash of a password: what a server's credential store keeps instead of the password. */
export type NtHash = Uint8Array;

/**
 * NTOWFv1(Passwd) = MD4(UNICODE(Passwd)) (MS-NLMP §3.3.1), the "NT hash".
 *
 * @example
 * ```ts
 * toHex(ntowfv1("Password")); // "a4f49c406510bdcab6824ee7c30fd852"
 * ```
 */
export function ntowfv1(password: string): NtHash {
  return md4(utf16le(password));
}

const LM_MAGIC = new Uint8Array([0x4b, 0x47, 0x53, 0x21, 0x40, 0x23, 0x24, 0x25]); // "KGS!@#$%"

/**
 * LMOWFv1(Passwd) = DES(UpperCase(Passwd)[0..6], "KGS!@#$%") ||
 * DES(UpperCase(Passwd)[7..13], "KGS!@#$%") (MS-NLMP §3.3.1); the uppercased OEM password is
 * zero-padded to 14 bytes. Throws RangeError for passwords longer than 14 characters, for which
 * "the LMOWF v1 cannot be computed".
 *
 * @example
 * ```ts
 * toHex(lmowfv1("Password")); // "e52cac67419a9a224a3b108f3fa6cb6d"
 * ```
 */
export function lmowfv1(password: string): Uint8Array {
  if (password.length > 14) throw new RangeError("LMOWFv1 needs a password of at most 14 chars");
  const padded = new Uint8Array(14);
  const upper = password.toUpperCase();
  for (let i = 0; i < upper.length; i++) padded[i] = upper.charCodeAt(i) & 0xff;
  return concatBytes(
    desEncryptBlock(padded.subarray(0, 7), LM_MAGIC),
    desEncryptBlock(padded.subarray(7, 14), LM_MAGIC),
  );
}

/**
 * NTOWFv2 from an NT hash: HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) || UserDom))
 * (MS-NLMP §3.3.2). Only the user name is uppercased; the domain is used as given. A server
 * holding NT hashes verifies NTLMv2 with this.
 *
 * @example
 * ```ts
 * ntowfv2FromNtHash(lookup("User"), "User", "Domain");
 * ```
 */
export function ntowfv2FromNtHash(ntHash: NtHash, user: string, domain: string): Uint8Array {
  return hmacMd5(ntHash, utf16le(user.toUpperCase() + domain));
}

/**
 * NTOWFv2(Passwd, User, UserDom) (MS-NLMP §3.3.2); LMOWFv2 is the same function.
 *
 * @example
 * ```ts
 * toHex(ntowfv2("Pa$$word", "User", "COSMO")); // "164b086e00d2f393529fa3a98209f99e"
 * ```
 */
export function ntowfv2(password: string, user: string, domain: string): Uint8Array {
  return ntowfv2FromNtHash(ntowfv1(password), user, domain);
}
