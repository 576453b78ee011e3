/**
 * Terminal output of a run: the summary table printed at the end, and the one-line live
 * progress (redrawn in place on a terminal, a plain line every few seconds in CI logs).
 *
 * @module
 */

import { formatSeriesName } from "./labels.ts";
import { counterIn, gaugeIn, histogramIn, type MetricsSnapshot } from "./snapshot.ts";
import type { AttemptTotals, RunSummary, SummaryLatency } from "./summary.ts";

/** Reason phrases of the final statuses a load test meets most (RFC 3261 §21). */
const REASON_PHRASES: Readonly<Record<string, string>> = {
  "400": "Bad Request",
  "401": "Unauthorized",
  "403": "Forbidden",
  "404": "Not Found",
  "407": "Proxy Authentication Required",
  "408": "Request Timeout",
  "480": "Temporarily Unavailable",
  "481": "Call/Transaction Does Not Exist",
  "486": "Busy Here",
  "487": "Request Terminated",
  "488": "Not Acceptable Here",
  "500": "Server Internal Error",
  "502": "Bad Gateway",
  "503": "Service Unavailable",
  "504": "Server Time-out",
  "600": "Busy Everywhere",
  "603": "Decline",
};

/** Why an attempt failed without a status code. */
const CAUSE_PHRASES: Readonly<Record<string, string>> = {
  timeout: "timeout (no final response)",
  transport: "transport failure",
};

/** Short names of the RFC 6076 ratios for the table. */
const KPI_LABELS: Readonly<Record<string, string>> = {
  session_establishment_ratio: "SER",
  session_establishment_effectiveness_ratio: "SEER",
  ineffective_session_attempts: "ISA",
  session_completion_ratio: "SCR",
  ineffective_registration_attempts: "IRA",
  session_failure_ratio: "failed",
};

/**
 * A number with as many decimals as its size needs: 1234, 12.3, 1.23, 0.123.
 *
 * @example
 * ```ts
 * formatNumber(12.345); // "12.3"
 * ```
 */
export function formatNumber(value: number | undefined | null): string {
  if (value === undefined || value === null || Number.isNaN(value)) return "-";
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) || magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * A latency or distribution value at a steady precision: 0.123, 12.3, 1234.
 *
 * @example
 * ```ts
 * formatLatency(12); // "12.0"
 * ```
 */
