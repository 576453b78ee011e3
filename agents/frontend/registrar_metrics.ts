/**
 * What the registrar reports: one count per REGISTER it answers, by outcome and reason. A
 * small sink so the registrar depends on no metrics library; {@link registrarMetricsIn}
 * adapts any registry with counters (lab/metrics' `MetricsRegistry` fits).
 *
 * Outcomes and reasons:
 * - `ok` — `registered` (a binding added), `refreshed`, `unregistered` (bindings removed),
 *   `fetched` (no Contact: bindings listed, RFC 3261 §10.2.3);
 * - `challenged` — 401 with a fresh challenge; the reason is the digest verdict
 *   (`missing-credentials`, `stale-nonce`, `replayed-nonce-count`, `invalid-nonce`, …);
 * - `failed` — a final refusal: `domain-not-ours`, `wrong-password`, `unknown-user`,
 *   `identity-mismatch`, `unknown-aor`, `interval-too-brief`, `bad-contact`, `out-of-order`,
 *   `bad-event`, `gruu-required`, `bad-keep-alive`, or a digest verdict answered with 400.
 *
 * @example
 * ```ts
 * const registry = new MetricsRegistry();
 * const sink = registrarMetricsIn(registry);
 * sink.registration("failed", "wrong-password");
 * // registry.counter("registrar_registrations") has {outcome: failed, reason: wrong-password} = 1
 * ```
 *
 * @module
 */

/** How a REGISTER ended. */
export type RegistrationOutcome = "ok" | "challenged" | "failed";

/** Receives one call per REGISTER answered. */
export interface RegistrarMetricsSink {
  registration(outcome: RegistrationOutcome, reason: string): void;
}

/** A sink that drops everything. */
export const NO_REGISTRAR_METRICS: RegistrarMetricsSink = Object.freeze({
  registration: () => {},
});

/** Anything with named counters taking a label set (`MetricsRegistry` is one). */
export interface CounterSource {
  counter(name: string): { inc(labels?: Readonly<Record<string, string>>): void };
}

/** Name of the counter {@link registrarMetricsIn} increments. */
export const REGISTRATIONS_COUNTER = "registrar_registrations";

/**
 * A sink counting into `registrar_registrations{outcome, reason}` of `registry`.
 *
 * @example
 * ```ts
 * const agent = await FrontendAgent.start({ ..., metrics: registrarMetricsIn(registry) });
 * ```
 */
export function registrarMetricsIn(registry: CounterSource): RegistrarMetricsSink {
  const counter = registry.counter(REGISTRATIONS_COUNTER);
  return { registration: (outcome, reason) => counter.inc({ outcome, reason }) };
}
