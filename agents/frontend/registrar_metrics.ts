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
 * Authentication (every request, not only REGISTER) is counted by scheme, outcome and reason
 * through the optional `authentication` call: scheme `NTLM` / `Kerberos` / `TLS-DSK` / `Digest`
 * (`none` when no credentials were sent); outcome `established` (an SA completed), `continued`
 * (the next handshake token), `challenged`, `failed` (400/403) or `dropped` (ACK/CANCEL); reason
 * `ok`, the MS-SIPAE diagnostic key (`auth-bad-signature`, `auth-replay`, `auth-wrong-password`,
 * …) or the Digest failure.
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
  /** One authentication decision (see the module documentation). */
  authentication?(scheme: string, outcome: AuthenticationOutcome, reason: string): void;
}

/** How one authentication decision ended. */
export type AuthenticationOutcome =
  | "established"
  | "continued"
  | "challenged"
  | "failed"
  | "dropped";

/** A sink that drops everything. */
export const NO_REGISTRAR_METRICS: RegistrarMetricsSink = Object.freeze({
  registration: () => {},
  authentication: () => {},
});

/** Anything with named counters taking a label set (`MetricsRegistry` is one). */
export interface CounterSource {
  counter(name: string): { inc(labels?: Readonly<Record<string, string>>): void };
}

/** Name of the counter {@link registrarMetricsIn} increments per REGISTER. */
export const REGISTRATIONS_COUNTER = "registrar_registrations";

/** Name of the counter {@link registrarMetricsIn} increments per authentication decision. */
export const AUTHENTICATIONS_COUNTER = "frontend_authentications";

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
  const auth = registry.counter(AUTHENTICATIONS_COUNTER);
  return {
    registration: (outcome, reason) => counter.inc({ outcome, reason }),
    authentication: (scheme, outcome, reason) => auth.inc({ scheme, outcome, reason }),
  };
}