export function formatLatency(value: number | undefined | null): string {
  if (value === undefined || value === null || Number.isNaN(value)) return "-";
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(1);
  return value.toFixed(3);
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${(100 * part / whole).toFixed(1)}%` : "";
}

/** Text columns: the first `leftColumns` are left-aligned, the rest (numbers) right-aligned. */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns: number = 1,
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    "  " +
    cells.map((cell, i) => i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
      .join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

function statusName(status: string): string {
  const phrase = REASON_PHRASES[status];
  if (phrase !== undefined) return `${status} ${phrase}`;
  return CAUSE_PHRASES[status] ?? status;
}

function attemptRows(
  totals: AttemptTotals,
  succeededLabel: string,
  extra: readonly (readonly [string, number])[],
): string[][] {
  const rows: string[][] = [
    ["attempted", String(totals.attempted), ""],
    [succeededLabel, String(totals.succeeded), percent(totals.succeeded, totals.attempted)],
    ["failed", String(totals.failed), percent(totals.failed, totals.attempted)],
  ];
  const statuses = Object.entries(totals.failedByStatus).sort((a, b) => b[1] - a[1]);
  for (const [status, count] of statuses) {
    rows.push([`  ${statusName(status)}`, String(count), percent(count, totals.attempted)]);
  }
  for (const [label, count] of extra) {
    if (count > 0) rows.push([label, String(count), percent(count, totals.attempted)]);
  }
  return rows;
}

function latencyRows(latencies: readonly SummaryLatency[]): string[][] {
  return latencies.map((l) => [
    formatSeriesName(l.name, l.labels),
    String(l.stats.count),
    formatLatency(l.stats.p50),
    formatLatency(l.stats.p95),
    formatLatency(l.stats.p99),
    formatLatency(l.stats.p999),
    formatLatency(l.stats.max),
  ]);
}

const PERCENTILE_HEADER = ["count", "p50", "p95", "p99", "p99.9", "max"];

/**
 * The end-of-run summary as a plain-text table.
 *
 * @example
 * ```ts
 * console.log(formatSummaryTable(summary));
 * ```
 */
export function formatSummaryTable(summary: RunSummary): string {
  const state = summary.complete
    ? "complete"
    : summary.stopReason === undefined
    ? "INTERRUPTED (partial results)"
    : `STOPPED EARLY (${summary.stopReason}): figures cover the time it ran`;
  const lines = [
    `Run ${summary.runId} — ${summary.scenario}`,
    `  ${formatNumber(summary.durationS)} s, ${state}`,
  ];
  const sessions = summary.sessions;
  if (sessions.attempted > 0) {
    lines.push("", "Calls");
    lines.push(
      ...table(
        ["", "count", "%"],
        attemptRows(sessions, "succeeded", [
          ["redirected (3xx)", sessions.redirected],
          ["completed (BYE)", sessions.completed],
        ]),
      ),
    );
    lines.push(`  rate: ${sessions.attemptsPerSecond.toFixed(1)} calls/s`);
  }
  const registrations = summary.registrations;
  if (registrations.attempted > 0) {
    lines.push("", "Registrations");
    lines.push(...table(["", "count", "%"], attemptRows(registrations, "registered", [])));
    lines.push(`  rate: ${registrations.attemptsPerSecond.toFixed(1)} registrations/s`);
  }
  const latencies = summary.latencies.filter((l) => l.kind === "latency");
  if (latencies.length > 0) {
    lines.push("", "Latency (ms)");
    lines.push(...table(["", ...PERCENTILE_HEADER], latencyRows(latencies)));
  }
  const distributions = summary.latencies.filter((l) => l.kind === "distribution");
  if (distributions.length > 0) {
    lines.push("", "Distributions");
    lines.push(...table(["", ...PERCENTILE_HEADER], latencyRows(distributions)));
  }
  const kpis = Object.entries(summary.kpis).filter(([, value]) => value !== null);
  if (kpis.length > 0) {
    lines.push("", "RFC 6076 KPIs");
    lines.push(
      "  " +
        kpis.map(([name, value]) =>
          `${KPI_LABELS[name] ?? name} ${(100 * (value ?? 0)).toFixed(1)}%`
        ).join("   "),
    );
  }
  if (summary.thresholds.length > 0) {
    const passed = summary.thresholds.filter((t) => t.passed).length;
    lines.push("", `Thresholds (${passed}/${summary.thresholds.length} passed)`);
    lines.push(...table(
      ["", "metric", "expression", "observed"],
      summary.thresholds.map((t) => [
        t.passed ? "PASS" : "FAIL",
        t.metric,
        t.expression,
        formatNumber(t.observed),
      ]),
      3,
    ));
  }
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// progress

/** Iteration counts of the progress line (the runner's, every workload together). */
export interface ProgressIterations {
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  /** Iterations started per second over the last interval. */
  readonly ratePerSecond: number;
}

/** What the progress line shows. */
export interface ProgressState {
  readonly elapsedMs: number;
  /** Planned duration; the bar is drawn only when known. */
  readonly durationMs?: number;
  readonly activeUsers: number;
  readonly attempts: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Attempts per second over the last interval. */
  readonly ratePerSecond: number;
  /** p95 of the call setup time over the last interval. */
  readonly p95Ms?: number;
  /**
   * Iterations of every workload: shown instead of the calls while no call was attempted (a
   * flow, a sign-in run, a noop run), so such runs show progress too.
   */
  readonly iterations?: ProgressIterations;
}

/**
 * The progress figures of a snapshot: sessions attempted/established/failed, the
 * `active_users` gauge, the interval p95 of `call_setup_time`, and the runner's iteration
 * counts (`iterations_started`, `iterations_completed`, `iterations_failed`, all workloads).
 *
 * @example
 * ```ts
 * progress.update(progressFromSnapshot(registry.snapshot(), 60_000));
 * ```
 */
export function progressFromSnapshot(
  snapshot: MetricsSnapshot,
  durationMs?: number,
): ProgressState {
  const attempts = counterIn(snapshot, "session_attempts");
  const started = counterIn(snapshot, "iterations_started");
  const seconds = snapshot.intervalMs / 1000;
  const perSecond = (delta: number) => seconds > 0 ? delta / seconds : 0;
  return {
    elapsedMs: snapshot.elapsedMs,
    durationMs,
    activeUsers: gaugeIn(snapshot, "active_users") ?? 0,
    attempts: attempts.total,
    succeeded: counterIn(snapshot, "sessions_established").total,
    failed: counterIn(snapshot, "session_failures").total,
    ratePerSecond: perSecond(attempts.delta),
    p95Ms: histogramIn(snapshot, "call_setup_time")?.interval.p95,
    iterations: {
      started: started.total,
      completed: counterIn(snapshot, "iterations_completed").total,
      failed: counterIn(snapshot, "iterations_failed").total,
      ratePerSecond: perSecond(started.delta),
    },
  };
}

function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes}m${String(seconds).padStart(2, "0")}s` : `${seconds}s`;
}

