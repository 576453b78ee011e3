/**
 * Transaction timer values: RFC 3261 Appendix A (Table 4) and RFC 6026 §8.11 (Timers L, M).
 *
 * @module
 */

/**
 * Every transaction timer. "Trying" is the INVITE server transaction's 200 ms wait before it
 * sends 100 (Trying) itself (RFC 3261 §17.2.1); RFC 3261 gives it no letter.
 */
export type TimerName =
  | "A"
  | "B"
  | "D"
  | "E"
  | "F"
  | "K"
  | "G"
  | "H"
  | "I"
  | "J"
  | "L"
  | "M"
  | "Trying";

/** How a retransmission timer is re-armed after it fired. */
export type RetransmitStep =
  /** RFC 3261 §17.1.1.2 Timer A: the interval doubles each time, without a cap. */
  | "double"
  /** §17.1.2.2 Timer E in Trying, §17.2.1 Timer G: doubles, capped at T2. */
  | "doubleCappedAtT2"
  /** §17.1.2.2 Timer E in Proceeding: reset to T2. */
  | "T2";

/** The base values all timers derive from (RFC 3261 §17.1.1.1, Appendix A). */
export interface TimerConfig {
  /** RTT estimate (default 500 ms). */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s). */
  t2: number;
  /** Maximum time a message stays in the network (default 5 s). */
  t4: number;
  /** §17.2.1: how long an INVITE server transaction waits for the TU before sending 100. */
  trying: number;
}

/** RFC 3261 Appendix A defaults, and the 200 ms of §17.2.1. */
export const DEFAULT_TIMER_CONFIG: Readonly<TimerConfig> = Object.freeze({
  t1: 500,
  t2: 4_000,
  t4: 5_000,
  trying: 200,
});

/** Timer D's floor for unreliable transports: "at least 32 seconds" (§17.1.1.2). */
const TIMER_D_MIN = 32_000;

/**
 * The value a timer is started with (Appendix A), or undefined when the timer is not used on
 * this kind of transport (A, E, G over reliable transports). Zero means the wait is skipped
 * (D, I, J, K over reliable transports); the charts take that branch directly.
 *
 * @example
 * ```ts
 * initialInterval("B", false, DEFAULT_TIMER_CONFIG); // 32000 (64*T1)
 * initialInterval("K", true, DEFAULT_TIMER_CONFIG); // 0
 * ```
 */
export function initialInterval(
  timer: TimerName,
  reliable: boolean,
  config: TimerConfig,
): number | undefined {
  switch (timer) {
    case "A": // §17.1.1.2: T1, unreliable transports only
    case "E": // §17.1.2.2: T1, unreliable transports only
    case "G": // §17.2.1: T1, unreliable transports only
      return reliable ? undefined : config.t1;
    case "B": // §17.1.1.2: 64*T1
    case "F": // §17.1.2.2: 64*T1
    case "H": // §17.2.1: 64*T1
    case "L": // RFC 6026 §8.7: 64*T1
    case "M": // RFC 6026 §8.4: 64*T1
      return 64 * config.t1;
    case "D": // §17.1.1.2: ≥ 32 s unreliable (covers the server's Timer H window), 0 reliable
      return reliable ? 0 : Math.max(TIMER_D_MIN, 64 * config.t1);
    case "I": // §17.2.1: T4 unreliable, 0 reliable
    case "K": // §17.1.2.2: T4 unreliable, 0 reliable
      return reliable ? 0 : config.t4;
    case "J": // §17.2.2: 64*T1 unreliable, 0 reliable
      return reliable ? 0 : 64 * config.t1;
    case "Trying": // §17.2.1: 200 ms
      return config.trying;
  }
}

/**
 * The next interval of a retransmission timer that just fired after `previous` ms.
 *
 * @example
 * ```ts
 * nextInterval(500, "double", DEFAULT_TIMER_CONFIG); // 1000
 * nextInterval(4000, "doubleCappedAtT2", DEFAULT_TIMER_CONFIG); // 4000
 * ```
 */
export function nextInterval(previous: number, step: RetransmitStep, config: TimerConfig): number {
  switch (step) {
    case "double":
      return 2 * previous;
    case "doubleCappedAtT2":
      return Math.min(2 * previous, config.t2);
    case "T2":
      return config.t2;
  }
}
