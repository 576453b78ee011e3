/**
 * The client side of a TLS 1.0 handshake over memory buffers (RFC 2246 §7.3), as TLS-DSK runs
 * it inside `gssapi-data` (MS-SIPAE §3.3, guide §3.3): RSA key exchange, a client certificate
 * with CertificateVerify, and the Finished exchange. No application data is ever sent.
 *
 * ```
 * start()            → ClientHello
 * receive(flight 1)  ← ServerHello, Certificate, CertificateRequest, ServerHelloDone
 *                    → Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished
 * receive(flight 2)  ← ChangeCipherSpec, Finished → "" (complete)
 * ```
 *
 * The session keys exist once the client's Finished is written (`session` is set then), so the
 * first signed SIP request can go out with the last token (MS-SIPAE version 4).
 *
 * @example
 * ```ts
 * const client = new TlsClientHandshake({ certificatePem, privateKeyPem, trustAnchors });
 * const hello = client.start();
 * const secondFlight = client.receive(serverFlight);
 * ```
 *
 * @module
 */
import {
  constants,
  createPrivateKey,
  type KeyObject,
  privateEncrypt,
  publicEncrypt,
  timingSafeEqual,
  type X509Certificate,
} from "node:crypto";
import { concatBytes } from "../crypto/bytes.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import { type CipherSuite, cipherSuite, SUPPORTED_CIPHER_SUITES } from "./cipher_suites.ts";
import { pemCertificateDers, verifyCertificateChain } from "./certificate_chain.ts";
import { TlsHandshakeError } from "./errors.ts";
import { expectMessage, readFlight } from "./flight.ts";
import {
  CLIENT_CERTIFICATE_TYPE_RSA_SIGN,
  decodeCertificateList,
  decodeCertificateRequest,
  decodeServerHello,
  EMPTY_RENEGOTIATION_INFO_SCSV,
  encodeCertificateList,
  encodeClientHello,
  encodeHandshake,
  encodeOpaque16,
  HandshakeType,
} from "./handshake_messages.ts";
import { finishedVerifyData, keyBlock, masterSecret, transcriptHash } from "./key_schedule.ts";
import { RecordProtection } from "./record_protection.ts";
import { ContentType, encodeRecords, parseRecords, TLS_1_0 } from "./records.ts";
import type { TlsSession } from "./session.ts";

/** Options of a {@link TlsClientHandshake}. */
export interface TlsClientOptions {
  /** The client certificate (RSA key), optionally followed by intermediates, in PEM. */
  certificatePem: string;
  /** Its private key in PEM (PKCS#8 or PKCS#1). */
  privateKeyPem: string;
  /** CAs the server certificate must chain to. */
  trustAnchors: readonly X509Certificate[];
  /** Offered suites (default: AES-256 then AES-128, both SHA-1). */
  cipherSuites?: readonly CipherSuite[];
  random?: RandomBytes;
  now?: () => number;
}

/** Where the client handshake stands. */
export type TlsClientState =
  | "start"
  | "awaiting-server-hello"
  | "awaiting-server-finished"
  | "complete";

/**
 * One client handshake.
 *
 * @example
 * ```ts
 * client.receive(serverFinishedFlight); // empty: complete
 * client.state; // "complete"
 * ```
 */
export class TlsClientHandshake {
  #state: TlsClientState = "start";
  readonly #options: TlsClientOptions;
  readonly #key: KeyObject;
  readonly #chain: Uint8Array[];
  readonly #random: RandomBytes;
  readonly #transcript: Uint8Array[] = [];
  #clientRandom: Uint8Array = new Uint8Array(0);
  #session?: TlsSession;
  #serverProtection?: RecordProtection;

  constructor(options: TlsClientOptions) {
    this.#options = options;
    this.#key = createPrivateKey(options.privateKeyPem);
    this.#chain = pemCertificateDers(options.certificatePem);
    this.#random = options.random ?? secureRandomBytes;
  }

  get state(): TlsClientState {
    return this.#state;
  }

  /** The negotiated parameters, once the client's Finished is written. */
  get session(): TlsSession | undefined {
    return this.#session;
  }

  /** The ClientHello record (RFC 2246 §7.4.1.2). */
  start(): Uint8Array {
    if (this.#state !== "start") {
      throw new TlsHandshakeError("invalid-state", "unexpected_message", "already started");
    }
    this.#clientRandom = this.#random(32);
    const suites = this.#options.cipherSuites ?? SUPPORTED_CIPHER_SUITES;
    const hello = encodeHandshake(
      HandshakeType.clientHello,
      encodeClientHello({
        version: TLS_1_0,
        random: this.#clientRandom,
        sessionId: new Uint8Array(0),
        // RFC 5746 §3.4: signal secure-renegotiation support on the initial handshake.
        cipherSuites: [...suites.map((s) => s.id), EMPTY_RENEGOTIATION_INFO_SCSV],
        compressionMethods: [0],
      }),
    );
    this.#transcript.push(hello);
    this.#state = "awaiting-server-hello";
    return encodeRecords(ContentType.handshake, TLS_1_0, hello);
  }

  /** Consumes a server flight; returns the records to send next (empty once complete). */
  receive(bytes: Uint8Array): Uint8Array {
    const records = parseRecords(bytes);
    switch (this.#state) {
      case "awaiting-server-hello":
        return this.#serverHello(readFlight(records, false));
      case "awaiting-server-finished":
        this.#serverFinished(readFlight(records));
        return new Uint8Array(0);
      default:
        throw new TlsHandshakeError("invalid-state", "unexpected_message", `no flight expected`);
    }
  }

