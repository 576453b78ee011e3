/**
 * What the dialog layer needs from a timer service, and the RFC 3261 timer values it uses.
 *
 * Any object with `schedule` and `cancel` fits (the lab's timer wheel in `lab/sip/timer/`, a
 * `setTimeout` wrapper, or a virtual clock in tests); the handle type is the scheduler's own.
 *
 * @module
 */

/**
 * A one-shot timer service.
 *
 * @example
 * ```ts
 * const scheduler: TimerScheduler = {
 *   schedule: (delayMs, cb) => setTimeout(cb, delayMs),
 *   cancel: (handle) => clearTimeout(handle as number),
 * };
 * ```
 */
export interface TimerScheduler {
  /** Runs `callback` once after `delayMs` milliseconds; returns a handle for `cancel`. */
  schedule(delayMs: number, callback: () => void): unknown;
  /** Stops a timer that has not fired yet; cancelling a fired or cancelled timer is harmless. */
  cancel(handle: unknown): void;
}

/** RFC 3261 §17.1.1.1 timer base values, in milliseconds. */
export interface SipTimerValues {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2: number;
}

/** The RFC 3261 §17.1.1.1 defaults: T1 = 500 ms, T2 = 4 s. */
export const DEFAULT_TIMER_VALUES: Readonly<SipTimerValues> = { t1: 500, t2: 4000 };
