/**
 * NTLM session security for one side of an authenticated context (MS-NLMP §3.4): GSS_GetMICEx /
 * GSS_VerifyMICEx (signing, §3.4.2, §3.4.8, §3.4.9) and GSS_WrapEx / GSS_UnwrapEx (sealing,
 * §3.4.3, §3.4.6, §3.4.7), with one RC4 key state per direction (ClientHandle / ServerHandle).
 *
 * - Connection-oriented: each handle is keyed once with the sealing key and its keystream runs on
 *   over all messages; SeqNum starts at 0 per direction and increases by one per message (§3.4.4).
 * - Connectionless (NTLMSSP_NEGOTIATE_DATAGRAM): the application supplies SeqNum and the handle is
 *   re-keyed for every message with SealingKey' = MD5(SealingKey || SeqNum) (§3.4).
 *
 * @example
 * ```ts
 * const client = new NtlmSessionSecurity({ flags, exportedSessionKey, side: "client" });
 * const server = new NtlmSessionSecurity({ flags, exportedSessionKey, side: "server" });
 * const { data, signature } = client.wrap(utf8("hello"));
 * server.unwrap(data, signature); // "hello" as bytes
 * ```
 *
 * @module
 */
import { bytesEqual, le32 } from "../crypto/bytes.ts";
import { md5 } from "../crypto/digests.ts";
import { Rc4 } from "../crypto/rc4.ts";
import { NtlmAuthError } from "./errors.ts";
import { NegotiateFlag } from "./flags.ts";
import { deriveSessionKeys, type NtlmMode, type SessionKeys } from "./keys.ts";
import {
  alwaysSignDummySignature,
  macWithExtendedSessionSecurity,
  macWithoutExtendedSessionSecurity,
  SIGNATURE_LENGTH,
} from "./mac.ts";
import { NTLMSSP_REVISION_W2K3 } from "./version.ts";

/** What a session security context is built from. */
export interface NtlmSessionSecurityOptions {
  /** NegFlg, the negotiated flags. */
  flags: number;
  exportedSessionKey: Uint8Array;
  /** Which end this object is: it signs/seals with its own keys, verifies with the peer's. */
  side: NtlmMode;
  /** NTLMRevisionCurrent, for SEALKEY without ESS (§3.4.5.3); default W2K3 (15). */
  revision?: number;
  /** RandomPad handling without ESS; see MacWithoutEssOptions (default: zeros on the wire). */
  keepEncryptedRandomPad?: boolean;
}

/** One direction's keys and state. */
class Direction {
  /** Connection-oriented RC4 state (undefined in datagram mode). */
  #streamHandle: Rc4 | undefined;
  #nextSeqNum = 0;

  constructor(
    readonly signingKey: Uint8Array,
    readonly sealingKey: Uint8Array,
    readonly datagram: boolean,
  ) {
    this.#streamHandle = datagram ? undefined : new Rc4(sealingKey);
  }