  #serverHello(flight: ReturnType<typeof readFlight>): Uint8Array {
    const queue = [...flight.messages];
    const helloMessage = expectMessage(queue, HandshakeType.serverHello, "ServerHello");
    const hello = decodeServerHello(helloMessage.body);
    const offered = this.#options.cipherSuites ?? SUPPORTED_CIPHER_SUITES;
    const suite = cipherSuite(hello.cipherSuite);
    // RFC 2246 §7.4.1.3: the server picks one of the offered suites and version ≤ ours.
    if (hello.version !== TLS_1_0) {
      throw new TlsHandshakeError(
        "unsupported-response",
        "protocol_version",
        "server is not TLS 1.0",
      );
    }
    if (!suite || !offered.includes(suite) || hello.compressionMethod !== 0) {
      throw new TlsHandshakeError("unsupported-response", "illegal_parameter", "suite not offered");
    }
    const certMessage = expectMessage(queue, HandshakeType.certificate, "Certificate");
    const serverCert = verifyCertificateChain(
      decodeCertificateList(certMessage.body),
      this.#options.trustAnchors,
      (this.#options.now ?? Date.now)(),
    );
    if (serverCert.publicKey.asymmetricKeyType !== "rsa") {
      throw new TlsHandshakeError(
        "unsupported-response",
        "bad_certificate",
        "server key is not RSA",
      );
    }
    const requestMessage = expectMessage(
      queue,
      HandshakeType.certificateRequest,
      "CertificateRequest",
    );
    const request = decodeCertificateRequest(requestMessage.body);
    if (!request.certificateTypes.includes(CLIENT_CERTIFICATE_TYPE_RSA_SIGN)) {
      throw new TlsHandshakeError("unsupported-response", "handshake_failure", "no rsa_sign");
    }
    const doneMessage = expectMessage(queue, HandshakeType.serverHelloDone, "ServerHelloDone");
    if (doneMessage.body.length !== 0 || queue.length > 0 || flight.changeCipherSpec) {
      throw new TlsHandshakeError("malformed-token", "decode_error", "bad ServerHelloDone");
    }
    this.#transcript.push(helloMessage.raw, certMessage.raw, requestMessage.raw, doneMessage.raw);

    // RFC 2246 §7.4.7.1: pre_master_secret = client_version(2) + random(46), RSA-encrypted.
    const preMaster = concatBytes(new Uint8Array([TLS_1_0 >> 8, TLS_1_0 & 0xff]), this.#random(46));
    const encryptedPreMaster = new Uint8Array(
      publicEncrypt({ key: serverCert.publicKey, padding: constants.RSA_PKCS1_PADDING }, preMaster),
    );
    const certificate = encodeHandshake(
      HandshakeType.certificate,
      encodeCertificateList(this.#chain),
    );
    const keyExchange = encodeHandshake(
      HandshakeType.clientKeyExchange,
      encodeOpaque16(encryptedPreMaster),
    );
    this.#transcript.push(certificate, keyExchange);
    // RFC 2246 §7.4.8, §4.7: RSA signature (PKCS#1 type 1, no DigestInfo) of MD5 + SHA-1 of the
    // handshake messages so far.
    const signature = new Uint8Array(
      privateEncrypt(
        { key: this.#key, padding: constants.RSA_PKCS1_PADDING },
        transcriptHash(this.#transcript),
      ),
    );
    const verify = encodeHandshake(HandshakeType.certificateVerify, encodeOpaque16(signature));
    this.#transcript.push(verify);

    const master = masterSecret(preMaster, this.#clientRandom, hello.random);
    const keys = keyBlock(master, this.#clientRandom, hello.random, suite);
    const finished = encodeHandshake(
      HandshakeType.finished,
      finishedVerifyData(master, "client", this.#transcript),
    );
    this.#transcript.push(finished);
    this.#serverProtection = new RecordProtection(suite, keys.server);
    this.#session = {
      suite,
      clientRandom: this.#clientRandom,
      serverRandom: hello.random,
      masterSecret: master,
      peerCertificate: serverCert,
    };
    this.#state = "awaiting-server-finished";
    return concatBytes(
      encodeRecords(ContentType.handshake, TLS_1_0, concatBytes(certificate, keyExchange, verify)),
      encodeRecords(ContentType.changeCipherSpec, TLS_1_0, new Uint8Array([1])),
      new RecordProtection(suite, keys.client).protect(ContentType.handshake, TLS_1_0, finished),
    );
  }

  #serverFinished(flight: ReturnType<typeof readFlight>): void {
    if (flight.messages.length > 0 || !flight.changeCipherSpec || flight.encrypted.length !== 1) {
      throw new TlsHandshakeError("invalid-state", "unexpected_message", "expected CCS + Finished");
    }
    const record = flight.encrypted[0];
    if (record.type !== ContentType.handshake) {
      throw new TlsHandshakeError("invalid-state", "unexpected_message", "expected Finished");
    }
    const content = this.#serverProtection!.unprotect(record);
    const expected = encodeHandshake(
      HandshakeType.finished,
      finishedVerifyData(this.#session!.masterSecret, "server", this.#transcript),
    );
    // RFC 2246 §7.4.9: the server's verify_data must match.
    if (content.length !== expected.length || !timingSafeEqual(content, expected)) {
      throw new TlsHandshakeError(
        "mic-mismatch",
        "decrypt_error",
        "server Finished does not verify",
      );
    }
    this.#state = "complete";
  }
}
