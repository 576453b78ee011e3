/**
 * Known-answer values from MS-NLMP §4.2 (Cryptographic Values for Validation) and from the real
 * Office Communicator 2007 R2 ↔ OCS 2007 R2 capture in MS-NLMP-vectors.md §7 — shared by the
 * NTLM tests. Hexdumps are copied from the spec text; spaces are ignored by fromHex.
 *
 * @module
 */
import { fromHex } from "../../crypto/bytes.ts";

/** MS-NLMP §4.2.1 Common Values. */
export const COMMON = {
  user: "User",
  domain: "Domain",
  password: "Password",
  serverName: "Server",
  workstation: "COMPUTER",
  randomSessionKey: fromHex("55".repeat(16)),
  time: fromHex("00".repeat(8)),
  clientChallenge: fromHex("aa".repeat(8)),
  serverChallenge: fromHex("0123456789abcdef"),
  plaintext: fromHex("50 00 6c 00 61 00 69 00 6e 00 74 00 65 00 78 00 74 00"),
  /** VERSION in the §4.2 AUTHENTICATE_MESSAGEs: 5.1 build 2600, revision 15. */
  clientVersion: { major: 5, minor: 1, build: 2600, revision: 15 },
};

/** MS-NLMP §4.2.2 NTLM v1 Authentication. */
export const V1 = {
  challengeFlags: 0xe2028233,
  authenticateFlags: 0xe2808235,
  lmowf: "e52cac67419a9a224a3b108f3fa6cb6d",
  ntowf: "a4f49c406510bdcab6824ee7c30fd852",
  sessionBaseKey: "d87262b0cde4b1cb7499becccdf10784",
  ntlmv1Response: "67c43011f30298a2ad35ece64f16331c44bdbed927841f94",
  lmv1Response: "98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13",
  keyExchangeKeyLmKey: "b09e379f7fbecb1eaf0afdcb0383c8a0",
  encryptedSessionKey: "518822b1b3f350c8958682ecbb3e3cb7",
  encryptedSessionKeyNonNt: "7452ca55c225a1ca04b48fae32cf56fc",
  encryptedSessionKeyLmKey: "4cd7bb57d697ef9b549f02b8f9b37864",
  challengeMessage: fromHex(`
    4e 54 4c 4d 53 53 50 00 02 00 00 00 0c 00 0c 00
    38 00 00 00 33 82 02 e2 01 23 45 67 89 ab cd ef
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    06 00 70 17 00 00 00 0f 53 00 65 00 72 00 76 00
    65 00 72 00`),
  authenticateMessage: fromHex(`
    4e 54 4c 4d 53 53 50 00 03 00 00 00 18 00 18 00
    6c 00 00 00 18 00 18 00 84 00 00 00 0c 00 0c 00
    48 00 00 00 08 00 08 00 54 00 00 00 10 00 10 00
    5c 00 00 00 10 00 10 00 9c 00 00 00 35 82 80 e2
    05 01 28 0a 00 00 00 0f 44 00 6f 00 6d 00 61 00
    69 00 6e 00 55 00 73 00 65 00 72 00 43 00 4f 00
    4d 00 50 00 55 00 54 00 45 00 52 00 98 de f7 b8
    7f 88 aa 5d af e2 df 77 96 88 a1 72 de f1 1c 7d
    5c cd ef 13 67 c4 30 11 f3 02 98 a2 ad 35 ec e6
    4f 16 33 1c 44 bd be d9 27 84 1f 94 51 88 22 b1
    b3 f3 50 c8 95 86 82 ec bb 3e 3c b7`),
  sealedData: "56fe04d861f9319af0d7238a2e3b4d457fb8",
  /** §4.2.2.4 assembled signature (RandomPad slot holds RC4(Handle, RandomPad)). */
  wrapSignature: "0100000045c844e509dcd1df2e459d36",
};

