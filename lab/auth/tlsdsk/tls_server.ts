/**
 * The server side of a TLS 1.0 handshake over memory buffers (RFC 2246 §7.3) for TLS-DSK
 * (MS-SIPAE §3.3, guide §3.3): it always requests a client certificate, requires it to chain to
 * the trust anchors (the lab CA), checks CertificateVerify and the client Finished, and answers
 * with ChangeCipherSpec + Finished.
 *
 * ```
 * receive(ClientHello)  → ServerHello, Certificate, CertificateRequest, ServerHelloDone
 * receive(Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished) → CCS, Finished
 * ```
 *
 * @example
 * ```ts
 * const server = new TlsServerHandshake({ certificatePem, privateKeyPem, trustAnchors });
 * const flight1 = server.receive(clientHello);
 * const flight2 = server.receive(clientSecondFlight);
 * server.session?.peerCertificate.subjectAltName;
 * ```
 *
 * @module
 */
import {
  constants,
  createPrivateKey,
  type KeyObject,
  privateDecrypt,
  publicDecrypt,
  timingSafeEqual,
  type X509Certificate,
} from "node:crypto";
import { concatBytes } from "../crypto/bytes.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import { type CipherSuite, SUPPORTED_CIPHER_SUITES } from "./cipher_suites.ts";
import { pemCertificateDers, verifyCertificateChain } from "./certificate_chain.ts";
import { TlsHandshakeError } from "./errors.ts";
import { expectMessage, type Flight, readFlight } from "./flight.ts";
import {
  CLIENT_CERTIFICATE_TYPE_RSA_SIGN,
  decodeCertificateList,
  decodeClientHello,
  decodeOpaque16,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  encodeCertificateList,
  encodeCertificateRequest,
  encodeHandshake,
  encodeServerHello,
  HandshakeType,
  RENEGOTIATION_INFO_EXTENSION,
} from "./handshake_messages.ts";
import { uint, vector } from "./wire.ts";
import { finishedVerifyData, keyBlock, masterSecret, transcriptHash } from "./key_schedule.ts";
import { RecordProtection } from "./record_protection.ts";
import { ContentType, encodeRecords, parseRecords, TLS_1_0 } from "./records.ts";
import type { TlsSession } from "./session.ts";
import { x509 } from "../../pki/x509.ts";

/** Options of a {@link TlsServerHandshake}. */
export interface TlsServerOptions {
  /** The server certificate (RSA key, RSA key exchange) and intermediates, in PEM. */
  certificatePem: string;
  privateKeyPem: string;
  /** CAs a client certificate must chain to (the lab CA). */
  trustAnchors: readonly X509Certificate[];
  /** Accepted suites in preference order (default AES-256 then AES-128, SHA-1). */
  cipherSuites?: readonly CipherSuite[];
  random?: RandomBytes;
  now?: () => number;
}

/** Where the server handshake stands. */
export type TlsServerState = "awaiting-client-hello" | "awaiting-client-finished" | "complete";

/**
 * One server handshake.
 *
 * @example
 * ```ts
 * server.state; // "complete" after the client Finished verified
 * ```
 */
export class TlsServerHandshake {
  #state: TlsServerState = "awaiting-client-hello";
  readonly #options: TlsServerOptions;
  readonly #key: KeyObject;
  readonly #chain: Uint8Array[];
  readonly #random: RandomBytes;
  readonly #transcript: Uint8Array[] = [];
  #suite?: CipherSuite;
  #clientRandom: Uint8Array = new Uint8Array(0);
  #serverRandom: Uint8Array = new Uint8Array(0);
  #session?: TlsSession;

  constructor(options: TlsServerOptions) {
    this.#options = options;
    this.#key = createPrivateKey(options.privateKeyPem);
    this.#chain = pemCertificateDers(options.certificatePem);
    this.#random = options.random ?? secureRandomBytes;
  }

  get state(): TlsServerState {
    return this.#state;
  }

