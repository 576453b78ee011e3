/**
 * NEGOTIATE_MESSAGE (MS-NLMP §2.2.1.1), sent by a connection-oriented client. MS-SIPAE uses
 * connectionless NTLM, which never sends it (MS-NLMP §1.3: "It is not possible to send a
 * NEGOTIATE_MESSAGE"), so the codec exists for completeness and for peers that do.
 *
 * Layout: Signature(8) MessageType(4)=1 NegotiateFlags(4) DomainNameFields(8)
 * WorkstationFields(8) Version(8) Payload; names are in the OEM character set.
 *
 * @example
 * ```ts
 * const bytes = encodeNegotiateMessage({ negotiateFlags: NegotiateFlag.UNICODE | NegotiateFlag.NTLM });
 * decodeNegotiateMessage(bytes).negotiateFlags; // 0x201
 * ```
 *
 * @module
 */
import { readLe32, writeLe32 } from "../crypto/bytes.ts";
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

/** The fields of a NEGOTIATE_MESSAGE. */
export interface NegotiateMessage {
  negotiateFlags: number;
  /** Client domain (OEM), present when NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED is set. */
  domainName?: string;
  /** Client machine (OEM), present when NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED is set. */
  workstation?: string;
  /** Present when NTLMSSP_NEGOTIATE_VERSION is set. */
  version?: NtlmVersion;
}

const HEADER_LENGTH = 40;
const FLAGS_AT = 12;
const DOMAIN_AT = 16;
const WORKSTATION_AT = 24;
const VERSION_AT = 32;

/**
 * Encodes a NEGOTIATE_MESSAGE. Supplying a domain or workstation sets the matching
 * *_SUPPLIED flag; supplying a version writes it (the caller sets NTLMSSP_NEGOTIATE_VERSION).
 *
 * @example
 * ```ts
 * encodeNegotiateMessage({ negotiateFlags: NegotiateFlag.OEM, domainName: "DOMAIN" });
 * ```
 */
export function encodeNegotiateMessage(message: NegotiateMessage): Uint8Array {
  const w = new MessageWriter(MessageType.NEGOTIATE, HEADER_LENGTH);
  let flags = message.negotiateFlags;
  if (message.domainName !== undefined) flags |= NegotiateFlag.OEM_DOMAIN_SUPPLIED;
  if (message.workstation !== undefined) flags |= NegotiateFlag.OEM_WORKSTATION_SUPPLIED;
  writeLe32(w.header, FLAGS_AT, flags);
  // §2.2.1.1: DomainName and WorkstationName are always in the OEM character set.
  w.field(DOMAIN_AT, encodeNtlmString(message.domainName ?? "", NegotiateFlag.OEM));
  w.field(WORKSTATION_AT, encodeNtlmString(message.workstation ?? "", NegotiateFlag.OEM));
  if (message.version) w.header.set(encodeVersion(message.version), VERSION_AT);
  return w.finish();
}

/**
 * Decodes a NEGOTIATE_MESSAGE; throws NtlmAuthError("malformed-token") on bad framing. Fields
 * whose flag is clear are ignored, as §2.2.1.1 requires.
 *
 * @example
 * ```ts
 * decodeNegotiateMessage(bytes).domainName;
 * ```
 */
export function decodeNegotiateMessage(bytes: Uint8Array): NegotiateMessage {
  checkMessageHeader(bytes, MessageType.NEGOTIATE, 32);
  const negotiateFlags = readLe32(bytes, FLAGS_AT);
  const message: NegotiateMessage = { negotiateFlags };
  if (negotiateFlags & NegotiateFlag.OEM_DOMAIN_SUPPLIED) {
    message.domainName = decodeNtlmString(
      readPayloadField(bytes, DOMAIN_AT).data,
      NegotiateFlag.OEM,
    );
  }
  if (negotiateFlags & NegotiateFlag.OEM_WORKSTATION_SUPPLIED) {
    message.workstation = decodeNtlmString(
      readPayloadField(bytes, WORKSTATION_AT).data,
      NegotiateFlag.OEM,
    );
  }
  if (negotiateFlags & NegotiateFlag.VERSION && bytes.length >= HEADER_LENGTH) {
    message.version = decodeVersion(bytes, VERSION_AT);
  }
  return message;
}
