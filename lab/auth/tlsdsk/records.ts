/**
 * The TLS record layer framing (RFC 2246 §6.2.1): `type(1) version(2) length(2) fragment`, with
 * fragments of at most 2^14 octets. A TLS-DSK `gssapi-data` token is the base64 of one or more
 * whole records (MS-SIPAE §3.3, guide §3.3).
 *
 * @example
 * ```ts
 * const bytes = encodeRecords(ContentType.handshake, TLS_1_0, clientHello);
 * parseRecords(bytes)[0].type; // 22
 * ```
 *
 * @module
 */
import { concatBytes } from "../crypto/bytes.ts";
import { TlsHandshakeError } from "./errors.ts";
import { TlsReader, uint } from "./wire.ts";

/** RFC 2246 §6.2.1 ContentType. */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
} as const;

/** ProtocolVersion {3, 1}: TLS 1.0, the version TLS-DSK runs (guide §3.3). */
export const TLS_1_0 = 0x0301;

/** RFC 2246 §6.2.1: a plaintext fragment is at most 2^14 octets. */
export const MAX_FRAGMENT = 1 << 14;

/** One record as read from the wire. */
export interface TlsRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
}

/**
 * Frames `payload` into records of `type`, splitting at {@link MAX_FRAGMENT}.
 *
 * @example
 * ```ts
 * encodeRecords(ContentType.changeCipherSpec, TLS_1_0, new Uint8Array([1]));
 * ```
 */
export function encodeRecords(type: number, version: number, payload: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  do {
    const fragment = payload.subarray(at, at + MAX_FRAGMENT);
    parts.push(uint(type, 1), uint(version, 2), uint(fragment.length, 2), fragment);
    at += MAX_FRAGMENT;
  } while (at < payload.length);
  return concatBytes(...parts);
}

/**
 * Splits received bytes into whole records; a truncated record, an oversized one (RFC 2246
 * §6.2.3: at most 2^14 + 2048 octets), or a major version other than 3 throws
 * `malformed-token`.
 *
 * @example
 * ```ts
 * parseRecords(fromBase64(gssapiData));
 * ```
 */
export function parseRecords(bytes: Uint8Array): TlsRecord[] {
  const reader = new TlsReader(bytes);
  const records: TlsRecord[] = [];
  while (reader.remaining > 0) {
    const type = reader.u8();
    const version = reader.u16();
    const length = reader.u16();
    if (version >> 8 !== 3 || length > MAX_FRAGMENT + 2048) {
      throw new TlsHandshakeError("malformed-token", "decode_error", "not a TLS record");
    }
    records.push({ type, version, fragment: reader.take(length) });
  }
  if (records.length === 0) {
    throw new TlsHandshakeError("malformed-token", "decode_error", "no TLS record");
  }
  return records;
}
