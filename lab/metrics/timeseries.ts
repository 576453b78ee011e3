/**
 * The `timeseries.ndjson` line format: one line per series per snapshot, each line carrying
 * its snapshot's time, so a snapshot can be rebuilt from its lines alone.
 *
 * ```
 * {"t":1700000001000,"elapsedMs":1000,"intervalMs":1000,"kind":"counter","name":"session_attempts","labels":{},"total":40,"delta":40,"rate":40}
 * {"t":…,"kind":"latency","name":"call_setup_time","labels":{},"interval":{"count":38,"p50":…},"cumulative":{…}}
 * {"t":…,"kind":"gauge","name":"active_users","labels":{},"value":50,"min":0,"max":50}
 * {"t":…,"kind":"ratio","name":"session_establishment_ratio","labels":{},"hits":38,"total":40,"ratio":0.95,"deltaHits":38,"deltaTotal":40}
 * {"t":…,"kind":"states","machine":"uacCall","counts":{"ringing":3,"connected":35}}
 * {"t":…,"kind":"end","lines":5}
 * ```
 *
 * Latency lines have `kind` `latency` (milliseconds) or `distribution` (unitless). The `end`
 * line closes a snapshot: a snapshot whose `end` line is missing (the writer was killed while
 * writing it) is dropped when reading.
 *
 * @module
 */

import type {
  CounterSample,
  GaugeSample,
  HistogramSample,
  MetricsSnapshot,
  RatioSample,
  StateSample,
} from "./snapshot.ts";

/** When a line's snapshot was taken. */
interface LineTime {
  readonly t: number;
  readonly elapsedMs: number;
  readonly intervalMs: number;
}

/** One line of `timeseries.ndjson`. */
export type TimeseriesLine =
  & LineTime
  & (
    | ({ readonly kind: "counter" } & CounterSample)
    | ({ readonly kind: "gauge" } & GaugeSample)
    | HistogramSample
    | ({ readonly kind: "ratio" } & RatioSample)
    | ({ readonly kind: "states" } & StateSample)
    | { readonly kind: "end"; readonly lines: number }
  );

/**
 * The lines of one snapshot.
 *
 * @example
 * ```ts
 * const text = toNdjson(snapshotLines(registry.snapshot()));
 * ```
 */
export function snapshotLines(snapshot: MetricsSnapshot): TimeseriesLine[] {
  const time: LineTime = {
    t: snapshot.at,
    elapsedMs: snapshot.elapsedMs,
    intervalMs: snapshot.intervalMs,
  };
  const lines: TimeseriesLine[] = [
    ...snapshot.counters.map((c) => ({ ...time, kind: "counter" as const, ...c })),
    ...snapshot.gauges.map((g) => ({ ...time, kind: "gauge" as const, ...g })),
    ...snapshot.latencies.map((l) => ({ ...time, ...l })),
    ...snapshot.ratios.map((r) => ({ ...time, kind: "ratio" as const, ...r })),
    ...snapshot.states.map((s) => ({ ...time, kind: "states" as const, ...s })),
  ];
  lines.push({ ...time, kind: "end", lines: lines.length });
  return lines;
}

function withoutTime<T extends LineTime & { kind: string }>(
  line: T,
): Omit<T, "t" | "elapsedMs" | "intervalMs" | "kind"> {
  const { t: _t, elapsedMs: _e, intervalMs: _i, kind: _k, ...sample } = line;
  return sample;
}

/**
 * Rebuild snapshots from lines (in file order; lines of one snapshot share `t`). Snapshots
 * without their `end` line, or with fewer lines than it announces, are dropped; lines of an
 * unknown kind are ignored.
 *
 * @example
 * ```ts
 * const seconds = snapshotsFromLines(parseNdjson<TimeseriesLine>(text).records);
 * ```
 */
export function snapshotsFromLines(lines: readonly TimeseriesLine[]): MetricsSnapshot[] {
  const snapshots: MetricsSnapshot[] = [];
  let current: {
    at: number;
    elapsedMs: number;
    intervalMs: number;
    counters: CounterSample[];
    gauges: GaugeSample[];
    latencies: HistogramSample[];
    ratios: RatioSample[];
    states: StateSample[];
  } | undefined;
  let seen = 0;
  for (const line of lines) {
    if (current === undefined || current.at !== line.t) {
      current = {
        at: line.t,
        elapsedMs: line.elapsedMs,
        intervalMs: line.intervalMs,
        counters: [],
        gauges: [],
        latencies: [],
        ratios: [],
        states: [],
      };
      seen = 0;
    }
    seen++;
    switch (line.kind) {
      case "counter":
        current.counters.push(withoutTime(line));
        break;
      case "gauge":
        current.gauges.push(withoutTime(line));
        break;
      case "latency":
      case "distribution": {
        const { t: _t, elapsedMs: _e, intervalMs: _i, ...sample } = line;
        current.latencies.push(sample);
        break;
      }
      case "ratio":
        current.ratios.push(withoutTime(line));
        break;
      case "states":
        current.states.push(withoutTime(line));
        break;
      case "end":
        if (seen - 1 === line.lines) snapshots.push(current);
        current = undefined;
        break;
    }
  }
  return snapshots;
}
