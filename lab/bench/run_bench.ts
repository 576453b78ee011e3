/**
 * Running figures one after the other and keeping everything they measured: a figure that
 * throws becomes an error row and the others still run. The report is what
 * `results/bench-<timestamp>.json` holds.
 *
 * @module
 */
import { join } from "node:path";
import { type BenchContext, type BenchFigure, type FigureRow, rowRatio } from "./figure.ts";

/** A table row as saved, with its ratio. */
export interface SavedRow extends FigureRow {
  ratio?: number;
}

/** One figure's part of the report. */
export interface FigureReport {
  id: string;
  title: string;
  durationMs: number;
  rows: SavedRow[];
  details?: unknown;
  /** The error it threw, when it did. */
  error?: string;
}

/** Everything one bench run measured. */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  environment: { deno: string; v8: string; os: string; cpus: number };
  figures: FigureReport[];
}

/**
 * Runs `figures` in order.
 *
 * @example
 * ```ts
 * const report = await runBench(FIGURES, { quick: true, log: console.error });
 * ```
 */
export async function runBench(
  figures: readonly BenchFigure[],
  context: BenchContext,
): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const reports: FigureReport[] = [];
  for (const figure of figures) {
    context.log(`${figure.id}: ${figure.title}`);
    const start = performance.now();
    try {
      const outcome = await figure.run(context);
      reports.push({
        id: figure.id,
        title: figure.title,
        durationMs: Math.round(performance.now() - start),
        rows: outcome.rows.map((row) => ({ ...row, ratio: rowRatio(row) })),
        details: outcome.details,
      });
    } catch (error) {
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      context.log(`${figure.id} failed: ${message}`);
      reports.push({
        id: figure.id,
        title: figure.title,
        durationMs: Math.round(performance.now() - start),
        rows: [{
          figure: `${figure.id}: failed`,
          peer: { kind: "none" },
          note: message.split("\n")[0],
        }],
        error: message,
      });
    }
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: context.quick,
    environment: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      os: `${Deno.build.os} ${Deno.build.arch}`,
      cpus: navigator.hardwareConcurrency,
    },
    figures: reports,
  };
}

/**
 * Writes `<dir>/bench-<startedAt>.json` (":" and "." of the time replaced by "-") and returns
 * its path.
 *
 * @example
 * ```ts
 * const path = await writeBenchReport(report, "results");
 * ```
 */
export async function writeBenchReport(report: BenchReport, dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `bench-${report.startedAt.replace(/[:.]/g, "-")}.json`);
  await Deno.writeTextFile(path, JSON.stringify(report, null, 2) + "\n");
  return path;
}
