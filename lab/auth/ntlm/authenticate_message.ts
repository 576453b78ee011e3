/**
 * AUTHENTICATE_MESSAGE (MS-NLMP §2.2.1.3), the client's answer to the CHALLENGE_MESSAGE; in
 * MS-SIPAE it is carried base64 in the gssapi-data of the third REGISTER.
 *
 * Layout: Signature(8) MessageType(4)=3 LmChallengeResponseFields(8)
 * NtChallengeResponseFields(8) DomainNameFields(8) UserNameFields(8) WorkstationFields(8)
 * EncryptedRandomSessionKeyFields(8) NegotiateFlags(4) Version(8) [MIC(16)] Payload.
 *
 * @example
 * ```ts
 * const auth = decodeAuthenticateMessage(bytes);
 * auth.userName; // "User"
 * ```
 *
 * @module
 */
import { readLe32, writeLe32 } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import {
  checkMessageHeader,
  decodeNtlmString,
  encodeNtlmString,
  MessageType,
  MessageWriter,
  readPayloadField,
} from "./message_fields.ts";
import { decodeVersion, encodeVersion, type NtlmVersion } from "./version.ts";
import { NegotiateFlag } from "./flags.ts";

/** The fields of an AUTHENTICATE_MESSAGE. */
export interface AuthenticateMessage {
  /** NegFlg: in connectionless mode the client's conclusion of the negotiation (§2.2.1.3). */
  negotiateFlags: number;
  lmChallengeResponse: Uint8Array;
  ntChallengeResponse: Uint8Array;
  domainName: string;
  userName: string;
  workstation: string;
  /** Empty when NTLMSSP_NEGOTIATE_KEY_EXCH is not used. */
  encryptedRandomSessionKey: Uint8Array;
  /** Read when NTLMSSP_NEGOTIATE_VERSION is set; written whenever given (else zero). */
  version?: NtlmVersion;
  /** The 16-byte MIC when the message has room for it (header of 88 bytes). */
  mic?: Uint8Array;
}

/** Where the MIC sits in an AUTHENTICATE_MESSAGE (zeroed while computing it, §3.1.5.1.2). */
export const AUTHENTICATE_MIC_OFFSET = 72;
/** Length of the MIC field. */
export const MIC_LENGTH = 16;

const LM_AT = 12;
const NT_AT = 20;
const DOMAIN_AT = 28;
const USER_AT = 36;
const WORKSTATION_AT = 44;
const SESSION_KEY_AT = 52;
const FLAGS_AT = 60;
const VERSION_AT = 64;
const HEADER_WITHOUT_MIC = 72;
const HEADER_WITH_MIC = 88;

/**
 * Encodes an AUTHENTICATE_MESSAGE with the payload in the order DomainName, UserName,
 * Workstation, LmChallengeResponse, NtChallengeResponse, EncryptedRandomSessionKey (as in the
 * MS-NLMP §4.2 examples and real captures). When `mic` is given the header is 88 bytes.
 *
 * @example
 * ```ts
 * encodeAuthenticateMessage({ ...fields, mic: new Uint8Array(16) }); // MIC computed afterwards
 * ```
 */
export function encodeAuthenticateMessage(message: AuthenticateMessage): Uint8Array {
  const flags = message.negotiateFlags;
  const w = new MessageWriter(
    MessageType.AUTHENTICATE,
    message.mic ? HEADER_WITH_MIC : HEADER_WITHOUT_MIC,
  );
  writeLe32(w.header, FLAGS_AT, flags);
  if (message.version) w.header.set(encodeVersion(message.version), VERSION_AT);
  if (message.mic) {
    if (message.mic.length !== MIC_LENGTH) throw new RangeError("MIC is 16 bytes");
    w.header.set(message.mic, AUTHENTICATE_MIC_OFFSET);
  }
  w.field(DOMAIN_AT, encodeNtlmString(message.domainName, flags));
  w.field(USER_AT, encodeNtlmString(message.userName, flags));
  w.field(WORKSTATION_AT, encodeNtlmString(message.workstation, flags));
  w.field(LM_AT, message.lmChallengeResponse);
  w.field(NT_AT, message.ntChallengeResponse);
  w.field(SESSION_KEY_AT, message.encryptedRandomSessionKey);
  return w.finish();
}

/**
 * Decodes an AUTHENTICATE_MESSAGE; throws NtlmAuthError("malformed-token") on bad framing or a
 * field outside the message. `mic` is reported when no payload field starts before byte 88;
 * whether the MIC is meaningful is told by MsvAvFlags in the NTLMv2 response (§2.2.1.3).
 *
 * @example
 * ```ts
 * decodeAuthenticateMessage(fromBase64(gssapiData)).ntChallengeResponse.length; // > 24 for v2
 * ```
 */
export function decodeAuthenticateMessage(bytes: Uint8Array): AuthenticateMessage {
  checkMessageHeader(bytes, MessageType.AUTHENTICATE, HEADER_WITHOUT_MIC);
  const negotiateFlags = readLe32(bytes, FLAGS_AT);
  if (!(negotiateFlags & (NegotiateFlag.UNICODE | NegotiateFlag.OEM))) {
    throw new NtlmAuthError("malformed-token", "neither UNICODE nor OEM negotiated");
  }
  const fields = [LM_AT, NT_AT, DOMAIN_AT, USER_AT, WORKSTATION_AT, SESSION_KEY_AT].map((at) =>
    readPayloadField(bytes, at)
  );
  const [lm, nt, domain, user, workstation, sessionKey] = fields;
  const payloadStart = Math.min(
    bytes.length,
    ...fields.filter((f) => f.data.length > 0).map((f) => f.offset),
  );
  if (payloadStart < HEADER_WITHOUT_MIC) {
    throw new NtlmAuthError("malformed-token", "payload field overlaps the fixed header");
  }
  const message: AuthenticateMessage = {
    negotiateFlags,
    lmChallengeResponse: lm.data,
    ntChallengeResponse: nt.data,
    domainName: decodeNtlmString(domain.data, negotiateFlags),
    userName: decodeNtlmString(user.data, negotiateFlags),
    workstation: decodeNtlmString(workstation.data, negotiateFlags),
    encryptedRandomSessionKey: sessionKey.data,
  };
  if (negotiateFlags & NegotiateFlag.VERSION) message.version = decodeVersion(bytes, VERSION_AT);
  if (payloadStart >= HEADER_WITH_MIC) {
    message.mic = bytes.slice(AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + MIC_LENGTH);
  }
  return message;
}
