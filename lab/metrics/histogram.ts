/**
 * HDR latency histograms (hdr-histogram-js, pure JavaScript build): constant-time recording,
 * percentiles to 3 significant digits, and an exact, lossless merge across workers and hosts
 * through the standard compressed base64 HDR encoding.
 *
 * Values are recorded as integers in "ticks": `value × resolution`, rounded. For latencies in
 * milliseconds the default resolution of 1000 makes a tick one microsecond; a unitless
 * distribution (a MOS score, a loss fraction) uses the same 1/1000 step.
 *
 * @module
 */

import * as hdr from "hdr-histogram-js";

/** HDR precision: 3 significant decimal digits (0.1% relative error on every value). */
const SIGNIFICANT_DIGITS = 3;
/** 64-bit counts: a merged histogram cannot overflow a bucket at lab rates. */
const BUCKET_BITS = 64;
/** Ticks per recorded unit by default: microseconds when values are milliseconds. */
export const DEFAULT_RESOLUTION = 1000;

/** Aggregates of a histogram, in the recorded unit (ms for latencies). Absent while empty. */
export interface HistogramStats {
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly p50?: number;
  readonly p90?: number;
  readonly p95?: number;
  readonly p99?: number;
  readonly p999?: number;
}

/** The stats of an empty histogram. */
export const EMPTY_STATS: HistogramStats = Object.freeze({ count: 0 });

/**
 * A latency (or any non-negative value) histogram.
 *
 * @example
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(12.5); h.record(30);
 * h.percentile(50); // 12.5 (to 3 significant digits)
 * const copy = LatencyHistogram.decode(h.encode()); copy.count; // 2
 * ```
 */
export class LatencyHistogram {
  readonly #histogram: hdr.Histogram;
  readonly resolution: number;
  /** Exact sum of recorded values (HDR keeps only bucketed values); NaN once decoded. */
  #sum = 0;

  constructor(resolution: number = DEFAULT_RESOLUTION, histogram?: hdr.Histogram) {
    if (!(resolution > 0)) throw new RangeError(`resolution must be positive, got ${resolution}`);
    this.resolution = resolution;
    this.#histogram = histogram ?? hdr.build({
      bitBucketSize: BUCKET_BITS,
      numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
      autoResize: true,
    });
  }

  /** Record one value (negative values count as 0; NaN and infinities are ignored). */
  record(value: number): void {
    if (!Number.isFinite(value)) return;
    const clamped = value > 0 ? value : 0;
    this.#histogram.recordValue(Math.round(clamped * this.resolution));
    this.#sum += clamped;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Sum of the recorded values: exact while recorded here, estimated from buckets if decoded. */
  get sum(): number {
    return Number.isNaN(this.#sum)
      ? this.#histogram.mean * this.count / this.resolution
      : this.#sum;
  }

  /** Smallest recorded value (undefined while empty). */
  get min(): number | undefined {
    if (this.count === 0) return undefined;
    const lowest = this.#histogram.getValueAtPercentile(0);
    return (lowest === 0 ? 0 : this.#histogram.minNonZeroValue) / this.resolution;
  }

  /** Largest recorded value (undefined while empty). */
  get max(): number | undefined {
    return this.count === 0 ? undefined : this.#histogram.maxValue / this.resolution;
  }

  /** Arithmetic mean (undefined while empty). */
  get mean(): number | undefined {
    return this.count === 0 ? undefined : this.sum / this.count;
  }

  /**
   * The value at percentile `p` (0–100): the largest value that `p`% of the recorded values
   * are at most, to 3 significant digits; undefined while empty. HDR reports the top of the
   * value's bucket, which is clamped to the recorded maximum so that no percentile exceeds it.
   */
  percentile(p: number): number | undefined {
    if (this.count === 0) return undefined;
    const clamped = Math.min(100, Math.max(0, p));
    const bucketTop = this.#histogram.getValueAtPercentile(clamped);
    return Math.min(bucketTop, this.#histogram.maxValue) / this.resolution;
  }

  /** Count, min, max, mean and p50/p90/p95/p99/p99.9 in one object. */
  stats(): HistogramStats {
    if (this.count === 0) return EMPTY_STATS;
    return {
      count: this.count,
      min: this.min,
      max: this.max,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
    };
  }

  /** Add every value of `other` to this histogram (exact: bucket counts add up). */
  merge(other: LatencyHistogram): void {
    if (other.resolution !== this.resolution) {
      throw new RangeError(
        `cannot merge histograms of resolution ${other.resolution} into ${this.resolution}`,
      );
    }
    this.#histogram.add(other.#histogram);
    this.#sum += other.#sum;
  }

  /** Forget every value. */
  reset(): void {
    this.#histogram.reset();
    this.#sum = 0;
  }

  /** An independent copy. */
  copy(): LatencyHistogram {
    const copy = new LatencyHistogram(this.resolution);
    copy.merge(this);
    return copy;
  }

  /** The standard compressed HDR encoding (V2 cookie, deflate, base64) of the bucket counts. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }

  /**
   * Rebuild a histogram from {@link LatencyHistogram.encode} output (of any HDR
   * implementation); `resolution` must be the one it was recorded with.
   */
  static decode(encoded: string, resolution: number = DEFAULT_RESOLUTION): LatencyHistogram {
    const histogram = hdr.decodeFromCompressedBase64(encoded, BUCKET_BITS);
    histogram.autoResize = true;
    const decoded = new LatencyHistogram(resolution, histogram);
    decoded.#sum = NaN;
    return decoded;
  }
}

/**
 * Merge several encoded histograms into one (e.g. one per worker or host).
 *
 * @example
 * ```ts
 * const all = mergeEncoded([workerA.encode(), workerB.encode()]);
 * all.percentile(99);
 * ```
 */
export function mergeEncoded(
  encoded: readonly string[],
  resolution: number = DEFAULT_RESOLUTION,
): LatencyHistogram {
  const merged = new LatencyHistogram(resolution);
  for (const text of encoded) merged.merge(LatencyHistogram.decode(text, resolution));
  return merged;
}
