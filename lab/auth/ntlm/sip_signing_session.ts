/**
 * The signing phase of one MS-SIPAE security association, for either side (MS-SIP §3.1.4.2,
 * §3.1.5.1–§3.1.5.2): numbers outgoing messages (cnum/snum from 1, +1 per signed message) with a
 * fresh salt each, signs them, and checks incoming signatures and their sequence numbers against
 * the 256-wide replay window.
 *
 * @example
 * ```ts
 * const session = new SipSigningSession({ realm, targetName, protocolVersion: 4,
 *   own: clientKeys, peer: serverKeys, saltCase: "lower", random: secureRandomBytes });
 * const { rand, num, signature } = session.sign(request);
 * ```
 *
 * @module
 */
import { toHex } from "../crypto/bytes.ts";
import type { RandomBytes } from "../crypto/random.ts";
import { NtlmAuthError } from "./errors.ts";
import {
  checkSalt,
  formatSalt,
  MAX_SEQUENCE_NUMBER,
  parseSequenceNumber,
} from "./sip_auth_params.ts";
import {
  buildSignatureBuffer,
  type SignableMessage,
  signSipBuffer,
  type SipSigningKeys,
  verifySipSignature,
} from "./sip_signature.ts";
import { SequenceWindow } from "./sequence_window.ts";

/** What identifies the SA in the auth headers (MS-SIP §3.1.5.1 table). */
export interface SecurityAssociationNames {
  /** realm, case-sensitive; default in Microsoft servers "SIP Communications Service". */
  realm: string;
  /** targetname: the server FQDN for NTLM. */
  targetName: string;
  /** The auth protocol `version` offered by the server (3 or 4); selects the buffer layout. */
  protocolVersion: number;
}

/** Options of a {@link SipSigningSession}. */
export interface SipSigningSessionOptions extends SecurityAssociationNames {
  /** Keys this side signs with. */
  own: SipSigningKeys;
  /** Keys the peer signs with. */
  peer: SipSigningKeys;
  /** How this side writes its salt and signature hex. */
  saltCase: "lower" | "upper";
  random: RandomBytes;
}

/** The values a signature puts in the auth header (crand/cnum/response or srand/snum/rspauth). */
export interface SignedValues {
  rand: string;
  num: string;
  signature: string;
}

/** The values of a received auth header that a verification needs. */
export interface ReceivedSignature extends SignedValues {
  realm: string;
  targetname: string;
}

const SCHEME = "NTLM";

/**
 * Signing state of one SA side.
 *
 * @example
 * ```ts
 * session.verify(response, { rand: "9616454F", num: "1", signature: rspauth, realm, targetname });
 * ```
 */
export class SipSigningSession {
  readonly #options: SipSigningSessionOptions;
  readonly #window = new SequenceWindow();
  #sent = 0;

  constructor(options: SipSigningSessionOptions) {
    this.#options = options;
  }

  /**
   * Signs `message`: next sequence number, fresh salt, signature over the buffer. Throws
   * NtlmAuthError("invalid-state") when the 32-bit sequence space is used up.
   */
  sign(message: SignableMessage): SignedValues {
    if (this.#sent >= MAX_SEQUENCE_NUMBER) {
      throw new NtlmAuthError("invalid-state", "sequence numbers exhausted; re-establish the SA");
    }
    const num = String(this.#sent + 1);
    const { realm, targetName, protocolVersion, own, saltCase, random } = this.#options;
    const rand = formatSalt(random(4), saltCase);
    const buffer = buildSignatureBuffer(
      message,
      { scheme: SCHEME, rand, num, realm, targetName },
      protocolVersion,
    );
    const hex = toHex(signSipBuffer(own, buffer));
    this.#sent++;
    return { rand, num, signature: saltCase === "upper" ? hex.toUpperCase() : hex };
  }

  /**
   * Verifies a received message; throws NtlmAuthError "sa-mismatch", "malformed-auth-param",
   * "bad-signature", "replayed-sequence" or "sequence-below-window". The sequence number is only
   * recorded once the signature is good (MS-SIP §3.1.5.1: validate, then track).
   */
  verify(message: SignableMessage, received: ReceivedSignature): void {
    const { realm, targetName, protocolVersion, peer } = this.#options;
    if (received.realm !== realm || received.targetname !== targetName) {
      throw new NtlmAuthError("sa-mismatch", "realm/targetname do not match this SA");
    }
    checkSalt(received.rand);
    const num = parseSequenceNumber(received.num);
    const buffer = buildSignatureBuffer(
      message,
      { scheme: SCHEME, rand: received.rand, num: received.num, realm, targetName },
      protocolVersion,
    );
    if (!verifySipSignature(peer, buffer, received.signature)) {
      throw new NtlmAuthError("bad-signature", "message signature does not verify");
    }
    this.#window.admit(num);
  }
}
