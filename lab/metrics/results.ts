/**
 * The results folder of a run, `results/<run-id>/`, written incrementally from the first
 * second so that a run killed at any moment (SIGKILL included) leaves everything up to its
 * last second readable:
 *
 * | file | written |
 * | --- | --- |
 * | `scenario.yaml` | at creation: the scenario text as run |
 * | `run.json` | at creation: run id, scenario name, start time |
 * | `timeseries.ndjson` | appended every second, one line per series ({@link TimeseriesLine}) |
 * | `events.ndjson` | appended: notable events (error examples, threshold results…) |
 * | `summary.partial.json` | replaced every second (write a temporary file, then rename) |
 * | `histograms/<metric>.json` | replaced every few seconds: cumulative HDR per series |
 * | `summary.json` | at the end of a run (`complete: false` and its stop reason if stopped early) |
 * | `report.html` | at the end, by {@link writeReport} (or `lab report <run-dir>`) |
 *
 * Appends go through one `write` of whole lines per second on an append-mode handle, so a
 * kill leaves complete lines and at most one cut last line, which {@link readResults} skips.
 *
 * @module
 */

import { basename, join } from "node:path";
import { DEFAULT_RESOLUTION, LatencyHistogram } from "./histogram.ts";
import type { Labels } from "./labels.ts";
import { parseNdjson, toNdjson } from "./ndjson.ts";
import type { EncodedHistogram } from "./registry.ts";
import type { MetricsSnapshot } from "./snapshot.ts";
import { buildSummary, type RunSummary, type ThresholdOutcome } from "./summary.ts";
import { snapshotLines, snapshotsFromLines, type TimeseriesLine } from "./timeseries.ts";

/** File names inside a results folder. */
export const RESULT_FILES = {
  scenario: "scenario.yaml",
  run: "run.json",
  timeseries: "timeseries.ndjson",
  events: "events.ndjson",
  partialSummary: "summary.partial.json",
  summary: "summary.json",
  histograms: "histograms",
  report: "report.html",
} as const;

/** Contents of `run.json`. */
export interface RunMeta {
  readonly runId: string;
  readonly scenario: string;
  /** ms since the epoch. */
  readonly startedAt: number;
}

/** One line of `events.ndjson`. */
export interface ResultEvent {
  /** ms since the epoch. */
  readonly t: number;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** Contents of one `histograms/<metric>.json`. */
export interface HistogramFile {
  readonly name: string;
  readonly kind: "latency" | "distribution";
  /** What one HDR tick is: 1 µs for latencies, 1/1000 for distributions. */
  readonly tick: "1us" | "0.001";
  readonly series: readonly { readonly labels: Labels; readonly hdr: string }[];
}

/** Where encoded histograms come from (the registry). */
export interface HistogramSource {
  encodedHistograms(): readonly EncodedHistogram[];
}

/** Options of {@link ResultsWriter.create}. */
export interface ResultsWriterOptions {
  /** Start of the run, ms since the epoch (default now). */
  readonly startedAt?: number;
  /** The scenario's name (default: the run id's name part). */
  readonly scenarioName?: string;
  /** Source of the `histograms/` files; none are written without it. */
  readonly histograms?: HistogramSource;
  /** Rewrite `histograms/` every this many snapshots (default 5). */
  readonly histogramEvery?: number;
  /** Error examples kept per kind (default 5); further ones are only counted. */
  readonly examplesPerKind?: number;
}

/** How a run ended, for {@link ResultsWriter.finish}. */
export interface RunEnd {
  /** Why it stopped: `completed`, `interrupted`, `max-duration`, `thresholds`, `error`… */
  readonly stopReason: string;
  /** Whether the run did all it was meant to (default: the reason is `completed`). */
  readonly complete?: boolean;
}

/**
 * A run id: `YYYYMMDD-HHMMSS-<scenario-name>` in local time; the name is reduced to lower case
 * letters, digits, `-` and `_`.
 *
 * @example
 * ```ts
 * formatRunId("Basic call", new Date(2025, 0, 2, 3, 4, 5)); // "20250102-030405-basic-call"
 * ```
 */
export function formatRunId(scenarioName: string, date: Date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}`;
  const time = `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 60) || "run";
  return `${day}-${time}-${slug}`;
}

