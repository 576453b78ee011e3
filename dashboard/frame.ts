/**
 * The dashboard's once-a-second frame: what the browser draws, built from one registry
 * snapshot plus the run's status, thresholds and errors. The part the charts plot (a
 * {@link ChartPoint}) is also kept in a short history so a page opened mid-run, or
 * reconnecting, starts with the last few minutes.
 *
 * @module
 */

import {
  counterIn,
  formatSeriesName,
  gaugeIn,
  type Labels,
  type MetricsSnapshot,
  type ThresholdOutcome,
} from "../lab/metrics/mod.ts";
import type { ErrorCount, ErrorExample, ErrorSource, RunStatus } from "./control.ts";
import { rollUpCounts, type StateGraph } from "./state_graph.ts";

/** Percentiles of one latency series over one interval (ms); null without samples. */
export interface LatencyPoint {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
}

/** What the time charts plot for one second. */
export interface ChartPoint {
  /** Seconds since the run started. */
  readonly t: number;
  /** SIP requests sent per second, by method (retransmissions included). */
  readonly requests: Readonly<Record<string, number>>;
  /** SIP responses received per second, by status class (`1xx`…`6xx`). */
  readonly responses: Readonly<Record<string, number>>;
  /** Interval percentiles by latency series (`call_setup_time`, `iteration_duration{…}`). */
  readonly latency: Readonly<Record<string, LatencyPoint>>;
}

/** One latency series since the start (ms, HDR percentiles). */
export interface LatencyRow {
  /** `name` or `name{label="value"}`. */
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
  readonly count: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
}

/** A failure counter series with something in it. */
export interface FailureRow {
  readonly metric: string;
  readonly labels: Labels;
  readonly total: number;
  /** Increase over the last interval. */
  readonly delta: number;
}

/** The figures at the top of the page. */
export interface Headline {
  readonly activeUsers: number | null;
  readonly requestsPerSecond: number;
  readonly sessionsAttempted: number;
  readonly sessionsEstablished: number;
  readonly iterationsStarted: number;
  readonly iterationsCompleted: number;
  readonly iterationsFailed: number;
}

/** One frame pushed to the browser. */
export interface DashboardFrame {
  readonly type: "frame";
  /** Wall clock of the snapshot, ms since the epoch. */
  readonly at: number;
  readonly elapsedMs: number;
  readonly intervalMs: number;
  readonly run: RunStatus;
  readonly headline: Headline;
  readonly point: ChartPoint;
  readonly latencies: readonly LatencyRow[];
  /** Actors per state by machine; machines with a drawn chart have compound states summed. */
  readonly states: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly errors: {
    readonly failures: readonly FailureRow[];
    readonly byCode: readonly ErrorCount[];
    readonly latest: readonly ErrorExample[];
  };
  readonly thresholds: readonly ThresholdOutcome[];
}

/** What a frame is made from, beside the snapshot. */
export interface FrameSources {
  readonly run: RunStatus;
  readonly graphs: ReadonlyMap<string, StateGraph>;
  readonly thresholds: readonly ThresholdOutcome[];
  readonly errors?: ErrorSource;
}

/** Error examples per frame. */
export const LATEST_ERRORS = 10;

/** Counters whose series are failures, shown in the error panel when non-zero. */
const FAILURE_COUNTERS = new Set([
  "session_failures",
  "registration_failures",
  "sip_transaction_timeouts",
  "transport_errors",
  "transport_parse_errors",
  "transport_dropped",
  "iterations_failed",
  "iterations_dropped",
]);

/** Status classes of failure responses (RFC 3261 §21.4–§21.6). */
const FAILURE_CLASSES = new Set(["4xx", "5xx", "6xx"]);

function orNull(value: number | undefined): number | null {
  return value === undefined ? null : value;
}

function sumByLabel(
  snapshot: MetricsSnapshot,
  name: string,
  label: string,
): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const c of snapshot.counters) {
    if (c.name !== name) continue;
    const value = c.labels[label] ?? "";
    rates[value] = (rates[value] ?? 0) + c.rate;
  }
  return rates;
}

/**
 * The chart point of a snapshot: per-second rates and interval percentiles.
 *
 * @example
 * ```ts
 * chartPoint(registry.snapshot()).requests.INVITE; // INVITEs sent per second
 * ```
 */
