/**
 * SIPp-style retransmission of the last message a flow sent, on the timers of RFC 3261 — the
 * flow runs without the transaction layer, so its runtime redoes the part of §17 a raw sender
 * needs:
 *
 * | sent message | retransmitted (UDP only) | answered by | gives up (any transport) |
 * | --- | --- | --- | --- |
 * | INVITE | T1, 2·T1, 4·T1… no cap (§17.1.1.2 Timer A) | any response; a provisional ends the retransmissions and the deadline (Proceeding) | 64·T1 after the first send (Timer B) |
 * | other request but ACK | T1 doubling up to T2 (§17.1.2.2 Timer E); after a provisional, every T2 from the next copy on | a final response | 64·T1 (Timer F) |
 * | final response to INVITE | T1 doubling up to T2 (§13.3.1.4 for 2xx, §17.2.1 Timer G for the rest) | the ACK | 64·T1 (Timer H, §13.3.1.4) |
 *
 * An optional cap on the number of retransmissions (SIPp's `-max_retrans`) ends the attempt
 * when the retransmission after the last allowed one falls due. ACKs and provisional
 * responses are never retransmitted by themselves (§17.1.1.3; the ACK to a 2xx is re-sent
 * when the 2xx is, §13.2.2.4).
 *
 * @module
 */

/** Timer values (RFC 3261 §17.1.1.1) and limits of the retransmissions. */
export interface RetransmitSettings {
  /** RTT estimate T1, ms (RFC 3261 default 500; SIPp's `-t1`/`retrans`). */
  readonly t1Ms: number;
  /** Cap T2 on non-INVITE and response intervals, ms (default 4000). */
  readonly t2Ms: number;
  /** Give up this long after the first send, ms (64·T1: Timers B, F, H). */
  readonly timeoutMs: number;
  /** At most this many retransmissions (SIPp `-max_retrans`); unset: only `timeoutMs` bounds. */
  readonly maxRetransmissions?: number;
}

/** Which row of the table above a sent message follows. */
export type RetransmitKind = "invite" | "non-invite" | "final-response";

/**
 * The retransmission state of one sent message: when the next copy is due, when to give up.
 *
 * @example
 * ```ts
 * const s = new RetransmitSchedule("non-invite", { t1Ms: 500, t2Ms: 4000, timeoutMs: 32000 }, 0, true);
 * s.nextDueAt; // 500
 * s.retransmitted(500); // next at 1500, then 3500, 7500, 11500 (capped at T2)…
 * ```
 */
export class RetransmitSchedule {
  readonly firstSentAt: number;
  #lastSentAt: number;
  #interval: number;
  #count = 0;
  #retransmitting: boolean;
  #proceeding = false;
  #deadline: number | undefined;

  /**
   * @param unreliable true over UDP: only then are copies sent (§17.1.1.2: Timer A is not set
   *   on a reliable transport); the deadline applies on every transport.
   */
  constructor(
    readonly kind: RetransmitKind,
    readonly settings: RetransmitSettings,
    now: number,
    unreliable: boolean,
  ) {
    this.firstSentAt = now;
    this.#lastSentAt = now;
    this.#interval = settings.t1Ms;
    this.#retransmitting = unreliable;
    this.#deadline = now + settings.timeoutMs;
  }

  /** Retransmissions sent so far. */
  get count(): number {
    return this.#count;
  }

  /** When the next copy is due; undefined when no more copies will be sent. */
  get nextDueAt(): number | undefined {
    return this.#retransmitting ? this.#lastSentAt + this.#interval : undefined;
  }

  /** When the attempt fails without its answer; undefined once none applies. */
  get deadlineAt(): number | undefined {
    return this.#deadline;
  }

  /** True when the copy due now would exceed the `maxRetransmissions` cap. */
  get exhausted(): boolean {
    const max = this.settings.maxRetransmissions;
    return max !== undefined && this.#count >= max;
  }

  /** A copy went out at `now`: the interval doubles (capped at T2 except for INVITE). */
  retransmitted(now: number): void {
    this.#count++;
    this.#lastSentAt = now;
    const doubled = this.#interval * 2;
    const t2 = this.settings.t2Ms;
    // §17.1.1.2: Timer A doubles without a cap; §17.1.2.2 Timer E and §13.3.1.4 cap at T2,
    // and Timer E is reset to T2 once the transaction is Proceeding.
    this.#interval = this.kind === "invite"
      ? doubled
      : this.#proceeding
      ? t2
      : Math.min(doubled, t2);
  }

  /** A provisional response to the sent request arrived (the transaction is Proceeding). */
  provisional(): void {
    if (this.kind === "invite") {
      // §17.1.1.2: in Proceeding the client INVITE transaction stops retransmitting and
      // Timer B no longer applies.
      this.#retransmitting = false;
      this.#deadline = undefined;
    } else if (this.kind === "non-invite") {
      // §17.1.2.2: in Proceeding the running Timer E, when it fires, is reset to T2; Timer F
      // keeps running.
      this.#proceeding = true;
    }
  }
}
