/**
 * The credentials of the INVITEs the front end authenticated and forwarded, kept until their
 * ACK can no longer come, so that an ACK for a 2xx carrying the same credentials is taken as
 * authenticated (RFC 3261 §22.1: "the ACK for a 2xx … will contain the same credentials as the
 * INVITE"; an ACK cannot be challenged, MS-SIPAE §3.3.5.1 discards unauthenticated ones).
 *
 * An INVITE is identified by Call-ID, From tag and CSeq number — what its ACK repeats
 * (§13.2.2.4). Entries lapse after 64*T1 (§13.3.1.4: the UAS gives up waiting for the ACK).
 *
 * @example
 * ```ts
 * const invites = new InviteCredentials(wheel);
 * invites.remember(invite); // before the credentials are removed for forwarding
 * invites.matches(ack); // true when the ACK repeats them
 * ```
 *
 * @module
 */
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import type { TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";

/** §13.3.1.4: 64*T1 with T1 = 500 ms. */
const ACK_WAIT_MS = 64 * 500;

/**
 * Credentials of authenticated INVITEs by the key their ACK repeats.
 *
 * @example
 * ```ts
 * new InviteCredentials(wheel).size; // 0
 * ```
 */
export class InviteCredentials {
  readonly #wheel: TimerWheel;
  readonly #entries = new Map<string, { credentials: string; timer: TimerHandle }>();

  constructor(wheel: TimerWheel) {
    this.#wheel = wheel;
  }

  /** Number of INVITEs remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /** Keeps the credentials of an authenticated INVITE (other methods are ignored). */
  remember(invite: SipRequest): void {
    if (invite.method !== "INVITE") return;
    const key = keyOf(invite);
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#wheel.cancel(previous.timer);
    const timer = this.#wheel.schedule(ACK_WAIT_MS, () => this.#entries.delete(key));
    this.#entries.set(key, { credentials: credentialsOf(invite), timer });
  }

  /** Whether `ack` repeats the credentials of the INVITE it acknowledges. */
  matches(ack: SipRequest): boolean {
    const entry = this.#entries.get(keyOf(ack));
    return entry !== undefined && entry.credentials === credentialsOf(ack);
  }

  /** Forgets everything and disarms the timers. */
  clear(): void {
    for (const entry of this.#entries.values()) this.#wheel.cancel(entry.timer);
    this.#entries.clear();
  }
}

function keyOf(request: SipRequest): string {
  return `${request.callId}\u0000${request.from.tag ?? ""}\u0000${request.cseq.seq}`;
}

function credentialsOf(request: SipRequest): string {
  return [...request.headerValues("authorization"), ...request.headerValues("proxy-authorization")]
    .join("\u0000");
}
