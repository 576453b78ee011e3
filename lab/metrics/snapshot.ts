/**
 * Per-interval snapshots of every metric (what the time series, the progress line, the
 * dashboard and the summary are made from) and the per-metric views thresholds read.
 *
 * @module
 */

import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  type MetricFamily,
  RatioFamily,
} from "./families.ts";
import { EMPTY_STATS, type HistogramStats, LatencyHistogram } from "./histogram.ts";
import { type Labels, labelsMatch, NO_LABELS } from "./labels.ts";
import type { MetricKind } from "./names.ts";

/** A counter series: total since the start, increase over the interval, per-second rate. */
export interface CounterSample {
  readonly name: string;
  readonly labels: Labels;
  readonly total: number;
  readonly delta: number;
  /** `delta` per second of the interval. */
  readonly rate: number;
}

/** A gauge series: current value and the extremes it took since the start. */
export interface GaugeSample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  readonly min: number;
  readonly max: number;
}

/** An HDR series: stats of the values recorded in the interval and since the start. */
export interface HistogramSample {
  readonly name: string;
  readonly labels: Labels;
  /** `latency`: milliseconds; `distribution`: unitless. */
  readonly kind: "latency" | "distribution";
  readonly interval: HistogramStats;
  readonly cumulative: HistogramStats;
}

/** A ratio series: hits out of a total, since the start and in the interval. */
export interface RatioSample {
  readonly name: string;
  readonly labels: Labels;
  readonly hits: number;
  readonly total: number;
  /** hits / total; absent while total is 0. */
  readonly ratio?: number;
  readonly deltaHits: number;
  readonly deltaTotal: number;
}

/** How many actors of one state machine are in each state. */
export interface StateSample {
  readonly machine: string;
  readonly counts: Readonly<Record<string, number>>;
}

/** Every metric at one moment. */
export interface MetricsSnapshot {
  /** Wall clock, ms since the epoch. */
  readonly at: number;
  /** Since the registry started. */
  readonly elapsedMs: number;
  /** Since the previous snapshot (the interval deltas and interval stats cover this). */
  readonly intervalMs: number;
  readonly counters: readonly CounterSample[];
  readonly gauges: readonly GaugeSample[];
  readonly latencies: readonly HistogramSample[];
  readonly ratios: readonly RatioSample[];
  readonly states: readonly StateSample[];
}

/** When a snapshot is taken. */
export interface SnapshotTiming {
  readonly at: number;
  readonly elapsedMs: number;
  readonly intervalMs: number;
}

/**
 * Read every family into a snapshot and start a new interval: counter and ratio baselines
 * move to the current values, interval histograms are emptied.
 *
 * @example
 * ```ts
 * const snapshot = takeSnapshot(families, states, { at: Date.now(), elapsedMs: 3000, intervalMs: 1000 });
 * ```
 */
export function takeSnapshot(
  families: Iterable<MetricFamily>,
  states: ReadonlyMap<string, Readonly<Record<string, number>>>,
  timing: SnapshotTiming,
): MetricsSnapshot {
  const seconds = timing.intervalMs / 1000;
  const counters: CounterSample[] = [];
  const gauges: GaugeSample[] = [];
  const latencies: HistogramSample[] = [];
  const ratios: RatioSample[] = [];
  for (const family of families) {
    const name = family.name;
    if (family instanceof CounterFamily) {
      for (const s of family.series.values()) {
        const delta = s.value - s.reported;
        s.reported = s.value;
        counters.push({
          name,
          labels: s.labels,
          total: s.value,
          delta,
          rate: seconds > 0 ? delta / seconds : 0,
        });
      }
    } else if (family instanceof GaugeFamily) {
      for (const s of family.series.values()) {
        // A series bound with `with()` but never set has no extremes yet: report its value.
        const min = Number.isFinite(s.min) ? s.min : s.value;
        const max = Number.isFinite(s.max) ? s.max : s.value;
        gauges.push({ name, labels: s.labels, value: s.value, min, max });
      }
    } else if (family instanceof HistogramFamily) {
      for (const s of family.series.values()) {
        const interval = s.interval.count === 0 ? EMPTY_STATS : s.interval.stats();
        s.interval.reset();
        latencies.push({
          name,
          labels: s.labels,
          kind: family.kind,
          interval,
          cumulative: s.cumulative.stats(),
        });
      }
    } else {
      family.refresh();
      for (const s of family.series.values()) {
        const sample: RatioSample = {
          name,
          labels: s.labels,
          hits: s.hits,
          total: s.total,
          deltaHits: s.hits - s.reportedHits,
          deltaTotal: s.total - s.reportedTotal,
          ...(s.total > 0 ? { ratio: s.hits / s.total } : {}),
        };
        s.reportedHits = s.hits;
        s.reportedTotal = s.total;
        ratios.push(sample);
      }
    }
  }
  const stateSamples = [...states].map(([machine, counts]) => ({ machine, counts: { ...counts } }));
  return { ...timing, counters, gauges, latencies, ratios, states: stateSamples };
}

/**
 * What a threshold reads from one metric (all matching series combined). Times are
 * milliseconds. Per kind:
 *
 * - counter: `count` = `value` = total; `rate` = total per second of the run so far.
 * - gauge: `value` = current value (summed over matching series); `min`/`max` = extremes
 *   taken; `count` = matching series.
 * - latency / distribution: `count` = samples; `avg`, `min`, `max`, `percentile(p)` over
 *   every sample since the start (HDR, 3 significant digits); `rate` = samples per second.
 * - ratio: `count` = total; `rate` = `value` = hits / total (a fraction in [0, 1]).
 *
 * Aggregations that do not apply to a kind are undefined, as are all of them without samples.
 */
