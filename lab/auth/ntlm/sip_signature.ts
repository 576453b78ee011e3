/**
 * MS-SIPAE message signing with NTLM (MS-SIP §3.1.4.2, MS-SIPAE §3.2.4 / §3.3.4): the
 * "signature buffer" built from selected values of a SIP message, and the NTLM MAC over it.
 *
 * Buffer: each value wrapped in `<` `>`, no separators, values exactly as they appear in the
 * message (case kept even for case-insensitive fields), `<>` for an absent optional value.
 *
 * | # | auth protocol version ≥ 3 | versions 1–2 |
 * |---|---|---|
 * | 1–5 | scheme, crand/srand, cnum/snum, realm, targetname | same |
 * | 6–8 | Call-ID, CSeq number, CSeq method | same |
 * | 9–10 | From URI (addr-spec), From tag | same |
 * | 11 | To URI | To tag |
 * | 12 | To tag | Expires |
 * | 13 | P-Asserted-Identity SIP URI | response code (responses only) |
 * | 14 | P-Asserted-Identity tel URI | — |
 * | 15 | Expires | — |
 * | 16 | response code (responses only) | — |
 *
 * The response code is appended for responses only; requests get no `<>` for it.
 *
 * Signature: NTLM MAC() with the direction's signing and sealing keys and the fixed sequence
 * number 100 (all real captures end in `64000000`). With extended session security it is the
 * §3.4.4.2 MAC, the checksum RC4-encrypted under KEY_EXCH with the datagram per-message key
 * MD5(SealingKey || SeqNum); without ESS (legacy OCS 2007) the §3.4.4.1 MAC on an RC4 handle
 * keyed with the sealing key itself, which is what the real capture reproduces.
 *
 * @example
 * ```ts
 * const buffer = buildSignatureBuffer(request, {
 *   scheme: "NTLM", rand: "13317733", num: "1",
 *   realm: "SIP Communications Service", targetName: "cosmo-ocs-r2.cosmo.local",
 * }, 4);
 * toHex(signSipBuffer(clientKeys, buffer)); // "0100000029618e9651b65a7764000000" in the capture
 * ```
 *
 * @module
 */
import { bytesEqual, fromHex, le32, utf8 } from "../crypto/bytes.ts";
import { md5 } from "../crypto/digests.ts";
import { Rc4 } from "../crypto/rc4.ts";
import { type NameAddr, parseNameAddr, parseNameAddrList } from "../../sip/message/mod.ts";
import { NtlmAuthError } from "./errors.ts";
import { NegotiateFlag } from "./flags.ts";
import { macWithExtendedSessionSecurity, macWithoutExtendedSessionSecurity } from "./mac.ts";

/**
 * What the buffer reads from a SIP message. `SipRequest` and `SipResponse` from
 * lab/sip/message satisfy it; so does any object with a header getter.
 */
export interface SignableMessage {
  readonly kind: "request" | "response";
  /** The status code; read for responses. */
  readonly status?: number;
  /** First value of a header (any case; compact forms as the implementation supports). */
  header(name: string): string | undefined;
  /** Every value of a header, in order. */
  headerValues(name: string): string[];
}

/** The authentication values that open the buffer (as they appear in the auth header). */
export interface SignatureAuthFields {
  /** "NTLM", "Kerberos" or "TLS-DSK". */
  scheme: string;
  /** crand (client) or srand (server). */
  rand: string;
  /** cnum (client) or snum (server), decimal as written. */
  num: string;
  realm: string;
  targetName: string;
}

/**
 * Builds the signature buffer of `message` for auth protocol `protocolVersion` (version ≥ 3:
 * To URI and P-Asserted-Identity values are included). Throws
 * NtlmAuthError("malformed-auth-param") when Call-ID, CSeq, From or To is missing or malformed.
 *
 * @example
 * ```ts
 * buildSignatureBuffer(okResponse, { scheme: "NTLM", rand: "9616454F", num: "1", realm, targetName }, 4);
 * // "<NTLM><9616454F><1><…><200>"
 * ```
 */