/** The scenario name at the end of a run id (the id itself if it does not match the format). */
function scenarioOfRunId(runId: string): string {
  return /^\d{8}-\d{6}-(.+)$/.exec(runId)?.[1] ?? runId;
}

/** Replace a file atomically: readers see the old or the new content, never a mix. */
function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  Deno.writeTextFileSync(temporary, text);
  Deno.renameSync(temporary, path);
}

/** Write all of `bytes` (a regular file takes them in one call; the loop covers the rest). */
function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Writes a run's results folder.
 *
 * @example
 * ```ts
 * const writer = ResultsWriter.create("results", formatRunId("basic-call"), yamlText,
 *   { histograms: registry });
 * const timer = setInterval(() => writer.writeSecond(registry.snapshot()), 1000);
 * // … at the end:
 * clearInterval(timer);
 * const summary = writer.finish(registry.snapshot());
 * await writeReport(writer.dir);
 * ```
 */
export class ResultsWriter {
  readonly #encoder = new TextEncoder();
  readonly #timeseries: Deno.FsFile;
  readonly #events: Deno.FsFile;
  readonly #options: ResultsWriterOptions;
  readonly #examples = new Map<string, number>();
  #thresholds: readonly ThresholdOutcome[] = [];
  #last: MetricsSnapshot | undefined;
  #secondsWritten = 0;
  #closed = false;

  private constructor(
    readonly dir: string,
    readonly meta: RunMeta,
    options: ResultsWriterOptions,
  ) {
    this.#options = options;
    const append = { append: true, create: true } as const;
    this.#timeseries = Deno.openSync(join(dir, RESULT_FILES.timeseries), append);
    this.#events = Deno.openSync(join(dir, RESULT_FILES.events), append);
  }

  /**
   * Create `<baseDir>/<runId>/` (with a `-2`, `-3`… suffix if that folder exists) and write
   * `scenario.yaml` and `run.json` at once.
   */
  static create(
    baseDir: string,
    runId: string,
    scenarioText: string,
    options: ResultsWriterOptions = {},
  ): ResultsWriter {
    let id = runId;
    for (let n = 2; exists(join(baseDir, id)); n++) id = `${runId}-${n}`;
    const dir = join(baseDir, id);
    Deno.mkdirSync(join(dir, RESULT_FILES.histograms), { recursive: true });
    Deno.writeTextFileSync(join(dir, RESULT_FILES.scenario), scenarioText);
    const meta: RunMeta = {
      runId: id,
      scenario: options.scenarioName ?? scenarioOfRunId(runId),
      startedAt: options.startedAt ?? Date.now(),
    };
    writeFileAtomic(join(dir, RESULT_FILES.run), JSON.stringify(meta, null, 2) + "\n");
    return new ResultsWriter(dir, meta, options);
  }

  /** The run id (the folder name). */
  get runId(): string {
    return this.meta.runId;
  }

