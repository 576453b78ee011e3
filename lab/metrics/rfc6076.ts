/**
 * RFC 6076 "Basic Telephony SIP End-to-End Performance Metrics", measured at the originating
 * user agent from the outcomes the agents report. Delays go to HDR histograms; the ratios are
 * computed from outcome counters whenever they are read.
 *
 * Metrics covered: RRD (§4.1), IRA (§4.2), SRD (§4.3), SDD (§4.4), SDT (§4.5), SER (§4.6),
 * SEER (§4.7), ISA (§4.8), SCR (§4.9); plus the call setup time (INVITE → 2xx) and a plain
 * failure ratio, which the RFC does not define but every load test reports.
 *
 * @module
 */

import type {
  CounterFamily,
  CounterSeries,
  DerivedRatioFamily,
  HistogramFamily,
  HistogramSeries,
  RatioParts,
} from "./families.ts";

/** Why an attempt failed: a final status code, no final response, or a transport failure. */
export type FailureCause = number | "timeout" | "transport";

/** What the KPIs need from the registry: families by catalogue name. */
export interface KpiFamilies {
  counter(name: string): CounterFamily;
  latency(name: string): HistogramFamily;
  derivedRatio(name: string, compute: () => RatioParts): DerivedRatioFamily;
}

/** How an established session ended. */
export interface SessionEnd {
  /** SDT: 2xx to the INVITE → BYE sent or received (RFC 6076 §4.5.1). */
  readonly durationMs: number;
  /** SDD: our BYE → its final response (RFC 6076 §4.4); omit when the far end hung up. */
  readonly disconnectDelayMs?: number;
  /**
   * False when the BYE got no final response or an error (the dialog did not complete,
   * RFC 6076 §4.9); default true.
   */
  readonly completed?: boolean;
}

// RFC 6076 §4.7: final responses that show the request reached the called user.
const EFFECTIVE_STATUSES: ReadonlySet<number> = new Set([200, 480, 486, 600, 603]);
// RFC 6076 §4.8: final responses that show a network or server failure.
const INEFFECTIVE_STATUSES: ReadonlySet<number> = new Set([408, 500, 503, 504]);

function isIneffective(cause: FailureCause): boolean {
  return typeof cause === "string" || INEFFECTIVE_STATUSES.has(cause);
}

function ratio(hits: number, total: number): RatioParts {
  return { hits, total };
}

/**
 * The KPI recorder agents report session and registration outcomes to.
 *
 * @example
 * ```ts
 * const kpi = registry.kpi;
 * kpi.sessionAttempt();
 * kpi.sessionRequestDelay(35);   // 180 Ringing after 35 ms
 * kpi.sessionEstablished(2_040); // 200 OK after 2.04 s
 * kpi.sessionEnded({ durationMs: 30_000, disconnectDelayMs: 4 });
 * ```
 */
export class Rfc6076Kpis {
  readonly #registrationAttempts: CounterSeries;
  readonly #registrationsCompleted: CounterSeries;
  readonly #registrationFailures: CounterFamily;
  readonly #registrationDelay: HistogramSeries;
  readonly #sessionAttempts: CounterSeries;
  readonly #sessionsEstablished: CounterSeries;
  readonly #sessionsRedirected: CounterSeries;
  readonly #sessionFailures: CounterFamily;
  readonly #sessionsCompleted: CounterSeries;
  readonly #requestDelay: HistogramSeries;
  readonly #setupTime: HistogramSeries;
  readonly #disconnectDelay: HistogramSeries;
  readonly #duration: HistogramSeries;
  #ineffectiveRegistrations = 0;
  #failedSessions = 0;
  #effectiveFailures = 0;
  #ineffectiveSessions = 0;