export function buildSignatureBuffer(
  message: SignableMessage,
  auth: SignatureAuthFields,
  protocolVersion: number,
): string {
  const callId = requiredHeader(message, "Call-ID").trim();
  const cseq = /^\s*(\d+)\s+(\S+)\s*$/.exec(requiredHeader(message, "CSeq"));
  if (!cseq) throw new NtlmAuthError("malformed-auth-param", "malformed CSeq");
  const from = nameAddr(message, "From");
  const to = nameAddr(message, "To");
  const expires = message.header("Expires")?.trim() ?? "";
  const values = [
    auth.scheme,
    auth.rand,
    auth.num,
    auth.realm,
    auth.targetName,
    callId,
    cseq[1],
    cseq[2],
    from.uriText,
    from.tag ?? "",
  ];
  if (protocolVersion >= 3) {
    const identity = assertedIdentity(message);
    values.push(to.uriText, to.tag ?? "", identity.sip, identity.tel, expires);
  } else {
    values.push(to.tag ?? "", expires);
  }
  if (message.kind === "response") values.push(String(message.status));
  return values.map((v) => `<${v}>`).join("");
}

/** The signing direction's keys and the negotiated flags (from NtlmSessionSecurity.keys). */
export interface SipSigningKeys {
  signingKey: Uint8Array;
  sealingKey: Uint8Array;
  /** NegFlg: EXTENDED_SESSIONSECURITY and KEY_EXCH select the MAC variant. */
  flags: number;
}

/** The NTLM sequence number used for every SIP signature (real captures: `64000000`). */
export const SIP_NTLM_SEQUENCE_NUMBER = 100;

/**
 * The 16-byte NTLM signature of a signature buffer (see the module description).
 *
 * @example
 * ```ts
 * signSipBuffer({ signingKey, sealingKey, flags: 0x62988255 }, buffer);
 * ```
 */
export function signSipBuffer(keys: SipSigningKeys, buffer: string): Uint8Array {
  const seq = SIP_NTLM_SEQUENCE_NUMBER;
  const data = utf8(buffer);
  if (keys.flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) {
    // MS-NLMP §3.4: datagram re-key SealingKey' = MD5(SealingKey || SeqNum); §3.4.4.2 MAC.
    const handle = keys.flags & NegotiateFlag.KEY_EXCH
      ? new Rc4(md5(keys.sealingKey, le32(seq)))
      : undefined;
    return macWithExtendedSessionSecurity(keys.signingKey, seq, data, handle);
  }
  // Legacy (no ESS): §3.4.4.1 MAC on a handle keyed with the sealing key, fresh per message.
  return macWithoutExtendedSessionSecurity(new Rc4(keys.sealingKey), seq, data);
}

/**
 * True when `signatureHex` (either case) is the signature of `buffer` under `keys`. Without ESS
 * the RandomPad slot carries no check value and is ignored.
 *
 * @example
 * ```ts
 * verifySipSignature(serverKeys, buffer, "01000000E615438A917661BE64000000"); // true
 * ```
 */
export function verifySipSignature(
  keys: SipSigningKeys,
  buffer: string,
  signatureHex: string,
): boolean {
  if (!/^[0-9a-fA-F]{32}$/.test(signatureHex)) return false;
  const received = fromHex(signatureHex);
  const expected = signSipBuffer(keys, buffer);
  if (keys.flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) return bytesEqual(expected, received);
  return bytesEqual(expected.subarray(0, 4), received.subarray(0, 4)) &&
    bytesEqual(expected.subarray(8), received.subarray(8));
}

function requiredHeader(message: SignableMessage, name: string): string {
  const value = message.header(name);
  if (value === undefined) {
    throw new NtlmAuthError("malformed-auth-param", `missing ${name} for the signature buffer`);
  }
  return value;
}

function nameAddr(message: SignableMessage, name: string): NameAddr {
  try {
    return parseNameAddr(requiredHeader(message, name));
  } catch (e) {
    if (e instanceof NtlmAuthError) throw e;
    throw new NtlmAuthError("malformed-auth-param", `malformed ${name}`);
  }
}

/**
 * The SIP and tel URIs asserted for the sender: P-Asserted-Identity values, or
 * P-Preferred-Identity when there is no P-Asserted-Identity (RFC 3325; MS-SIPAE guide §6.1).
 */
function assertedIdentity(message: SignableMessage): { sip: string; tel: string } {
  let values = message.headerValues("P-Asserted-Identity");
  if (values.length === 0) values = message.headerValues("P-Preferred-Identity");
  let identities: NameAddr[];
  try {
    identities = values.flatMap((v) => parseNameAddrList(v));
  } catch {
    throw new NtlmAuthError("malformed-auth-param", "malformed P-Asserted-Identity");
  }
  const sip = identities.find((n) => n.uri.scheme === "sip" || n.uri.scheme === "sips");
  const tel = identities.find((n) => n.uri.scheme === "tel");
  return { sip: sip?.uriText ?? "", tel: tel?.uriText ?? "" };
}
