/**
 * GenericBlockCipher record protection of TLS 1.0 (RFC 2246 §6.2.3.1–§6.2.3.2): HMAC over
 * `seq_num(8) type(1) version(2) length(2) fragment`, then CBC encryption of fragment + MAC +
 * padding, the IV being the key block IV for the first record and the last ciphertext block
 * after that. TLS-DSK only protects the Finished message of each side (no application data).
 *
 * @example
 * ```ts
 * const out = new RecordProtection(suite, keys.client);
 * const record = out.protect(ContentType.handshake, TLS_1_0, finished);
 * new RecordProtection(suite, keys.client).unprotect(parsedRecord); // finished
 * ```
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { concatBytes } from "../crypto/bytes.ts";
import type { CipherSuite } from "./cipher_suites.ts";
import { TlsHandshakeError } from "./errors.ts";
import type { DirectionKeys } from "./key_schedule.ts";
import { encodeRecords, type TlsRecord } from "./records.ts";
import { uint } from "./wire.ts";

/**
 * One direction's connection state after ChangeCipherSpec (sequence number from 0).
 *
 * @example
 * ```ts
 * new RecordProtection(suite, keys.server).protect(22, 0x0301, finishedMessage);
 * ```
 */
export class RecordProtection {
  #sequence = 0n;
  #iv: Uint8Array;

  constructor(readonly suite: CipherSuite, readonly keys: DirectionKeys) {
    this.#iv = keys.iv;
  }

  #mac(type: number, version: number, content: Uint8Array): Uint8Array {
    const seq = new Uint8Array(8);
    new DataView(seq.buffer).setBigUint64(0, this.#sequence);
    return new Uint8Array(
      createHmac(this.suite.macHash, this.keys.macKey)
        .update(seq).update(uint(type, 1)).update(uint(version, 2))
        .update(uint(content.length, 2)).update(content).digest(),
    );
  }

  /** Encrypts `content` into one record (RFC 2246 §6.2.3.2). */
  protect(type: number, version: number, content: Uint8Array): Uint8Array {
    const mac = this.#mac(type, version, content);
    const b = this.suite.blockLength;
    const padLength = b - 1 - ((content.length + mac.length) % b);
    const padding = new Uint8Array(padLength + 1).fill(padLength);
    const cipher = createCipheriv(this.suite.cipher, this.keys.key, this.#iv).setAutoPadding(false);
    const encrypted = concatBytes(
      new Uint8Array(cipher.update(concatBytes(content, mac, padding))),
      new Uint8Array(cipher.final()),
    );
    this.#iv = encrypted.slice(encrypted.length - b);
    this.#sequence++;
    return encodeRecords(type, version, encrypted);
  }

  /**
   * Decrypts and checks one record; bad length, padding or MAC all throw the same
   * `bad_record_mac` (RFC 2246 §7.2.2), code `mic-mismatch`.
   */
  unprotect(record: TlsRecord): Uint8Array {
    const b = this.suite.blockLength;
    const fail = () =>
      new TlsHandshakeError("mic-mismatch", "bad_record_mac", "record does not verify");
    const data = record.fragment;
    if (data.length === 0 || data.length % b !== 0 || data.length < this.suite.macLength + 1) {
      throw fail();
    }
    const decipher = createDecipheriv(this.suite.cipher, this.keys.key, this.#iv)
      .setAutoPadding(false);
    const plain = concatBytes(
      new Uint8Array(decipher.update(data)),
      new Uint8Array(decipher.final()),
    );
    this.#iv = data.slice(data.length - b);
    const padLength = plain[plain.length - 1];
    const contentLength = plain.length - padLength - 1 - this.suite.macLength;
    if (contentLength < 0) throw fail();
    for (let i = plain.length - 1 - padLength; i < plain.length; i++) {
      if (plain[i] !== padLength) throw fail();
    }
    const content = plain.slice(0, contentLength);
    const mac = plain.subarray(contentLength, contentLength + this.suite.macLength);
    if (!timingSafeEqual(mac, this.#mac(record.type, record.version, content))) throw fail();
    this.#sequence++;
    return content;
  }
}