export interface MetricView {
  readonly kind: MetricKind;
  percentile(p: number): number | undefined;
  readonly count: number;
  readonly rate: number | undefined;
  readonly avg: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly value: number | undefined;
}

function perSecond(count: number, elapsedMs: number): number | undefined {
  return elapsedMs > 0 ? count / (elapsedMs / 1000) : undefined;
}

const noPercentile = (): undefined => undefined;

/**
 * The view of a family restricted to the series whose labels include `tags`.
 *
 * @example
 * ```ts
 * viewOf(family, { transport: "udp" }, 10_000).percentile(95);
 * ```
 */
export function viewOf(family: MetricFamily, tags: Labels, elapsedMs: number): MetricView {
  if (family instanceof CounterFamily) {
    let total = 0;
    for (const s of family.series.values()) if (labelsMatch(s.labels, tags)) total += s.value;
    return {
      kind: family.kind,
      percentile: noPercentile,
      count: total,
      rate: perSecond(total, elapsedMs),
      avg: undefined,
      min: undefined,
      max: undefined,
      value: total,
    };
  }
  if (family instanceof GaugeFamily) {
    const matching = [...family.series.values()].filter((s) => labelsMatch(s.labels, tags));
    const any = matching.length > 0;
    return {
      kind: family.kind,
      percentile: noPercentile,
      count: matching.length,
      rate: undefined,
      avg: undefined,
      min: any ? Math.min(...matching.map((s) => Math.min(s.min, s.value))) : undefined,
      max: any ? Math.max(...matching.map((s) => Math.max(s.max, s.value))) : undefined,
      value: any ? matching.reduce((sum, s) => sum + s.value, 0) : undefined,
    };
  }
  if (family instanceof HistogramFamily) {
    const merged = mergedCumulative(family, tags);
    return {
      kind: family.kind,
      percentile: (p) => merged.percentile(p),
      count: merged.count,
      rate: perSecond(merged.count, elapsedMs),
      avg: merged.mean,
      min: merged.min,
      max: merged.max,
      value: undefined,
    };
  }
  return ratioView(family, tags);
}

function mergedCumulative(family: HistogramFamily, tags: Labels): LatencyHistogram {
  const matching = [...family.series.values()].filter((s) => labelsMatch(s.labels, tags));
  if (matching.length === 1) return matching[0].cumulative;
  const merged = new LatencyHistogram();
  for (const s of matching) merged.merge(s.cumulative);
  return merged;
}

function ratioView(family: RatioFamily, tags: Labels): MetricView {
  family.refresh();
  let hits = 0;
  let total = 0;
  for (const s of family.series.values()) {
    if (!labelsMatch(s.labels, tags)) continue;
    hits += s.hits;
    total += s.total;
  }
  const fraction = total > 0 ? hits / total : undefined;
  return {
    kind: family.kind,
    percentile: noPercentile,
    count: total,
    rate: fraction,
    avg: undefined,
    min: undefined,
    max: undefined,
    value: fraction,
  };
}

/**
 * Sum of a counter's totals and deltas over the series matching `tags` in a snapshot.
 *
 * @example
 * ```ts
 * counterIn(snapshot, "session_attempts").delta; // attempts in the last interval
 * ```
 */
export function counterIn(
  snapshot: MetricsSnapshot,
  name: string,
  tags: Labels = NO_LABELS,
): { total: number; delta: number } {
  let total = 0;
  let delta = 0;
  for (const c of snapshot.counters) {
    if (c.name !== name || !labelsMatch(c.labels, tags)) continue;
    total += c.total;
    delta += c.delta;
  }
  return { total, delta };
}

/**
 * The first histogram sample of `name` whose labels match `tags` (undefined if none).
 *
 * @example
 * ```ts
 * histogramIn(snapshot, "call_setup_time")?.interval.p95;
 * ```
 */
export function histogramIn(
  snapshot: MetricsSnapshot,
  name: string,
  tags: Labels = NO_LABELS,
): HistogramSample | undefined {
  return snapshot.latencies.find((l) => l.name === name && labelsMatch(l.labels, tags));
}

/**
 * Sum of a gauge's current values over the series matching `tags` (undefined if none).
 *
 * @example
 * ```ts
 * gaugeIn(snapshot, "active_users"); // 50
 * ```
 */
export function gaugeIn(
  snapshot: MetricsSnapshot,
  name: string,
  tags: Labels = NO_LABELS,
): number | undefined {
  const matching = snapshot.gauges.filter((g) => g.name === name && labelsMatch(g.labels, tags));
  return matching.length === 0 ? undefined : matching.reduce((sum, g) => sum + g.value, 0);
}

/**
 * The ratio sample of `name` without labels (undefined if absent).
 *
 * @example
 * ```ts
 * ratioIn(snapshot, "session_establishment_ratio")?.ratio; // 0.99
 * ```
 */
export function ratioIn(snapshot: MetricsSnapshot, name: string): RatioSample | undefined {
  return snapshot.ratios.find((r) => r.name === name && Object.keys(r.labels).length === 0);
}
