/**
 * The common framing of NTLM messages (MS-NLMP §2.2): the "NTLMSSP\0" signature, the
 * MessageType, the 8-byte field descriptors (Len LE16, MaxLen LE16, BufferOffset LE32) that point
 * into the payload, and string encoding by the negotiated character set.
 *
 * @example
 * ```ts
 * const w = new MessageWriter(MessageType.NEGOTIATE, 40);
 * w.field(16, utf8("DOMAIN"));
 * w.finish(); // header + payload
 * ```
 *
 * @module
 */
import {
  concatBytes,
  fromUtf16le,
  readLe16,
  readLe32,
  utf16le,
  writeLe16,
  writeLe32,
} from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import { NegotiateFlag } from "./flags.ts";

/** ('N','T','L','M','S','S','P','\0') — every NTLM message starts with it (MS-NLMP §2.2). */
export const NTLMSSP_SIGNATURE = new Uint8Array([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0]);

/** MessageType values (MS-NLMP §2.2). */
export const MessageType = {
  NEGOTIATE: 1,
  CHALLENGE: 2,
  AUTHENTICATE: 3,
} as const;

/**
 * Checks the signature, the message type and a minimum length; throws
 * NtlmAuthError("malformed-token") otherwise.
 *
 * @example
 * ```ts
 * checkMessageHeader(bytes, MessageType.CHALLENGE, 48);
 * ```
 */
export function checkMessageHeader(bytes: Uint8Array, type: number, minLength: number): void {
  if (bytes.length < Math.max(minLength, 12)) {
    throw new NtlmAuthError("malformed-token", `NTLM message too short (${bytes.length} bytes)`);
  }
  for (let i = 0; i < NTLMSSP_SIGNATURE.length; i++) {
    if (bytes[i] !== NTLMSSP_SIGNATURE[i]) {
      throw new NtlmAuthError("malformed-token", "missing NTLMSSP signature");
    }
  }
  const actual = readLe32(bytes, 8);
  if (actual !== type) {
    throw new NtlmAuthError("malformed-token", `NTLM message type ${actual}, expected ${type}`);
  }
}

/** A payload field as described by its descriptor. */
export interface PayloadField {
  /** The referenced bytes (a copy). */
  data: Uint8Array;
  /** BufferOffset as written (0 together with Len 0 means "not sent" in some encoders). */
  offset: number;
}

/**
 * Reads the field descriptor at `descriptorAt` and the payload it points to; throws
 * NtlmAuthError("malformed-token") when the field overruns the message. MaxLen is ignored on
 * receipt (MS-NLMP §2.2.1.x).
 *
 * @example
 * ```ts
 * readPayloadField(challenge, 12).data; // TargetName bytes
 * ```
 */
export function readPayloadField(bytes: Uint8Array, descriptorAt: number): PayloadField {
  const length = readLe16(bytes, descriptorAt);
  const offset = readLe32(bytes, descriptorAt + 4);
  if (length > 0 && offset + length > bytes.length) {
    throw new NtlmAuthError("malformed-token", `payload field at ${descriptorAt} overruns message`);
  }
  return { data: bytes.slice(offset, offset + length), offset };
}

/**
 * Builds a message: a fixed header of `headerLength` bytes (signature and type pre-filled) and a
 * payload appended field by field in call order, each descriptor pointing at its data.
 *
 * @example
 * ```ts
 * const w = new MessageWriter(MessageType.CHALLENGE, 56);
 * w.field(12, utf16le("Server"));
 * const bytes = w.finish();
 * ```
 */
export class MessageWriter {
  /** The fixed-length part; callers write flags and fixed fields into it directly. */
  readonly header: Uint8Array;
  readonly #payload: Uint8Array[] = [];
  #cursor: number;

  constructor(type: number, headerLength: number) {
    this.header = new Uint8Array(headerLength);
    this.header.set(NTLMSSP_SIGNATURE, 0);
    writeLe32(this.header, 8, type);
    this.#cursor = headerLength;
  }

  /**
   * Appends `data` to the payload and fills the descriptor at `descriptorAt` (Len = MaxLen =
   * data length, BufferOffset = where the data starts, also for empty data: MS-NLMP §2.2.1.3
   * "SHOULD be set to the offset ... where [it] would be").
   */
  field(descriptorAt: number, data: Uint8Array): void {
    if (data.length > 0xffff) throw new RangeError("NTLM payload field longer than 65535 bytes");
    writeLe16(this.header, descriptorAt, data.length);
    writeLe16(this.header, descriptorAt + 2, data.length);
    writeLe32(this.header, descriptorAt + 4, this.#cursor);
    this.#payload.push(data);
    this.#cursor += data.length;
  }

  /** The complete message. */
  finish(): Uint8Array {
    return concatBytes(this.header, ...this.#payload);
  }
}

/**
 * Encodes a string field in the negotiated character set (MS-NLMP §2.2.2.5 bits A and B):
 * UTF-16LE when NTLMSSP_NEGOTIATE_UNICODE is set, else the OEM set, taken here as Latin-1 (the
 * OEM code page is agreed out of band).
 *
 * @example
 * ```ts
 * encodeNtlmString("User", NegotiateFlag.UNICODE); // 55 00 73 00 65 00 72 00
 * ```
 */
export function encodeNtlmString(text: string, flags: number): Uint8Array {
  if (flags & NegotiateFlag.UNICODE) return utf16le(text);
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
}

/**
 * Decodes a string field in the negotiated character set; throws
 * NtlmAuthError("malformed-token") for an odd-length Unicode string.
 *
 * @example
 * ```ts
 * decodeNtlmString(utf16le("COMPUTER"), NegotiateFlag.UNICODE); // "COMPUTER"
 * ```
 */
export function decodeNtlmString(bytes: Uint8Array, flags: number): string {
  if (flags & NegotiateFlag.UNICODE) {
    if (bytes.length % 2 !== 0) {
      throw new NtlmAuthError("malformed-token", "odd-length Unicode string field");
    }
    return fromUtf16le(bytes);
  }
  return String.fromCharCode(...bytes);
}