/**
 * One progress line (no newline): the calls, or — while no call was attempted and iteration
 * counts are given — the iterations.
 *
 * @example
 * ```ts
 * renderProgress({ elapsedMs: 15_000, durationMs: 60_000, activeUsers: 50, attempts: 400,
 *   succeeded: 395, failed: 5, ratePerSecond: 33, p95Ms: 21.3 }, 20);
 * // "[#####...............] 15s/1m00s  users 50  calls 400  ok 395  failed 5  33.0/s  p95 21.3ms"
 * ```
 */
export function renderProgress(state: ProgressState, barWidth: number = 20): string {
  const parts: string[] = [];
  if (state.durationMs !== undefined && state.durationMs > 0) {
    const fraction = Math.min(1, Math.max(0, state.elapsedMs / state.durationMs));
    const filled = Math.round(fraction * barWidth);
    parts.push(
      `[${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ${clock(state.elapsedMs)}/${
        clock(state.durationMs)
      }`,
    );
  } else {
    parts.push(clock(state.elapsedMs));
  }
  parts.push(`users ${state.activeUsers}`);
  const iterations = state.iterations;
  if (state.attempts === 0 && iterations !== undefined && iterations.started > 0) {
    parts.push(
      `iterations ${iterations.started}`,
      `ok ${iterations.completed}`,
      `failed ${iterations.failed}`,
      `${iterations.ratePerSecond.toFixed(1)}/s`,
    );
    return parts.join("  ");
  }
  parts.push(
    `calls ${state.attempts}`,
    `ok ${state.succeeded}`,
    `failed ${state.failed}`,
    `${state.ratePerSecond.toFixed(1)}/s`,
  );
  if (state.p95Ms !== undefined) parts.push(`p95 ${formatLatency(state.p95Ms)}ms`);
  return parts.join("  ");
}

/** Options of a {@link ProgressLine}. */
export interface ProgressLineOptions {
  /** Where text goes (default: standard output). */
  readonly write?: (text: string) => void;
  /** Redraw in place (default: whether standard output is a terminal). */
  readonly isTerminal?: boolean;
  /** Without a terminal, print a line every this many seconds of run time (default 10). */
  readonly plainEverySeconds?: number;
  readonly barWidth?: number;
}

function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

/**
 * The live progress line.
 *
 * @example
 * ```ts
 * const progress = new ProgressLine();
 * progress.update(progressFromSnapshot(snapshot, 60_000)); // every second
 * progress.done();
 * ```
 */
export class ProgressLine {
  readonly #write: (text: string) => void;
  readonly #terminal: boolean;
  readonly #plainEveryMs: number;
  readonly #barWidth: number;
  #lastPlainAt = -Infinity;
  #drawn = false;
  #pending: ProgressState | undefined;

  constructor(options: ProgressLineOptions = {}) {
    this.#write = options.write ?? writeStdout;
    this.#terminal = options.isTerminal ?? Deno.stdout.isTerminal();
    this.#plainEveryMs = (options.plainEverySeconds ?? 10) * 1000;
    this.#barWidth = options.barWidth ?? 20;
  }

  /** Show the latest state: redraw on a terminal, or print if a plain line is due. */
  update(state: ProgressState): void {
    const line = renderProgress(state, this.#barWidth);
    if (this.#terminal) {
      // Carriage return, the line, then erase to the end of the line (ECMA-48 EL).
      this.#write(`\r${line}\x1b[K`);
      this.#drawn = true;
      return;
    }
    if (state.elapsedMs - this.#lastPlainAt >= this.#plainEveryMs) {
      this.#write(`${line}\n`);
      this.#lastPlainAt = state.elapsedMs;
      this.#pending = undefined;
    } else {
      this.#pending = state;
    }
  }

  /** End the line: a newline on a terminal, the last state in a log if it was not printed. */
  done(): void {
    if (this.#terminal) {
      if (this.#drawn) this.#write("\n");
      this.#drawn = false;
      return;
    }
    if (this.#pending !== undefined) {
      this.#write(`${renderProgress(this.#pending, this.#barWidth)}\n`);
    }
    this.#pending = undefined;
  }
}