  constructor(families: KpiFamilies) {
    this.#registrationAttempts = families.counter("registration_attempts").with();
    this.#registrationsCompleted = families.counter("registrations_completed").with();
    this.#registrationFailures = families.counter("registration_failures");
    this.#registrationDelay = families.latency("registration_request_delay").with();
    this.#sessionAttempts = families.counter("session_attempts").with();
    this.#sessionsEstablished = families.counter("sessions_established").with();
    this.#sessionsRedirected = families.counter("sessions_redirected").with();
    this.#sessionFailures = families.counter("session_failures");
    this.#sessionsCompleted = families.counter("sessions_completed").with();
    this.#requestDelay = families.latency("session_request_delay").with();
    this.#setupTime = families.latency("call_setup_time").with();
    this.#disconnectDelay = families.latency("session_disconnect_delay").with();
    this.#duration = families.latency("session_duration").with();

    const attempts = () => this.#sessionAttempts.value;
    const notRedirected = () => attempts() - this.#sessionsRedirected.value;
    // RFC 6076 §4.2: IRA % = ineffective REGISTER attempts / all REGISTER attempts.
    families.derivedRatio(
      "ineffective_registration_attempts",
      () => ratio(this.#ineffectiveRegistrations, this.#registrationAttempts.value),
    );
    // RFC 6076 §4.6: SER = INVITEs answered 200 / (INVITEs − INVITEs answered 3xx).
    families.derivedRatio(
      "session_establishment_ratio",
      () => ratio(this.#sessionsEstablished.value, notRedirected()),
    );
    // RFC 6076 §4.7: SEER = INVITEs answered 200, 480, 486, 600 or 603 / (INVITEs − 3xx).
    families.derivedRatio(
      "session_establishment_effectiveness_ratio",
      () => ratio(this.#sessionsEstablished.value + this.#effectiveFailures, notRedirected()),
    );
    // RFC 6076 §4.8: ISA % = INVITEs with 408, 500, 503, 504 or no final response / INVITEs.
    families.derivedRatio(
      "ineffective_session_attempts",
      () => ratio(this.#ineffectiveSessions, attempts()),
    );
    // RFC 6076 §4.9: SCR = completed sessions / INVITEs.
    families.derivedRatio(
      "session_completion_ratio",
      () => ratio(this.#sessionsCompleted.value, attempts()),
    );
    families.derivedRatio(
      "session_failure_ratio",
      () => ratio(this.#failedSessions, attempts()),
    );
  }

  /** A registration started: its first REGISTER was sent (RFC 6076 §4.1). */
  registrationAttempt(): void {
    this.#registrationAttempts.value++;
  }

  /** The registration got its 2xx `rrdMs` after the first REGISTER (RFC 6076 §4.1 RRD). */
  registrationCompleted(rrdMs: number): void {
    this.#registrationsCompleted.value++;
    this.#registrationDelay.record(rrdMs);
  }

  /**
   * The registration failed. Timeouts, transport failures and 408/500/503/504 count as
   * ineffective (RFC 6076 §4.2); other statuses (403, 404…) only as failures.
   */
  registrationFailed(cause: FailureCause): void {
    this.#registrationFailures.at1(String(cause)).value++;
    if (isIneffective(cause)) this.#ineffectiveRegistrations++;
  }

  /** An initial INVITE was sent (RFC 6076 §4.6 "total # of INVITE requests"). */
  sessionAttempt(): void {
    this.#sessionAttempts.value++;
  }

  /**
   * The first non-100 provisional or final response arrived `srdMs` after the INVITE
   * (RFC 6076 §4.3 SRD; report it once per attempt, at that first response).
   */
  sessionRequestDelay(srdMs: number): void {
    this.#requestDelay.record(srdMs);
  }

  /** The INVITE was answered with a 2xx `setupMs` after it was sent. */
  sessionEstablished(setupMs: number): void {
    this.#sessionsEstablished.value++;
    this.#setupTime.record(setupMs);
  }

  /**
   * The attempt ended without a session. A 3xx counts as a redirection (left out of SER and
   * SEER, RFC 6076 §4.6–4.7); 480/486/600/603 are effective (§4.7); 408/500/503/504, timeouts
   * and transport failures are ineffective (§4.8).
   */
  sessionFailed(cause: FailureCause): void {
    if (typeof cause === "number" && cause >= 300 && cause < 400) {
      this.#sessionsRedirected.value++;
      return;
    }
    this.#sessionFailures.at1(String(cause)).value++;
    this.#failedSessions++;
    if (typeof cause === "number" && EFFECTIVE_STATUSES.has(cause)) this.#effectiveFailures++;
    if (isIneffective(cause)) this.#ineffectiveSessions++;
  }

  /** An established session ended (RFC 6076 §4.4 SDD, §4.5 SDT, §4.9 completion). */
  sessionEnded(end: SessionEnd): void {
    this.#duration.record(end.durationMs);
    if (end.disconnectDelayMs !== undefined) this.#disconnectDelay.record(end.disconnectDelayMs);
    if (end.completed ?? true) this.#sessionsCompleted.value++;
  }
}
