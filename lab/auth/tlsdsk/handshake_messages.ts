/**
 * The TLS 1.0 handshake messages TLS-DSK uses (RFC 2246 §7.4), encoded and decoded:
 * ClientHello, ServerHello, Certificate, CertificateRequest, ServerHelloDone,
 * ClientKeyExchange (RSA), CertificateVerify and Finished, each framed as
 * `msg_type(1) length(3) body`. Hello extensions are skipped when read (RFC 2246 §7.4.1.2
 * forward compatibility) and none are sent.
 *
 * @example
 * ```ts
 * const hello = encodeHandshake(HandshakeType.clientHello, encodeClientHello({ … }));
 * const [message] = splitHandshakeMessages(hello);
 * decodeClientHello(message.body).cipherSuites;
 * ```
 *
 * @module
 */
import { concatBytes } from "../crypto/bytes.ts";
import { TlsReader, uint, vector } from "./wire.ts";

/** RFC 2246 §7.4 HandshakeType. */
export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  certificate: 11,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;

/**
 * RFC 5746 §3.3: TLS_EMPTY_RENEGOTIATION_INFO_SCSV, offered by the client instead of an empty
 * renegotiation_info extension on an initial handshake.
 */
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** RFC 5746 §3.2 renegotiation_info extension type. */
export const RENEGOTIATION_INFO_EXTENSION = 0xff01;

/** RFC 2246 §7.4.4 ClientCertificateType rsa_sign. */
export const CLIENT_CERTIFICATE_TYPE_RSA_SIGN = 1;

/** One handshake message: its type, body, and the exact octets (for the transcript hashes). */
export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  raw: Uint8Array;
}

/**
 * Frames a handshake body (RFC 2246 §7.4).
 *
 * @example
 * ```ts
 * encodeHandshake(HandshakeType.serverHelloDone, new Uint8Array(0));
 * ```
 */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(uint(type, 1), uint(body.length, 3), body);
}

/**
 * Splits the concatenated handshake fragments of several records into messages; a message cut
 * short throws `malformed-token`.
 *
 * @example
 * ```ts
 * splitHandshakeMessages(flight).map((m) => m.type); // [2, 11, 13, 14]
 * ```
 */
export function splitHandshakeMessages(bytes: Uint8Array): HandshakeMessage[] {
  const reader = new TlsReader(bytes);
  const out: HandshakeMessage[] = [];
  while (reader.remaining > 0) {
    const start = bytes.length - reader.remaining;
    const type = reader.u8();
    const body = reader.vector(3);
    out.push({ type, body, raw: bytes.subarray(start, start + 4 + body.length) });
  }
  return out;
}

/** ClientHello (RFC 2246 §7.4.1.2). */
export interface ClientHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Extension types present (read only; none are sent). */
  extensionTypes?: number[];
}

/**
 * Encodes a ClientHello body.
 *
 * @example
 * ```ts
 * encodeClientHello({ version: 0x0301, random, sessionId: new Uint8Array(0),
 *   cipherSuites: [0x002f], compressionMethods: [0] });
 * ```
 */
export function encodeClientHello(h: ClientHello): Uint8Array {
  return concatBytes(
    uint(h.version, 2),
    h.random,
    vector(1, h.sessionId),
    vector(2, ...h.cipherSuites.map((s) => uint(s, 2))),
    vector(1, ...h.compressionMethods.map((m) => uint(m, 1))),
  );
}

/**
 * Decodes a ClientHello body (extensions, if any, are skipped).
 *
 * @example
 * ```ts
 * decodeClientHello(message.body).random.length; // 32
 * ```
 */
export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new TlsReader(body);
  const version = r.u16();
  const random = r.take(32);
  const sessionId = r.vector(1);
  const suites = new TlsReader(r.vector(2));
  const cipherSuites: number[] = [];
  while (suites.remaining > 0) cipherSuites.push(suites.u16());
  const compressionMethods = [...r.vector(1)];
  const extensionTypes: number[] = [];
  if (r.remaining > 0) {
    const extensions = new TlsReader(r.vector(2));
    while (extensions.remaining > 0) {
      extensionTypes.push(extensions.u16());
      extensions.vector(2);
    }
  }
  r.end("ClientHello");
  return { version, random, sessionId, cipherSuites, compressionMethods, extensionTypes };
}