export function chartPoint(snapshot: MetricsSnapshot): ChartPoint {
  const latency: Record<string, LatencyPoint> = {};
  for (const l of snapshot.latencies) {
    if (l.kind !== "latency" || l.interval.count === 0) continue;
    latency[formatSeriesName(l.name, l.labels)] = {
      count: l.interval.count,
      p50: orNull(l.interval.p50),
      p95: orNull(l.interval.p95),
      p99: orNull(l.interval.p99),
      p999: orNull(l.interval.p999),
    };
  }
  return {
    t: snapshot.elapsedMs / 1000,
    requests: sumByLabel(snapshot, "sip_requests_sent", "method"),
    responses: sumByLabel(snapshot, "sip_responses_received", "class"),
    latency,
  };
}

function latencyRows(snapshot: MetricsSnapshot): LatencyRow[] {
  return snapshot.latencies
    .filter((l) => l.kind === "latency" && l.cumulative.count > 0)
    .map((l) => ({
      key: formatSeriesName(l.name, l.labels),
      name: l.name,
      labels: l.labels,
      count: l.cumulative.count,
      mean: orNull(l.cumulative.mean),
      p50: orNull(l.cumulative.p50),
      p95: orNull(l.cumulative.p95),
      p99: orNull(l.cumulative.p99),
      p999: orNull(l.cumulative.p999),
      max: orNull(l.cumulative.max),
    }));
}

function failureRows(snapshot: MetricsSnapshot): FailureRow[] {
  return snapshot.counters
    .filter((c) =>
      c.total > 0 &&
      (FAILURE_COUNTERS.has(c.name) ||
        (c.name === "sip_responses_received" && FAILURE_CLASSES.has(c.labels.class ?? "")))
    )
    .map((c) => ({ metric: c.name, labels: c.labels, total: c.total, delta: c.delta }))
    .sort((a, b) => b.total - a.total);
}

function total(snapshot: MetricsSnapshot, name: string): number {
  return counterIn(snapshot, name).total;
}

/**
 * Build the frame of one snapshot.
 *
 * @example
 * ```ts
 * const frame = buildFrame(registry.snapshot(), { run: control.status(), graphs, thresholds: [] });
 * socket.send(JSON.stringify(frame));
 * ```
 */
export function buildFrame(snapshot: MetricsSnapshot, sources: FrameSources): DashboardFrame {
  const point = chartPoint(snapshot);
  const states: Record<string, Record<string, number>> = {};
  for (const s of snapshot.states) {
    const graph = sources.graphs.get(s.machine);
    states[s.machine] = graph === undefined ? { ...s.counts } : rollUpCounts(graph, s.counts);
  }
  return {
    type: "frame",
    at: snapshot.at,
    elapsedMs: snapshot.elapsedMs,
    intervalMs: snapshot.intervalMs,
    run: sources.run,
    headline: {
      activeUsers: gaugeIn(snapshot, "active_users") ?? gaugeIn(snapshot, "vus_active") ?? null,
      requestsPerSecond: Object.values(point.requests).reduce((sum, r) => sum + r, 0),
      sessionsAttempted: total(snapshot, "session_attempts"),
      sessionsEstablished: total(snapshot, "sessions_established"),
      iterationsStarted: total(snapshot, "iterations_started"),
      iterationsCompleted: total(snapshot, "iterations_completed"),
      iterationsFailed: total(snapshot, "iterations_failed"),
    },
    point,
    latencies: latencyRows(snapshot),
    states,
    errors: {
      failures: failureRows(snapshot),
      byCode: sources.errors?.counts() ?? [],
      latest: sources.errors?.latest(LATEST_ERRORS) ?? [],
    },
    thresholds: sources.thresholds,
  };
}

/**
 * The last `capacity` chart points, oldest first.
 *
 * @example
 * ```ts
 * const history = new PointHistory(300);
 * history.push(frame.point);
 * history.points(); // what a new page starts with
 * ```
 */
export class PointHistory {
  readonly #points: ChartPoint[] = [];
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError("capacity must be a positive integer");
    }
  }

  push(point: ChartPoint): void {
    this.#points.push(point);
    if (this.#points.length > this.capacity) this.#points.shift();
  }

  points(): readonly ChartPoint[] {
    return [...this.#points];
  }
}