  /**
   * The handle and SeqNum for the next message. Connection-oriented, the handle is a working copy
   * of the stream state that only {@link commit} makes current.
   */
  next(seqNum: number | undefined): { handle: Rc4; seqNum: number } {
    if (this.datagram) {
      if (seqNum === undefined) throw new RangeError("datagram NTLM needs an application SeqNum");
      // §3.4: SealingKey' = MD5(ConcatenationOf(SealingKey, SequenceNumber)); RC4Init(Handle, SealingKey')
      return { handle: new Rc4(md5(this.sealingKey, le32(seqNum))), seqNum };
    }
    if (seqNum !== undefined) throw new RangeError("connection-oriented NTLM keeps its own SeqNum");
    return { handle: (this.#streamHandle as Rc4).clone(), seqNum: this.#nextSeqNum };
  }

  /**
   * Accepts a message: the stream continues from `handle` and "Set SeqNum to SeqNum + 1"
   * (§3.4.4). Not called for a message that fails verification, so neither advances then.
   */
  commit(handle: Rc4): void {
    if (this.datagram) return;
    this.#streamHandle = handle;
    this.#nextSeqNum = (this.#nextSeqNum + 1) >>> 0;
  }
}

/**
 * Signing and sealing for one side of an NTLM context.
 *
 * @example
 * ```ts
 * const sec = new NtlmSessionSecurity({ flags: 0x62988255, exportedSessionKey, side: "client" });
 * sec.getMic(utf8("message"), 100); // datagram: the caller supplies SeqNum
 * ```
 */
export class NtlmSessionSecurity {
  /** The four derived keys (MS-NLMP §3.4.5). */
  readonly keys: SessionKeys;
  readonly flags: number;
  readonly #outgoing: Direction;
  readonly #incoming: Direction;
  readonly #keepEncryptedRandomPad: boolean;

  constructor(options: NtlmSessionSecurityOptions) {
    this.flags = options.flags;
    this.keys = deriveSessionKeys(
      options.flags,
      options.exportedSessionKey,
      options.revision ?? NTLMSSP_REVISION_W2K3,
    );
    const datagram = (options.flags & NegotiateFlag.DATAGRAM) !== 0;
    const client = new Direction(this.keys.clientSigningKey, this.keys.clientSealingKey, datagram);
    const server = new Direction(this.keys.serverSigningKey, this.keys.serverSealingKey, datagram);
    this.#outgoing = options.side === "client" ? client : server;
    this.#incoming = options.side === "client" ? server : client;
    this.#keepEncryptedRandomPad = options.keepEncryptedRandomPad ?? false;
  }

  /**
   * GSS_GetMICEx (§3.4.8): the signature of `message` with this side's keys.
   * `seqNum` is required in datagram mode and must be omitted otherwise.
   */
  getMic(message: Uint8Array, seqNum?: number): Uint8Array {
    const step = this.#outgoing.next(seqNum);
    const signature = this.#mac(this.#outgoing, step, message);
    this.#outgoing.commit(step.handle);
    return signature;
  }

  /**
   * GSS_VerifyMICEx (§3.4.9): true when `signature` is the peer's signature of `message`. A
   * failed check leaves the expected SeqNum and key state unchanged (§3.4.4).
   */
  verifyMic(message: Uint8Array, signature: Uint8Array, seqNum?: number): boolean {
    const step = this.#incoming.next(seqNum);
    const ok = this.#matches(this.#mac(this.#incoming, step, message), signature);
    if (ok) this.#incoming.commit(step.handle);
    return ok;
  }

  /**
   * GSS_WrapEx with confidentiality (§3.4.3 SEAL): RC4(Handle, Message), then the MAC over the
   * plaintext on the same handle.
   */
  wrap(message: Uint8Array, seqNum?: number): { data: Uint8Array; signature: Uint8Array } {
    const step = this.#outgoing.next(seqNum);
    const data = this.#sealing ? step.handle.transform(message) : message;
    const signature = this.#mac(this.#outgoing, step, message);
    this.#outgoing.commit(step.handle);
    return { data, signature };
  }

  /**
   * GSS_UnwrapEx (§3.4.7): decrypts and verifies; throws NtlmAuthError("bad-signature") when
   * the signature does not match.
   */
  unwrap(data: Uint8Array, signature: Uint8Array, seqNum?: number): Uint8Array {
    const step = this.#incoming.next(seqNum);
    const message = this.#sealing ? step.handle.transform(data) : data;
    if (!this.#matches(this.#mac(this.#incoming, step, message), signature)) {
      throw new NtlmAuthError("bad-signature", "sealed message signature does not verify");
    }
    this.#incoming.commit(step.handle);
    return message;
  }

  /** True when SEAL is negotiated: wrap encrypts (§3.4.3), otherwise it only signs. */
  get #sealing(): boolean {
    return (this.flags & NegotiateFlag.SEAL) !== 0;
  }

  /** MAC() for one message (§3.4.4.1 / §3.4.4.2 / §3.4.4.3) on the step's handle. */
  #mac(direction: Direction, step: { handle: Rc4; seqNum: number }, message: Uint8Array) {
    const flags = this.flags;
    if (!(flags & (NegotiateFlag.SIGN | NegotiateFlag.SEAL))) {
      // §3.4.4.3: only ALWAYS_SIGN — a fixed dummy signature.
      return alwaysSignDummySignature();
    }
    if (flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) {
      const keyExchange = (flags & NegotiateFlag.KEY_EXCH) !== 0;
      return macWithExtendedSessionSecurity(
        direction.signingKey,
        step.seqNum,
        message,
        keyExchange ? step.handle : undefined,
      );
    }
    return macWithoutExtendedSessionSecurity(step.handle, step.seqNum, message, {
      keepEncryptedRandomPad: this.#keepEncryptedRandomPad,
    });
  }

  /** Compares signatures; without ESS the RandomPad slot (bytes 4..7) carries no check value. */
  #matches(expected: Uint8Array, received: Uint8Array): boolean {
    if (received.length !== SIGNATURE_LENGTH) return false;
    if (this.flags & NegotiateFlag.EXTENDED_SESSIONSECURITY) return bytesEqual(expected, received);
    return bytesEqual(expected.subarray(0, 4), received.subarray(0, 4)) &&
      bytesEqual(expected.subarray(8), received.subarray(8));
  }
}