  /** The negotiated parameters and the verified client certificate, once complete. */
  get session(): TlsSession | undefined {
    return this.#session;
  }

  /** Consumes a client flight; returns the server's answer records. */
  receive(bytes: Uint8Array): Uint8Array {
    const records = parseRecords(bytes);
    switch (this.#state) {
      case "awaiting-client-hello":
        return this.#clientHello(readFlight(records, false));
      case "awaiting-client-finished":
        return this.#clientFinished(readFlight(records));
      default:
        throw new TlsHandshakeError("invalid-state", "unexpected_message", "handshake is complete");
    }
  }

  #clientHello(flight: Flight): Uint8Array {
    const queue = [...flight.messages];
    const helloMessage = expectMessage(queue, HandshakeType.clientHello, "ClientHello");
    if (queue.length > 0 || flight.changeCipherSpec) {
      throw new TlsHandshakeError("invalid-state", "unexpected_message", "data after ClientHello");
    }
    const hello = decodeClientHello(helloMessage.body);
    // RFC 2246 §7.4.1.2 / Appendix E: a client offering a later version still speaks 1.0.
    if (hello.version < TLS_1_0 || hello.version >> 8 !== 3) {
      throw new TlsHandshakeError(
        "unsupported-response",
        "protocol_version",
        "client below TLS 1.0",
      );
    }
    const accepted = this.#options.cipherSuites ?? SUPPORTED_CIPHER_SUITES;
    const suite = accepted.find((s) => hello.cipherSuites.includes(s.id));
    if (!suite || !hello.compressionMethods.includes(0)) {
      throw new TlsHandshakeError("unsupported-response", "handshake_failure", "no common suite");
    }
    this.#suite = suite;
    this.#clientRandom = hello.random;
    this.#serverRandom = this.#random(32);
    const anchors = this.#options.trustAnchors.map((a) => new Uint8Array(a.raw));
    const messages = [
      helloMessage.raw,
      encodeHandshake(
        HandshakeType.serverHello,
        encodeServerHello({
          version: TLS_1_0,
          random: this.#serverRandom,
          sessionId: new Uint8Array(0),
          cipherSuite: suite.id,
          compressionMethod: 0,
          // RFC 5746 §3.6: a server that saw the SCSV or an empty renegotiation_info answers
          // with an empty renegotiation_info (this handshake is never renegotiated).
          extensions: hello.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV) ||
              hello.extensionTypes?.includes(RENEGOTIATION_INFO_EXTENSION)
            ? concatBytes(uint(RENEGOTIATION_INFO_EXTENSION, 2), vector(2, vector(1)))
            : undefined,
        }),
      ),
      encodeHandshake(HandshakeType.certificate, encodeCertificateList(this.#chain)),
      encodeHandshake(
        HandshakeType.certificateRequest,
        encodeCertificateRequest({
          certificateTypes: [CLIENT_CERTIFICATE_TYPE_RSA_SIGN],
          authorities: anchors.map(subjectNameDer),
        }),
      ),
      encodeHandshake(HandshakeType.serverHelloDone, new Uint8Array(0)),
    ];
    this.#transcript.push(...messages);
    this.#state = "awaiting-client-finished";
    return encodeRecords(ContentType.handshake, TLS_1_0, concatBytes(...messages.slice(1)));
  }