/** MS-NLMP §4.2.3 NTLM v1 with Client Challenge (extended session security). */
export const V1_ESS = {
  challengeFlags: 0x820a8233,
  authenticateFlags: 0x82088235,
  keyExchangeKey: "eb93429a8bd952f8b89c55b87f475edc",
  lmv1Response: "aaaaaaaaaaaaaaaa00000000000000000000000000000000",
  ntlmv1Response: "7537f803ae367128ca458204bde7caf81e97ed2683267232",
  clientSealingKey: "04dd7f014d8504d265a25cc86a3a7c06",
  clientSigningKey: "60e799be5c72fc92922ae8ebe961fb8d",
  sealedData: "a02372f6530273f3aa1eb90190ce5200c99d",
  wrapSignature: "01000000ff2aeb52f681793a00000000",
  challengeMessage: fromHex(`
    4e 54 4c 4d 53 53 50 00 02 00 00 00 0c 00 0c 00
    38 00 00 00 33 82 0a 82 01 23 45 67 89 ab cd ef
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    06 00 70 17 00 00 00 0f 53 00 65 00 72 00 76 00
    65 00 72 00`),
  authenticateMessage: fromHex(`
    4e 54 4c 4d 53 53 50 00 03 00 00 00 18 00 18 00
    6c 00 00 00 18 00 18 00 84 00 00 00 0c 00 0c 00
    48 00 00 00 08 00 08 00 54 00 00 00 10 00 10 00
    5c 00 00 00 00 00 00 00 9c 00 00 00 35 82 08 82
    05 01 28 0a 00 00 00 0f 44 00 6f 00 6d 00 61 00
    69 00 6e 00 55 00 73 00 65 00 72 00 43 00 4f 00
    4d 00 50 00 55 00 54 00 45 00 52 00 aa aa aa aa
    aa aa aa aa 00 00 00 00 00 00 00 00 00 00 00 00
    00 00 00 00 75 37 f8 03 ae 36 71 28 ca 45 82 04
    bd e7 ca f8 1e 97 ed 26 83 26 72 32`),
};

/** MS-NLMP §4.2.4 NTLMv2 Authentication. */
export const V2 = {
  challengeFlags: 0xe28a8233,
  authenticateFlags: 0xe2888235,
  /** AV pairs: NbDomainName "Domain", NbComputerName "Server", MsvAvEOL. */
  targetInfo: "02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000",
  ntowf: "0c868a403bfd7a93a3001ef22ef02e3f",
  sessionBaseKey: "8de40ccadbc14a82f15cb0ad0de95ca3",
  /** §4.2.4.1.3 temp; the markdown copy drops its first hexdump line (see MS-NLMP-vectors.md). */
  temp: "01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000" +
    "02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000",
  lmv2Response: "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa",
  ntProofStr: "68cd0ab851e51c96aabc927bebef6a1c",
  encryptedSessionKey: "c5dad2544fc9799094ce1ce90bc9d03e",
  clientSealingKey: "59f600973cc4960a25480a7c196e4c58",
  clientSigningKey: "4788dc861b4782f35d43fd98fe1a2d39",
  sealedData: "54e50165bf1936dc996020c1811b0f06fb5f",
  checksumBeforeRc4: "70352851f2564309",
  wrapSignature: "010000007fb38ec5c55d497600000000",
  challengeMessage: fromHex(`
    4e 54 4c 4d 53 53 50 00 02 00 00 00 0c 00 0c 00
    38 00 00 00 33 82 8a e2 01 23 45 67 89 ab cd ef
    00 00 00 00 00 00 00 00 24 00 24 00 44 00 00 00
    06 00 70 17 00 00 00 0f 53 00 65 00 72 00 76 00
    65 00 72 00 02 00 0c 00 44 00 6f 00 6d 00 61 00
    69 00 6e 00 01 00 0c 00 53 00 65 00 72 00 76 00
    65 00 72 00 00 00 00 00`),
  authenticateMessage: fromHex(`
    4e 54 4c 4d 53 53 50 00 03 00 00 00 18 00 18 00
    6c 00 00 00 54 00 54 00 84 00 00 00 0c 00 0c 00
    48 00 00 00 08 00 08 00 54 00 00 00 10 00 10 00
    5c 00 00 00 10 00 10 00 d8 00 00 00 35 82 88 e2
    05 01 28 0a 00 00 00 0f 44 00 6f 00 6d 00 61 00
    69 00 6e 00 55 00 73 00 65 00 72 00 43 00 4f 00
    4d 00 50 00 55 00 54 00 45 00 52 00 86 c3 50 97
    ac 9c ec 10 25 54 76 4a 57 cc cc 19 aa aa aa aa
    aa aa aa aa 68 cd 0a b8 51 e5 1c 96 aa bc 92 7b
    eb ef 6a 1c 01 01 00 00 00 00 00 00 00 00 00 00
    00 00 00 00 aa aa aa aa aa aa aa aa 00 00 00 00
    02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00
    01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00
    00 00 00 00 00 00 00 00 c5 da d2 54 4f c9 79 90
    94 ce 1c e9 0b c9 d0 3e`),
};

/**
 * MS-NLMP-vectors.md §7.1: real NTLMv2 + ESS + KEY_EXCH + DATAGRAM handshake, Office
 * Communicator 2007 R2 ↔ OCS 2007 R2 (as carried in gssapi-data).
 */