  /**
   * Record one snapshot: append its lines to `timeseries.ndjson` in a single write, replace
   * `summary.partial.json`, and every few snapshots the `histograms/` files.
   */
  writeSecond(snapshot: MetricsSnapshot): void {
    this.#assertOpen();
    writeAll(this.#timeseries, this.#encoder.encode(toNdjson(snapshotLines(snapshot))));
    this.#last = snapshot;
    writeFileAtomic(
      join(this.dir, RESULT_FILES.partialSummary),
      JSON.stringify(this.#summary(snapshot, false), null, 2) + "\n",
    );
    this.#secondsWritten++;
    if (this.#secondsWritten % (this.#options.histogramEvery ?? 5) === 0) this.writeHistograms();
  }

  /** Append an event to `events.ndjson` (`t` is now unless `data` carries one). */
  writeEvent(type: string, data: Readonly<Record<string, unknown>> = {}): void {
    this.#assertOpen();
    const event: ResultEvent = { t: Date.now(), ...data, type };
    writeAll(this.#events, this.#encoder.encode(toNdjson([event])));
  }

  /**
   * Keep an example of an error (a response, a stack, a log line): the first few of each kind
   * become `error-example` events; returns how many of that kind were seen.
   */
  writeErrorExample(kind: string, example: string): number {
    const seen = (this.#examples.get(kind) ?? 0) + 1;
    this.#examples.set(kind, seen);
    if (seen <= (this.#options.examplesPerKind ?? 5)) {
      this.writeEvent("error-example", { kind, example, occurrence: seen });
    }
    return seen;
  }

  /** The latest threshold outcomes: kept for the summaries and logged as an event. */
  setThresholds(outcomes: readonly ThresholdOutcome[]): void {
    this.#thresholds = outcomes;
    this.writeEvent("thresholds", { results: outcomes });
  }

  /** Replace the `histograms/` files with the current cumulative histograms. */
  writeHistograms(): void {
    const source = this.#options.histograms;
    if (source === undefined) return;
    const byName = new Map<string, EncodedHistogram[]>();
    for (const h of source.encodedHistograms()) {
      byName.set(h.name, [...(byName.get(h.name) ?? []), h]);
    }
    for (const [name, series] of byName) {
      const kind = series[0].kind;
      const file: HistogramFile = {
        name,
        kind,
        tick: kind === "latency" ? "1us" : "0.001",
        series: series.map((s) => ({ labels: s.labels, hdr: s.hdr })),
      };
      writeFileAtomic(
        join(this.dir, RESULT_FILES.histograms, `${name}.json`),
        JSON.stringify(file) + "\n",
      );
    }
  }

  /**
   * End the run: record `lastSnapshot` if given, write the histograms and `summary.json`,
   * close the files, and return the summary. Without `end` the summary is complete; with it,
   * the summary carries the stop reason and is complete only for a run that finished its
   * schedule (an interrupted run's `summary.json` says `complete: false`).
   *
   * @example
   * ```ts
   * writer.finish(registry.snapshot(), { stopReason: "interrupted" }).complete; // false
   * ```
   */
  finish(lastSnapshot?: MetricsSnapshot, end?: RunEnd): RunSummary {
    if (lastSnapshot !== undefined) this.writeSecond(lastSnapshot);
    this.writeHistograms();
    const complete = end === undefined ? true : end.complete ?? end.stopReason === "completed";
    const summary = this.#summary(
      this.#last ?? emptySnapshot(this.meta.startedAt),
      complete,
      end?.stopReason,
    );
    writeFileAtomic(
      join(this.dir, RESULT_FILES.summary),
      JSON.stringify(summary, null, 2) + "\n",
    );
    this.close();
    return summary;
  }

  /** Close the files without a final summary (an aborted writer). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timeseries.close();
    this.#events.close();
  }

  #summary(snapshot: MetricsSnapshot, complete: boolean, stopReason?: string): RunSummary {
    return buildSummary(snapshot, {
      runId: this.meta.runId,
      scenario: this.meta.scenario,
      startedAt: this.meta.startedAt,
      complete,
      stopReason,
      thresholds: this.#thresholds,
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`results writer for ${this.dir} is closed`);
  }
}

function emptySnapshot(at: number): MetricsSnapshot {
  return {
    at,
    elapsedMs: 0,
    intervalMs: 0,
    counters: [],
    gauges: [],
    latencies: [],
    ratios: [],
    states: [],
  };
}

// ---------------------------------------------------------------------------------------------
// reading

/** Where a loaded summary came from. */
export type SummarySource = "final" | "partial" | "timeseries";

/** A results folder as loaded by {@link readResults}. */
export interface RunResults {
  readonly dir: string;
  readonly meta: RunMeta;
  /** The scenario as run; undefined if the file is missing. */
  readonly scenarioText: string | undefined;
  /** Every complete snapshot, in order. */
  readonly seconds: readonly MetricsSnapshot[];
  readonly events: readonly ResultEvent[];
  readonly summary: RunSummary;
  readonly summarySource: SummarySource;
  readonly histograms: readonly HistogramFile[];
  /** Lines skipped: a cut last line of a killed run, or corrupt lines. */
  readonly skippedLines: number;
}

function readTextIfExists(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function readJsonIfValid<T>(path: string): T | undefined {
  const text = readTextIfExists(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function readHistogramFiles(dir: string): HistogramFile[] {
  const folder = join(dir, RESULT_FILES.histograms);
  if (!exists(folder)) return [];
  const files: HistogramFile[] = [];
  for (const entry of Deno.readDirSync(folder)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const file = readJsonIfValid<HistogramFile>(join(folder, entry.name));
    if (file !== undefined && Array.isArray(file.series)) files.push(file);
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Load a results folder, finished or not. The summary is `summary.json`, else
 * `summary.partial.json` (a killed run), else rebuilt from the last complete second of
 * `timeseries.ndjson`; a cut last line is skipped.
 *
 * @example
 * ```ts
 * const results = readResults("results/20250102-030405-basic-call");
 * results.summarySource; // "partial" after a kill
 * ```
 */
export function readResults(dir: string): RunResults {
  if (!exists(dir)) throw new Deno.errors.NotFound(`no results folder at ${dir}`);
  const timeseries = parseNdjson<TimeseriesLine>(
    readTextIfExists(join(dir, RESULT_FILES.timeseries)) ?? "",
  );
  const events = parseNdjson<ResultEvent>(
    readTextIfExists(join(dir, RESULT_FILES.events)) ?? "",
  );
  const seconds = snapshotsFromLines(timeseries.records);
  const runId = basename(dir);
  const meta = readJsonIfValid<RunMeta>(join(dir, RESULT_FILES.run)) ?? {
    runId,
    scenario: scenarioOfRunId(runId),
    startedAt: seconds[0] !== undefined ? seconds[0].at - seconds[0].elapsedMs : 0,
  };
  const final = readJsonIfValid<RunSummary>(join(dir, RESULT_FILES.summary));
  const partial = readJsonIfValid<RunSummary>(join(dir, RESULT_FILES.partialSummary));
  let summary: RunSummary;
  let summarySource: SummarySource;
  if (final !== undefined) {
    [summary, summarySource] = [final, "final"];
  } else if (partial !== undefined) {
    [summary, summarySource] = [partial, "partial"];
  } else {
    const last = seconds.at(-1) ?? emptySnapshot(meta.startedAt);
    const thresholdEvent = events.records.findLast((e) => e.type === "thresholds");
    summary = buildSummary(last, {
      ...meta,
      complete: false,
      thresholds: (thresholdEvent?.results as ThresholdOutcome[] | undefined) ?? [],
    });
    summarySource = "timeseries";
  }
  return {
    dir,
    meta,
    scenarioText: readTextIfExists(join(dir, RESULT_FILES.scenario)),
    seconds,
    events: events.records,
    summary,
    summarySource,
    histograms: readHistogramFiles(dir),
    skippedLines: timeseries.skipped + events.skipped,
  };
}

/**
 * Decode one series of a histogram file.
 *
 * @example
 * ```ts
 * decodeHistogramSeries(file, 0).percentile(99);
 * ```
 */
export function decodeHistogramSeries(file: HistogramFile, index: number): LatencyHistogram {
  return LatencyHistogram.decode(file.series[index].hdr, DEFAULT_RESOLUTION);
}
