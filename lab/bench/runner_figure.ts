/**
 * Figure: runner overhead, how closely the scheduler keeps to 10,000 arrivals per second with a
 * no-op workload (`benchSchedulerAccuracy` of lab/runner/overhead_bench.ts, loaded only when
 * present): the rate achieved against the rate asked for, and the arrivals' lateness p99.
 *
 * @module
 */
import type { BenchContext, BenchFigure, FigureOutcome, FigureRow } from "./figure.ts";

const TARGET_RATE = 10_000;

/** What this figure needs of the runner's bench module. */
interface SchedulerBenchModule {
  benchSchedulerAccuracy(options: { rate: number; durationMs: number }): Promise<{
    targetRate: number;
    actualRate: number;
    iterations: number;
    dropped: number;
    latenessP50Ms: number;
    latenessP99Ms: number;
    latenessMaxMs: number;
  }>;
}

async function loadSchedulerBench(): Promise<SchedulerBenchModule | string> {
  const url = new URL("../runner/overhead_bench.ts", import.meta.url);
  try {
    await Deno.stat(url);
  } catch {
    return "lab/runner/overhead_bench.ts does not exist yet";
  }
  const module = await import(url.href);
  if (typeof module.benchSchedulerAccuracy !== "function") {
    return "lab/runner/overhead_bench.ts does not export benchSchedulerAccuracy()";
  }
  return module as SchedulerBenchModule;
}

/** The runner-overhead figure. */
export const runnerFigure: BenchFigure = {
  id: "runner",
  title: "runner overhead: scheduler at 10,000 no-op arrivals/s",
  async run(context: BenchContext): Promise<FigureOutcome> {
    const durationMs = context.quick ? 2000 : 5000;
    const rateFigure = `runner: no-op arrivals/s (${durationMs / 1000} s schedule)`;
    const latenessFigure = "runner: arrival lateness p99 (ms)";
    const bench = await loadSchedulerBench();
    if (typeof bench === "string") {
      const rows: FigureRow[] = [
        { figure: rateFigure, peer: { kind: "target", value: TARGET_RATE }, note: bench },
        { figure: latenessFigure, peer: { kind: "none" } },
      ];
      return { rows, details: { missing: bench } };
    }
    const result = await bench.benchSchedulerAccuracy({ rate: TARGET_RATE, durationMs });
    context.log(
      `  runner: ${result.actualRate.toFixed(0)}/s of ${result.targetRate}/s, ` +
        `lateness p99 ${result.latenessP99Ms.toFixed(2)} ms`,
    );
    return {
      rows: [
        {
          figure: rateFigure,
          ours: result.actualRate,
          peer: { kind: "target", value: result.targetRate },
          note: result.dropped > 0 ? `${result.dropped} arrivals dropped` : undefined,
        },
        {
          figure: latenessFigure,
          ours: result.latenessP99Ms,
          peer: { kind: "none" },
          decimals: 2,
          note: `p50 ${result.latenessP50Ms.toFixed(2)} ms, max ${
            result.latenessMaxMs.toFixed(2)
          } ms`,
        },
      ],
      details: { durationMs, ...result },
    };
  },
};
