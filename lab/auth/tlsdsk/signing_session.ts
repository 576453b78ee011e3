/**
 * The signing phase of a TLS-DSK security association, either side (MS-SIPAE §3.3; MS-SIP
 * §3.1.4.2, §3.1.5.1–§3.1.5.2): numbers outgoing messages (cnum/snum from 1), salts each with a
 * fresh crand/srand, signs the MS-SIPAE signature buffer with HMAC under this side's derived key
 * (signing_keys.ts), and verifies incoming signatures before admitting their sequence number
 * into the 256-wide replay window. The buffer and the window are the scheme-independent ones of
 * lab/auth/ntlm; their failures become {@link SecurityMechanismError}s with the same code.
 *
 * @example
 * ```ts
 * const session = new TlsDskSigningSession({ realm, targetName, protocolVersion: 4,
 *   own: keys.client, peer: keys.server, hash: "sha1", saltCase: "lower" });
 * const { rand, num, signature } = session.sign(register);
 * ```
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import {
  buildSignatureBuffer,
  checkSalt,
  formatSalt,
  MAX_SEQUENCE_NUMBER,
  NtlmAuthError,
  parseSequenceNumber,
  SequenceWindow,
  type SignableMessage,
} from "../ntlm/mod.ts";
import { SecurityMechanismError } from "../sipae/errors.ts";
import type { MessageSignature, ReceivedMessageSignature } from "../sipae/security_mechanism.ts";
import { tlsDskSignature } from "./signing_keys.ts";

/** The scheme name as it opens the signature buffer (MS-SIPAE §2.2). */
export const TLS_DSK_SCHEME = "TLS-DSK";

/** Options of a {@link TlsDskSigningSession}. */
export interface TlsDskSigningSessionOptions {
  realm: string;
  targetName: string;
  protocolVersion: number;
  /** This side's signing key. */
  own: Uint8Array;
  /** The peer's signing key. */
  peer: Uint8Array;
  hash: "sha1";
  /** How this side writes its salt (server: upper, as in the guide §2.3 capture). */
  saltCase: "lower" | "upper";
  random?: RandomBytes;
}

function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NtlmAuthError) throw new SecurityMechanismError(e.code, e.message);
    throw e;
  }
}

/**
 * Signing state of one side of a TLS-DSK SA.
 *
 * @example
 * ```ts
 * session.verify(ok, { rand: srand, num: snum, signature: rspauth, realm, targetname });
 * ```
 */
export class TlsDskSigningSession {
  readonly #options: TlsDskSigningSessionOptions;
  readonly #window = new SequenceWindow();
  #sent = 0;

  constructor(options: TlsDskSigningSessionOptions) {
    this.#options = options;
  }

  /** Signs `message` with the next sequence number and a fresh salt. */
  sign(message: SignableMessage): MessageSignature {
    const o = this.#options;
    if (this.#sent >= MAX_SEQUENCE_NUMBER) {
      throw new SecurityMechanismError("invalid-state", "sequence numbers exhausted");
    }
    const num = String(this.#sent + 1);
    const rand = formatSalt((o.random ?? secureRandomBytes)(4), o.saltCase);
    const buffer = translated(() =>
      buildSignatureBuffer(
        message,
        { scheme: TLS_DSK_SCHEME, rand, num, realm: o.realm, targetName: o.targetName },
        o.protocolVersion,
      )
    );
    this.#sent++;
    return { rand, num, signature: tlsDskSignature(o.own, o.hash, buffer) };
  }

  /**
   * Verifies a received signature, then admits its sequence number (MS-SIP §3.1.5.1: validate,
   * then track). Throws `sa-mismatch`, `malformed-auth-param`, `bad-signature`,
   * `replayed-sequence` or `sequence-below-window`.
   */
  verify(message: SignableMessage, received: ReceivedMessageSignature): void {
    const o = this.#options;
    if (received.realm !== o.realm || received.targetname !== o.targetName) {
      throw new SecurityMechanismError("sa-mismatch", "realm/targetname do not match this SA");
    }
    translated(() => {
      checkSalt(received.rand);
      const num = parseSequenceNumber(received.num);
      const buffer = buildSignatureBuffer(
        message,
        {
          scheme: TLS_DSK_SCHEME,
          rand: received.rand,
          num: received.num,
          realm: o.realm,
          targetName: o.targetName,
        },
        o.protocolVersion,
      );
      const expected = tlsDskSignature(o.peer, o.hash, buffer);
      const got = received.signature.toLowerCase();
      if (
        got.length !== expected.length ||
        !timingSafeEqual(new TextEncoder().encode(got), new TextEncoder().encode(expected))
      ) {
        throw new SecurityMechanismError("bad-signature", "TLS-DSK signature does not verify");
      }
      this.#window.admit(num);
    });
  }
}