export const OCS_CAPTURE = {
  user: "User",
  domain: "COSMO",
  password: "Pa$$word",
  workstation: "COSMO-OCS-R2",
  clientVersion: { major: 5, minor: 2, build: 3790, revision: 15 },
  challengeFlags: 0xe29882f3,
  authenticateFlags: 0x62988255,
  serverChallenge: "dd1baaf4e7e218d1",
  targetInfo: "02000A0043004F0053004D004F000100180043004F0053004D004F002D004F00430053002D00520032" +
    "000400160063006F0073006D006F002E006C006F00630061006C000300300063006F0073006D006F002D006F00" +
    "630073002D00720032002E0063006F0073006D006F002E006C006F00630061006C000500160063006F0073006D" +
    "006F002E006C006F00630061006C0000000000",
  challengeBase64:
    "TlRMTVNTUAACAAAAAAAAADgAAADzgpji3Ruq9OfiGNEAAAAAAAAAAJYAlgA4AAAABQLODgAAAA8CAA" +
    "oAQwBPAFMATQBPAAEAGABDAE8AUwBNAE8ALQBPAEMAUwAtAFIAMgAEABYAYwBvAHMAbQBvAC4AbABvAGMAYQBsAAMA" +
    "MABjAG8AcwBtAG8ALQBvAGMAcwAtAHIAMgAuAGMAbwBzAG0AbwAuAGwAbwBjAGEAbAAFABYAYwBvAHMAbQBvAC4AbA" +
    "BvAGMAYQBsAAAAAAA=",
  time: "59519a1727b9ca01",
  clientChallenge: "d6ae875cb0fdaa41",
  ntowf: "164b086e00d2f393529fa3a98209f99e",
  ntProofStr: "8dc0c800ae76eca606d2b9fbebd04731",
  lmv2Response: "a1e92efe4e078bf7c5c0049acc6166c2d6ae875cb0fdaa41",
  sessionBaseKey: "02959b1d938e14ccc8412639311cdd49",
  encryptedSessionKey: "31cb739e1ca80a498591e8ae797115e4",
  exportedSessionKey: "6742fbe37bb1946b49d86a525bd29a9b",
  clientSigningKey: "ea5e87c195ae65338f7c023e7600690d",
  clientSealingKey: "83013a189002d3abad49c4c8f605ecc8",
  serverSigningKey: "0151fe94dba8c83f3c6a6e5444ae54b4",
  serverSealingKey: "2a2e34e8d420c039e8f31cb9e8e0cd88",
  authenticateBase64: "TlRMTVNTUAADAAAAGAAYAHIAAADGAMYAigAAAAoACgBIAAAACAAIAFIAAAAYABgAWgAAABAAEA" +
    "BQAQAAVYKYYgUCzg4AAAAPQwBPAFMATQBPAFUAcwBlAHIAQwBPAFMATQBPAC0ATwBDAFMALQBSADIAoeku/k4Hi/fF" +
    "wASazGFmwtauh1yw/apBjcDIAK527KYG0rn769BHMQEBAAAAAAAAWVGaFye5ygHWrodcsP2qQQAAAAACAAoAQwBPAF" +
    "MATQBPAAEAGABDAE8AUwBNAE8ALQBPAEMAUwAtAFIAMgAEABYAYwBvAHMAbQBvAC4AbABvAGMAYQBsAAMAMABjAG8A" +
    "cwBtAG8ALQBvAGMAcwAtAHIAMgAuAGMAbwBzAG0AbwAuAGwAbwBjAGEAbAAFABYAYwBvAHMAbQBvAC4AbABvAGMAYQ" +
    "BsAAAAAAAAAAAAMctznhyoCkmFkeiueXEV5A==",
};

/** MS-NLMP-vectors.md §7.2 / §7.3: SIP signature buffers and signatures (sequence number 100). */
export const SIP_SIGNATURES = {
  clientBuffer: "<NTLM><13317733><1><SIP Communications Service><cosmo-ocs-r2.cosmo.local>" +
    "<4037df9284354df39065195bd57a4b14><3><REGISTER><sip:user@cosmo.local><3e49177a52>" +
    "<sip:user@cosmo.local><><><><>",
  clientSignature: "0100000029618e9651b65a7764000000",
  serverBuffer: "<NTLM><9616454F><1><SIP Communications Service><cosmo-ocs-r2.cosmo.local>" +
    "<4037df9284354df39065195bd57a4b14><3><REGISTER><sip:user@cosmo.local><3e49177a52>" +
    "<sip:user@cosmo.local><5E61CCD925D17E043D9A74835A88F664><><><7200><200>",
  serverSignature: "01000000E615438A917661BE64000000",
  legacyKey: "5f029153bc025058969548615e7099ba",
  legacyBuffer: "<NTLM><0878F41B><1><SIP Communications Service><ocs1.ocs.provo.novell.com>" +
    "<8592g5DCBa1694i5887m0D0Bt2247b3F38xAE9Fx><3><REGISTER><sip:gabriel@ocs.provo.novell.com>" +
    "<2947328781><B816D65C2300A32CFA6D371F2AF537FD><900><200>",
  legacySignature: "0100000000000000BF2E52667DDF6DED",
};
