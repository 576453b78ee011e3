/**
 * The run summary (`summary.json`, `summary.partial.json`, the terminal table and the
 * report header), built from one snapshot: every figure in it is cumulative.
 *
 * @module
 */

import type { HistogramStats } from "./histogram.ts";
import type { Labels } from "./labels.ts";
import { SESSION_KPI_METRICS } from "./names.ts";
import { counterIn, type MetricsSnapshot } from "./snapshot.ts";

/** One threshold's outcome, as the runner reports it. */
export interface ThresholdOutcome {
  /** The metric key as written in the scenario, e.g. `call_setup_time{transport:udp}`. */
  readonly metric: string;
  /** The expression, e.g. `p(95) < 300ms`. */
  readonly expression: string;
  /** The aggregated value compared; null when the metric had no samples. */
  readonly observed: number | null;
  readonly passed: boolean;
}

/** Outcome totals of one kind of attempt (sessions or registrations). */
export interface AttemptTotals {
  readonly attempted: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Failures by final status code, `timeout` or `transport`. */
  readonly failedByStatus: Readonly<Record<string, number>>;
  /** Attempts per second over the run. */
  readonly attemptsPerSecond: number;
}

/** Session totals add redirections and completions. */
export interface SessionTotals extends AttemptTotals {
  readonly redirected: number;
  readonly completed: number;
}

/** A latency (or distribution) series over the whole run. */
export interface SummaryLatency {
  readonly name: string;
  readonly labels: Labels;
  readonly kind: "latency" | "distribution";
  readonly stats: HistogramStats;
}

/** A counter series' total over the run. */
export interface SummaryCounter {
  readonly name: string;
  readonly labels: Labels;
  readonly total: number;
}

/** The summary of a run. */
export interface RunSummary {
  readonly runId: string;
  readonly scenario: string;
  /** ISO time of the start. */
  readonly startedAt: string;
  /** ISO time of the snapshot the summary was made from. */
  readonly endedAt: string;
  readonly durationS: number;
  /**
   * True only for the final `summary.json` of a run that finished its schedule; false for
   * partial summaries and for a run stopped early (see `stopReason`).
   */
  readonly complete: boolean;
  /**
   * Why the run stopped (`completed`, `interrupted`, `max-duration`, `thresholds`, `error`), in
   * the final summary when the runner said so.
   */
  readonly stopReason?: string;
  readonly sessions: SessionTotals;
  readonly registrations: AttemptTotals;
  /** RFC 6076 ratios (and the failure ratio) by metric name; null while undefined. */
  readonly kpis: Readonly<Record<string, number | null>>;
  /** Every HDR series with samples. */
  readonly latencies: readonly SummaryLatency[];
  /** Every counter series. */
  readonly counters: readonly SummaryCounter[];
  readonly thresholds: readonly ThresholdOutcome[];
}

/** Run facts a snapshot does not carry. */
export interface RunInfo {
  readonly runId: string;
  readonly scenario: string;
  readonly startedAt: number;
  readonly complete: boolean;
  /** Why the run stopped, when known (the final summary). */
  readonly stopReason?: string;
  readonly thresholds: readonly ThresholdOutcome[];
}

/** Names of the RFC 6076 ratios (and the failure ratio), in report order. */
export const KPI_RATIO_NAMES: readonly string[] = Object.entries(SESSION_KPI_METRICS)
  .filter(([, definition]) => definition.kind === "ratio")
  .map(([name]) => name);

function failuresByStatus(snapshot: MetricsSnapshot, name: string): Record<string, number> {
  const byStatus: Record<string, number> = {};
  for (const c of snapshot.counters) {
    if (c.name === name && c.total > 0) byStatus[c.labels.status ?? "unknown"] = c.total;
  }
  return byStatus;
}

function sumValues(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((sum, n) => sum + n, 0);
}

/**
 * Build the summary of a run from its latest snapshot.
 *
 * @example
 * ```ts
 * const summary = buildSummary(registry.snapshot(), {
 *   runId, scenario: "basic-call", startedAt: registry.startedAt, complete: true, thresholds: [],
 * });
 * ```
 */
export function buildSummary(snapshot: MetricsSnapshot, info: RunInfo): RunSummary {
  const seconds = snapshot.elapsedMs / 1000;
  const perSecond = (n: number) => seconds > 0 ? n / seconds : 0;
  const sessionFailures = failuresByStatus(snapshot, "session_failures");
  const registrationFailures = failuresByStatus(snapshot, "registration_failures");
  const sessionsAttempted = counterIn(snapshot, "session_attempts").total;
  const registrationsAttempted = counterIn(snapshot, "registration_attempts").total;
  const kpis: Record<string, number | null> = {};
  for (const name of KPI_RATIO_NAMES) {
    const sample = snapshot.ratios.find((r) => r.name === name);
    kpis[name] = sample?.ratio ?? null;
  }
  return {
    runId: info.runId,
    scenario: info.scenario,
    startedAt: new Date(info.startedAt).toISOString(),
    endedAt: new Date(snapshot.at).toISOString(),
    durationS: seconds,
    complete: info.complete,
    ...(info.stopReason === undefined ? {} : { stopReason: info.stopReason }),
    sessions: {
      attempted: sessionsAttempted,
      succeeded: counterIn(snapshot, "sessions_established").total,
      failed: sumValues(sessionFailures),
      failedByStatus: sessionFailures,
      redirected: counterIn(snapshot, "sessions_redirected").total,
      completed: counterIn(snapshot, "sessions_completed").total,
      attemptsPerSecond: perSecond(sessionsAttempted),
    },
    registrations: {
      attempted: registrationsAttempted,
      succeeded: counterIn(snapshot, "registrations_completed").total,
      failed: sumValues(registrationFailures),
      failedByStatus: registrationFailures,
      attemptsPerSecond: perSecond(registrationsAttempted),
    },
    kpis,
    latencies: snapshot.latencies
      .filter((l) => l.cumulative.count > 0)
      .map((l) => ({ name: l.name, labels: l.labels, kind: l.kind, stats: l.cumulative })),
    counters: snapshot.counters.map((c) => ({ name: c.name, labels: c.labels, total: c.total })),
    thresholds: info.thresholds,
  };
}