/** ServerHello (RFC 2246 §7.4.1.3). */
export interface ServerHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  /** Encoded extensions block content (each `type(2) vector<2>`), when any is sent. */
  extensions?: Uint8Array;
}

/**
 * Encodes a ServerHello body.
 *
 * @example
 * ```ts
 * encodeServerHello({ version: 0x0301, random, sessionId, cipherSuite: 0x002f, compressionMethod: 0 });
 * ```
 */
export function encodeServerHello(h: ServerHello): Uint8Array {
  return concatBytes(
    uint(h.version, 2),
    h.random,
    vector(1, h.sessionId),
    uint(h.cipherSuite, 2),
    uint(h.compressionMethod, 1),
    h.extensions ? vector(2, h.extensions) : new Uint8Array(0),
  );
}

/**
 * Decodes a ServerHello body (extensions skipped).
 *
 * @example
 * ```ts
 * decodeServerHello(message.body).cipherSuite; // 0x002f
 * ```
 */
export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new TlsReader(body);
  const version = r.u16();
  const random = r.take(32);
  const sessionId = r.vector(1);
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  if (r.remaining > 0) r.vector(2);
  r.end("ServerHello");
  return { version, random, sessionId, cipherSuite, compressionMethod };
}

/**
 * Encodes a Certificate body: the chain, sender's certificate first (RFC 2246 §7.4.2).
 *
 * @example
 * ```ts
 * encodeCertificateList([leafDer]);
 * ```
 */
export function encodeCertificateList(chain: Uint8Array[]): Uint8Array {
  return vector(3, ...chain.map((der) => vector(3, der)));
}

/**
 * Decodes a Certificate body into DER certificates.
 *
 * @example
 * ```ts
 * decodeCertificateList(message.body)[0]; // the peer's certificate
 * ```
 */
export function decodeCertificateList(body: Uint8Array): Uint8Array[] {
  const r = new TlsReader(body);
  const list = new TlsReader(r.vector(3));
  r.end("Certificate");
  const chain: Uint8Array[] = [];
  while (list.remaining > 0) chain.push(list.vector(3));
  return chain;
}

/** CertificateRequest (RFC 2246 §7.4.4). */
export interface CertificateRequest {
  certificateTypes: number[];
  /** DER DistinguishedNames of acceptable CAs. */
  authorities: Uint8Array[];
}

/**
 * Encodes a CertificateRequest body.
 *
 * @example
 * ```ts
 * encodeCertificateRequest({ certificateTypes: [1], authorities: [caSubjectDer] });
 * ```
 */
export function encodeCertificateRequest(req: CertificateRequest): Uint8Array {
  return concatBytes(
    vector(1, ...req.certificateTypes.map((t) => uint(t, 1))),
    vector(2, ...req.authorities.map((dn) => vector(2, dn))),
  );
}

/**
 * Decodes a CertificateRequest body.
 *
 * @example
 * ```ts
 * decodeCertificateRequest(message.body).certificateTypes; // [1]
 * ```
 */
export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new TlsReader(body);
  const certificateTypes = [...r.vector(1)];
  const names = new TlsReader(r.vector(2));
  r.end("CertificateRequest");
  const authorities: Uint8Array[] = [];
  while (names.remaining > 0) authorities.push(names.vector(2));
  return { certificateTypes, authorities };
}

/**
 * Encodes an opaque 2-octet-length vector body: ClientKeyExchange's EncryptedPreMasterSecret
 * (RFC 2246 §7.4.7.1) or CertificateVerify's signature (§7.4.8, §4.7).
 *
 * @example
 * ```ts
 * encodeHandshake(HandshakeType.clientKeyExchange, encodeOpaque16(encryptedPreMaster));
 * ```
 */
export function encodeOpaque16(data: Uint8Array): Uint8Array {
  return vector(2, data);
}

/**
 * Decodes an opaque 2-octet-length vector body (see {@link encodeOpaque16}).
 *
 * @example
 * ```ts
 * decodeOpaque16(message.body); // the RSA ciphertext or signature
 * ```
 */
export function decodeOpaque16(body: Uint8Array, what: string): Uint8Array {
  const r = new TlsReader(body);
  const data = r.vector(2);
  r.end(what);
  return data;
}