  #clientFinished(flight: Flight): Uint8Array {
    const suite = this.#suite!;
    const queue = [...flight.messages];
    const certMessage = expectMessage(queue, HandshakeType.certificate, "Certificate");
    const chain = decodeCertificateList(certMessage.body);
    const clientCert = verifyCertificateChain(
      chain,
      this.#options.trustAnchors,
      (this.#options.now ?? Date.now)(),
    );
    if (clientCert.publicKey.asymmetricKeyType !== "rsa") {
      throw new TlsHandshakeError("unknown-user", "bad_certificate", "client key is not RSA");
    }
    const kxMessage = expectMessage(queue, HandshakeType.clientKeyExchange, "ClientKeyExchange");
    const encryptedPreMaster = decodeOpaque16(kxMessage.body, "ClientKeyExchange");
    this.#transcript.push(certMessage.raw, kxMessage.raw);

    // RFC 2246 §7.4.8: the signature covers every handshake message before CertificateVerify.
    const verifyMessage = expectMessage(
      queue,
      HandshakeType.certificateVerify,
      "CertificateVerify",
    );
    const signature = decodeOpaque16(verifyMessage.body, "CertificateVerify");
    let signed: Uint8Array | undefined;
    try {
      signed = new Uint8Array(
        publicDecrypt(
          { key: clientCert.publicKey, padding: constants.RSA_PKCS1_PADDING },
          signature,
        ),
      );
    } catch {
      signed = undefined;
    }
    const expectedHash = transcriptHash(this.#transcript);
    if (
      !signed || signed.length !== expectedHash.length || !timingSafeEqual(signed, expectedHash)
    ) {
      throw new TlsHandshakeError(
        "mic-mismatch",
        "decrypt_error",
        "CertificateVerify does not verify",
      );
    }
    this.#transcript.push(verifyMessage.raw);
    if (queue.length > 0 || !flight.changeCipherSpec || flight.encrypted.length !== 1) {
      throw new TlsHandshakeError("invalid-state", "unexpected_message", "expected CCS + Finished");
    }

    const preMaster = this.#decryptPreMaster(encryptedPreMaster);
    const master = masterSecret(preMaster, this.#clientRandom, this.#serverRandom);
    const keys = keyBlock(master, this.#clientRandom, this.#serverRandom, suite);
    const record = flight.encrypted[0];
    if (record.type !== ContentType.handshake) {
      throw new TlsHandshakeError("invalid-state", "unexpected_message", "expected Finished");
    }
    const content = new RecordProtection(suite, keys.client).unprotect(record);
    const expected = encodeHandshake(
      HandshakeType.finished,
      finishedVerifyData(master, "client", this.#transcript),
    );
    if (content.length !== expected.length || !timingSafeEqual(content, expected)) {
      throw new TlsHandshakeError(
        "mic-mismatch",
        "decrypt_error",
        "client Finished does not verify",
      );
    }
    this.#transcript.push(expected);
    const finished = encodeHandshake(
      HandshakeType.finished,
      finishedVerifyData(master, "server", this.#transcript),
    );
    this.#session = {
      suite,
      clientRandom: this.#clientRandom,
      serverRandom: this.#serverRandom,
      masterSecret: master,
      peerCertificate: clientCert,
    };
    this.#state = "complete";
    return concatBytes(
      encodeRecords(ContentType.changeCipherSpec, TLS_1_0, new Uint8Array([1])),
      new RecordProtection(suite, keys.server).protect(ContentType.handshake, TLS_1_0, finished),
    );
  }

  /**
   * RFC 5246 §7.4.7.1 (Bleichenbacher countermeasure, applies to TLS 1.0 too): a pre-master
   * secret that fails to decrypt or has the wrong length or version is replaced by random
   * octets, so the failure shows only as a Finished mismatch.
   */
  #decryptPreMaster(encrypted: Uint8Array): Uint8Array {
    const fallback = concatBytes(new Uint8Array([TLS_1_0 >> 8, TLS_1_0 & 0xff]), this.#random(46));
    try {
      const decrypted = new Uint8Array(
        privateDecrypt({ key: this.#key, padding: constants.RSA_PKCS1_PADDING }, encrypted),
      );
      if (decrypted.length !== 48 || decrypted[0] !== 3) return fallback;
      return decrypted;
    } catch {
      return fallback;
    }
  }
}

/** The DER subject Name of a certificate (for CertificateRequest.certificate_authorities). */
function subjectNameDer(certDer: Uint8Array): Uint8Array {
  return new Uint8Array(
    new x509.X509Certificate(new Uint8Array(certDer)).subjectName.toArrayBuffer(),
  );
}
