/**
 * CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2), the server's first NTLM message; in connectionless
 * NTLM (MS-SIPAE) it is the first message of all, carried base64 in the gssapi-data of a 401/407.
 *
 * Layout: Signature(8) MessageType(4)=2 TargetNameFields(8) NegotiateFlags(4)
 * ServerChallenge(8) Reserved(8) TargetInfoFields(8) Version(8) Payload (TargetName, TargetInfo).
 *
 * @example
 * ```ts
 * const challenge = decodeChallengeMessage(bytes);
 * parseAvPairs(challenge.targetInfo ?? new Uint8Array(4));
 * ```
 *
 * @module
 */
import { readLe16, readLe32, writeLe32 } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import { NegotiateFlag } from "./flags.ts";
import {
  checkMessageHeader,
  decodeNtlmString,
  encodeNtlmString,
  MessageType,
  MessageWriter,
  readPayloadField,
} from "./message_fields.ts";
import { decodeVersion, encodeVersion, type NtlmVersion } from "./version.ts";

/** The fields of a CHALLENGE_MESSAGE. */
export interface ChallengeMessage {
  negotiateFlags: number;
  /** The 8-byte nonce (MS-NLMP §2.2.1.2 ServerChallenge). */
  serverChallenge: Uint8Array;
  /**
   * Server authentication realm in the negotiated character set; undefined when the descriptor
   * is all zero, "" when it is empty but points into the message.
   */
  targetName?: string;
  /** The raw AV_PAIR sequence (parse with parseAvPairs); undefined when not sent. */
  targetInfo?: Uint8Array;
  /** Read when NTLMSSP_NEGOTIATE_VERSION is set; written whenever given. */
  version?: NtlmVersion;
}

const HEADER_LENGTH = 56;
const HEADER_LENGTH_WITHOUT_VERSION = 48;
const TARGET_NAME_AT = 12;
const FLAGS_AT = 20;
const SERVER_CHALLENGE_AT = 24;
const TARGET_INFO_AT = 40;
const VERSION_AT = 48;

/**
 * Encodes a CHALLENGE_MESSAGE with the payload in the order TargetName, TargetInfo (as in the
 * MS-NLMP §4.2 examples). An absent field gets an all-zero descriptor.
 *
 * @example
 * ```ts
 * encodeChallengeMessage({ negotiateFlags, serverChallenge, targetInfo: encodeAvPairs(pairs) });
 * ```
 */
export function encodeChallengeMessage(message: ChallengeMessage): Uint8Array {
  if (message.serverChallenge.length !== 8) throw new RangeError("ServerChallenge is 8 bytes");
  const w = new MessageWriter(MessageType.CHALLENGE, HEADER_LENGTH);
  writeLe32(w.header, FLAGS_AT, message.negotiateFlags);
  w.header.set(message.serverChallenge, SERVER_CHALLENGE_AT);
  if (message.targetName !== undefined) {
    w.field(TARGET_NAME_AT, encodeNtlmString(message.targetName, message.negotiateFlags));
  }
  if (message.targetInfo !== undefined) w.field(TARGET_INFO_AT, message.targetInfo);
  if (message.version) w.header.set(encodeVersion(message.version), VERSION_AT);
  return w.finish();
}

/**
 * Decodes a CHALLENGE_MESSAGE; throws NtlmAuthError("malformed-token") on bad framing, a field
 * outside the message, or when neither UNICODE nor OEM is set (MS-NLMP §2.2.2.5:
 * SEC_E_INVALID_TOKEN). Accepts the 48-byte header of peers that omit Version.
 *
 * @example
 * ```ts
 * decodeChallengeMessage(fromBase64(gssapiData)).serverChallenge;
 * ```
 */
export function decodeChallengeMessage(bytes: Uint8Array): ChallengeMessage {
  checkMessageHeader(bytes, MessageType.CHALLENGE, HEADER_LENGTH_WITHOUT_VERSION);
  const negotiateFlags = readLe32(bytes, FLAGS_AT);
  if (!(negotiateFlags & (NegotiateFlag.UNICODE | NegotiateFlag.OEM))) {
    throw new NtlmAuthError("malformed-token", "neither UNICODE nor OEM negotiated");
  }
  const message: ChallengeMessage = {
    negotiateFlags,
    serverChallenge: bytes.slice(SERVER_CHALLENGE_AT, SERVER_CHALLENGE_AT + 8),
  };
  if (!isZeroDescriptor(bytes, TARGET_NAME_AT)) {
    const field = readPayloadField(bytes, TARGET_NAME_AT);
    message.targetName = decodeNtlmString(field.data, negotiateFlags);
  }
  if (!isZeroDescriptor(bytes, TARGET_INFO_AT)) {
    message.targetInfo = readPayloadField(bytes, TARGET_INFO_AT).data;
  }
  if (negotiateFlags & NegotiateFlag.VERSION && bytes.length >= HEADER_LENGTH) {
    message.version = decodeVersion(bytes, VERSION_AT);
  }
  return message;
}

function isZeroDescriptor(bytes: Uint8Array, at: number): boolean {
  return readLe16(bytes, at) === 0 && readLe32(bytes, at + 4) === 0;
}
