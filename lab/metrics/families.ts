/**
 * Metric families: a name, its help and one series per label set. The hot path is a Map
 * lookup plus a numeric add (or an HDR record); nothing here allocates per event once a
 * series exists. Each family is also the handle agents record through
 * (`registry.counter("x").inc()`), and `with(labels)` binds a series for the hottest paths.
 *
 * @module
 */

import { DEFAULT_RESOLUTION, LatencyHistogram } from "./histogram.ts";
import { assertLabelNames, labelKey, LabelKeyer, type Labels, NO_LABELS } from "./labels.ts";
import type { MetricKind } from "./names.ts";

/** A monotonically increasing count. */
export class CounterSeries {
  value = 0;
  /** Value at the previous snapshot, for per-interval deltas. */
  reported = 0;
  constructor(readonly labels: Labels) {}

  inc(by: number = 1): void {
    this.value += by;
  }
}

/** A value that goes up and down; remembers the extremes it took. */
export class GaugeSeries {
  value = 0;
  min = Infinity;
  max = -Infinity;
  constructor(readonly labels: Labels) {}

  set(value: number): void {
    this.value = value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  add(delta: number): void {
    this.set(this.value + delta);
  }
}

/** HDR histograms of one series: since the start, and since the previous snapshot. */
export class HistogramSeries {
  readonly cumulative: LatencyHistogram;
  readonly interval: LatencyHistogram;
  constructor(readonly labels: Labels, resolution: number) {
    this.cumulative = new LatencyHistogram(resolution);
    this.interval = new LatencyHistogram(resolution);
  }

  record(value: number): void {
    this.cumulative.record(value);
    this.interval.record(value);
  }
}

/** Hits out of a total (k6 "rate" metrics): e.g. failed calls out of attempts. */
export class RatioSeries {
  hits = 0;
  total = 0;
  reportedHits = 0;
  reportedTotal = 0;
  constructor(readonly labels: Labels) {}

  add(hit: boolean): void {
    this.total++;
    if (hit) this.hits++;
  }
}

/** Behaviour shared by every family: series lookup by label set. */
abstract class Family<S extends { readonly labels: Labels }> {
  abstract readonly kind: MetricKind;
  readonly series = new Map<string, S>();
  readonly #keyer: LabelKeyer;
  /** Series of one-label families by label value. */
  readonly #byValue = new Map<string, S>();
  /** Series of two-label families by first value, then second value. */
  readonly #byPair = new Map<string, Map<string, S>>();

  constructor(readonly name: string, readonly help: string, labelNames: readonly string[]) {
    this.#keyer = new LabelKeyer(labelNames);
  }

  protected abstract create(labels: Labels): S;

  /** The series for a label set, created on first use. */
  with(labels: Labels = NO_LABELS): S {
    const key = labelKey(labels);
    const found = this.series.get(key);
    if (found !== undefined) return found;
    assertLabelNames(labels);
    const created = this.create({ ...labels });
    this.series.set(key, created);
    return created;
  }

  /** Hot path for a family declared with one label name. */
  at1(value: string): S {
    const found = this.#byValue.get(value);
    if (found !== undefined) return found;
    const key = this.#keyer.key1(value);
    const series = this.series.get(key) ?? this.#add(key, this.#keyer.labels(value));
    this.#byValue.set(value, series);
    return series;
  }

  /** Hot path for a family declared with two label names (values in declaration order). */
  at2(first: string, second: string): S {
    // Two lookups on the values themselves beat building and hashing a joined key per event.
    const found = this.#byPair.get(first)?.get(second);
    if (found !== undefined) return found;
    const key = this.#keyer.key2(first, second);
    const series = this.series.get(key) ?? this.#add(key, this.#keyer.labels(first, second));
    let inner = this.#byPair.get(first);
    if (inner === undefined) this.#byPair.set(first, inner = new Map());
    inner.set(second, series);
    return series;
  }

  #add(key: string, labels: Labels): S {
    const created = this.create(labels);
    this.series.set(key, created);
    return created;
  }
}

/**
 * A counter family.
 *
 * @example
 * ```ts
 * const calls = new CounterFamily("calls", "Calls placed.", []);
 * calls.inc({ transport: "udp" });
 * calls.with({ transport: "tcp" }).inc(3);
 * ```
 */
export class CounterFamily extends Family<CounterSeries> {
  readonly kind = "counter";

  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  inc(labels?: Labels, by: number = 1): void {
    this.with(labels).value += by;
  }
}

/**
 * A gauge family.
 *
 * @example
 * ```ts
 * const users = new GaugeFamily("active_users", "Users active now.", []);
 * users.set(50);
 * users.add(-1);
 * ```
 */
export class GaugeFamily extends Family<GaugeSeries> {
  readonly kind = "gauge";

  protected create(labels: Labels): GaugeSeries {
    return new GaugeSeries(labels);
  }

  set(value: number, labels?: Labels): void {
    this.with(labels).set(value);
  }

  add(delta: number, labels?: Labels): void {
    this.with(labels).add(delta);
  }
}

/**
 * An HDR-backed family: latencies in milliseconds (`kind: "latency"`, microsecond ticks) or
 * unitless values (`kind: "distribution"`, 1/1000 ticks).
 *
 * @example
 * ```ts
 * const setup = new HistogramFamily("call_setup_time", "INVITE → 2xx.", [], "latency");
 * setup.record(42.7, { transport: "udp" });
 * ```
 */
export class HistogramFamily extends Family<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly kind: "latency" | "distribution",
  ) {
    super(name, help, labelNames);
  }

  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, DEFAULT_RESOLUTION);
  }

  record(value: number, labels?: Labels): void {
    this.with(labels).record(value);
  }
}

/**
 * A ratio family: `add(true)` counts a hit and an attempt, `add(false)` an attempt only.
 *
 * @example
 * ```ts
 * const failed = new RatioFamily("im_failed", "Failed IMs.", []);
 * failed.add(false); failed.add(true); // 1 of 2
 * ```
 */
export class RatioFamily extends Family<RatioSeries> {
  readonly kind = "ratio";

  protected create(labels: Labels): RatioSeries {
    return new RatioSeries(labels);
  }

  add(hit: boolean, labels?: Labels): void {
    this.with(labels).add(hit);
  }

  /** Bring derived values up to date before they are read; recorded ratios are always so. */
  refresh(): void {}
}

/** Numerator and denominator of a ratio computed from other metrics. */
export interface RatioParts {
  readonly hits: number;
  readonly total: number;
}

/**
 * A ratio computed from counters at read time (the RFC 6076 ratios); one unlabelled series.
 *
 * @example
 * ```ts
 * const ser = new DerivedRatioFamily("session_establishment_ratio", "SER", () => ({ hits: 9, total: 10 }));
 * ser.refresh();
 * ```
 */
export class DerivedRatioFamily extends RatioFamily {
  readonly #series: RatioSeries;

  constructor(name: string, help: string, readonly compute: () => RatioParts) {
    super(name, help, []);
    this.#series = this.with();
  }

  override add(): void {
    throw new TypeError(`${this.name} is computed from other metrics; it cannot be recorded`);
  }

  override refresh(): void {
    const { hits, total } = this.compute();
    this.#series.hits = hits;
    this.#series.total = total;
  }
}

/** Any family. */
export type MetricFamily = CounterFamily | GaugeFamily | HistogramFamily | RatioFamily;
