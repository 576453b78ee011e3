/**
 * Reading one received flight of TLS records (RFC 2246 §6, §7.1, §7.4): handshake messages in
 * plaintext records, then optionally ChangeCipherSpec and the encrypted Finished. Alerts from
 * the peer end the handshake.
 *
 * @example
 * ```ts
 * const flight = readFlight(parseRecords(bytes));
 * flight.messages.map((m) => m.type); // [11, 16, 15]
 * flight.encrypted; // the Finished record after ChangeCipherSpec
 * ```
 *
 * @module
 */
import { concatBytes } from "../crypto/bytes.ts";
import { TlsHandshakeError } from "./errors.ts";
import { type HandshakeMessage, splitHandshakeMessages } from "./handshake_messages.ts";
import { ContentType, TLS_1_0, type TlsRecord } from "./records.ts";

/** A received flight. */
export interface Flight {
  /** Plaintext handshake messages before ChangeCipherSpec. */
  messages: HandshakeMessage[];
  /** True when a ChangeCipherSpec record was present. */
  changeCipherSpec: boolean;
  /** Records after ChangeCipherSpec (encrypted under the new keys). */
  encrypted: TlsRecord[];
}

/**
 * Sorts a flight's records; throws on an alert, a bad ChangeCipherSpec, an unknown content
 * type, or a record version other than TLS 1.0 after the hellos.
 *
 * @example
 * ```ts
 * readFlight(parseRecords(token)).changeCipherSpec;
 * ```
 */
export function readFlight(records: TlsRecord[], checkVersion = true): Flight {
  const handshake: Uint8Array[] = [];
  const encrypted: TlsRecord[] = [];
  let changeCipherSpec = false;
  for (const record of records) {
    if (checkVersion && record.version !== TLS_1_0) {
      throw new TlsHandshakeError("unsupported-response", "protocol_version", "not TLS 1.0");
    }
    if (changeCipherSpec) {
      encrypted.push(record);
      continue;
    }
    switch (record.type) {
      case ContentType.handshake:
        handshake.push(record.fragment);
        break;
      case ContentType.changeCipherSpec:
        // RFC 2246 §7.1: the message is a single octet of value 1.
        if (record.fragment.length !== 1 || record.fragment[0] !== 1) {
          throw new TlsHandshakeError("malformed-token", "decode_error", "bad ChangeCipherSpec");
        }
        changeCipherSpec = true;
        break;
      case ContentType.alert:
        throw new TlsHandshakeError(
          "invalid-state",
          "handshake_failure",
          `peer sent alert ${record.fragment[0]}/${record.fragment[1]}`,
        );
      default:
        throw new TlsHandshakeError(
          "malformed-token",
          "unexpected_message",
          `record type ${record.type}`,
        );
    }
  }
  return {
    messages: splitHandshakeMessages(concatBytes(...handshake)),
    changeCipherSpec,
    encrypted,
  };
}

/**
 * Takes the next message of `flight`, which must be of `type`.
 *
 * @example
 * ```ts
 * const hello = expectMessage(queue, HandshakeType.serverHello, "ServerHello");
 * ```
 */
export function expectMessage(
  queue: HandshakeMessage[],
  type: number,
  name: string,
): HandshakeMessage {
  const next = queue.shift();
  if (!next || next.type !== type) {
    throw new TlsHandshakeError("invalid-state", "unexpected_message", `expected ${name}`);
  }
  return next;
}
