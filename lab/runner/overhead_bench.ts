/**
 * Runner overhead: how closely the scheduler keeps to an arrival rate when the workload costs
 * nothing. A `constant-arrival-rate` executor with uniform spacing is driven by the real
 * {@link IterationScheduler} on a host timer wheel; every iteration ends on the next
 * microtask. Iteration _k_ is due at start + k · (1000 / rate) ms; its lateness is when it
 * actually started minus that.
 *
 * Run it alone: `deno run -A lab/runner/overhead_bench.ts [rate] [durationMs]`.
 *
 * @module
 */

import { createExecutor } from "../scenario/mod.ts";
import { TimerWheel } from "../sip/timer/mod.ts";
import { IterationScheduler } from "./scheduler.ts";

/** Options of {@link benchSchedulerAccuracy}. */
export interface SchedulerBenchOptions {
  /** Target arrivals per second (default 10,000). */
  readonly rate?: number;
  /** Length of the schedule (default 5 s). */
  readonly durationMs?: number;
  /** Scheduling tick (default 1 ms, as in a run). */
  readonly tickMs?: number;
}

/** What the bench measured. */
export interface SchedulerBenchResult {
  readonly targetRate: number;
  /** Iterations that started within the schedule's duration, per second. */
  readonly actualRate: number;
  readonly iterations: number;
  readonly dropped: number;
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Measure scheduler accuracy with a no-op workload.
 *
 * @example
 * ```ts
 * const r = await benchSchedulerAccuracy({ rate: 10_000, durationMs: 5_000 });
 * console.log(`${r.actualRate}/s of ${r.targetRate}/s, lateness p99 ${r.latenessP99Ms} ms`);
 * ```
 */
export async function benchSchedulerAccuracy(
  options: SchedulerBenchOptions = {},
): Promise<SchedulerBenchResult> {
  const rate = options.rate ?? 10_000;
  const durationMs = options.durationMs ?? 5_000;
  const wheel = new TimerWheel({ resolutionMs: 1 });
  const startMs = wheel.now();
  const executor = createExecutor({
    executor: "constant-arrival-rate",
    rate,
    timeUnitMs: 1000,
    durationMs,
    preAllocatedUsers: Math.ceil(rate / 10),
    maxUsers: rate,
    arrivals: "uniform",
    gracefulStopMs: 0,
    maxDurationMs: durationMs + 1000,
  }, { startMs });
  const expected = Math.ceil((rate * durationMs) / 1000);
  const lateness = new Float64Array(expected);
  let started = 0;
  let withinSchedule = 0;
  let dropped = 0;
  const periodMs = 1000 / rate;
  const scheduler = new IterationScheduler({
    executor,
    wheel,
    maxUsers: rate,
    tickMs: options.tickMs,
    onDropped: () => dropped++,
    runIteration: (_vu, end) => {
      const now = wheel.now();
      if (started < expected) lateness[started] = Math.max(0, now - (startMs + started * periodMs));
      if (now - startMs <= durationMs) withinSchedule++;
      started++;
      queueMicrotask(() => end(0));
    },
  });
  scheduler.start();
  await scheduler.scheduleDone;
  // Let the last iterations end before the wheel goes.
  await new Promise((resolve) => setTimeout(resolve, 0));
  wheel.stop();
  const sorted = lateness.subarray(0, Math.min(started, expected)).sort();
  return {
    targetRate: rate,
    actualRate: withinSchedule / (durationMs / 1000),
    iterations: started,
    dropped,
    latenessP50Ms: percentile(sorted, 50),
    latenessP99Ms: percentile(sorted, 99),
    latenessMaxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
  };
}

if (import.meta.main) {
  const rate = Number(Deno.args[0] ?? 10_000);
  const durationMs = Number(Deno.args[1] ?? 5_000);
  const r = await benchSchedulerAccuracy({ rate, durationMs });
  console.log(
    `scheduler, no-op workload: target ${r.targetRate}/s, actual ${r.actualRate.toFixed(0)}/s, ` +
      `lateness p50 ${r.latenessP50Ms.toFixed(2)} ms, p99 ${r.latenessP99Ms.toFixed(2)} ms, ` +
      `max ${r.latenessMaxMs.toFixed(2)} ms, dropped ${r.dropped}`,
  );
}
