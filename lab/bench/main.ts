/**
 * `deno task bench`: runs each figure (figures.ts) and prints ONE table — figure | ours | peer
 * | peer figure (same run) | ratio — then writes every measurement to
 * `results/bench-<timestamp>.json`. Progress goes to stderr, the table to stdout.
 *
 * Bounded: about 1–2 minutes in full on 2 cores (at most 6 probe steps of ≤ 5 s per side for
 * the end-to-end figure), about a minute with `--quick`.
 *
 * Run it as root for a fair UDP comparison: the e2e figure then gives the lab's sockets the
 * buffers SIPp gets from `-buff_size` (kernel sysctls, restored after; see e2e_udp_figure.ts).
 *
 * Exit codes: 0 every figure ran; 1 a figure failed (its row says why); 2 usage; 130 / 143
 * interrupted (SIGINT / SIGTERM).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { benchUsage, BenchUsageError, parseBenchArgs } from "./bench_args.ts";
import { FIGURES } from "./figures.ts";
import { runBench, writeBenchReport } from "./run_bench.ts";
import { formatBenchTable } from "./table.ts";

const RESULTS_DIR = fileURLToPath(new URL("../../results/", import.meta.url));

/**
 * Runs the bench with command-line `argv`; returns the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await benchMain(["--quick", "--only", "parser"]));
 * ```
 */
export async function benchMain(argv: readonly string[]): Promise<number> {
  const ids = FIGURES.map((f) => f.id);
  let args;
  try {
    args = parseBenchArgs(argv, ids);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`${error.message}\n\n${benchUsage(ids)}`);
    return 2;
  }
  if (args.help) {
    console.log(benchUsage(ids));
    return 0;
  }
  const figures = FIGURES.filter((f) => args.only === undefined || args.only.includes(f.id));
  const report = await runBench(figures, { quick: args.quick, log: (line) => console.error(line) });
  console.log(formatBenchTable(report.figures.flatMap((f) => f.rows)));
  const path = await writeBenchReport(report, RESULTS_DIR);
  console.error(`\nresults: ${path}`);
  return report.figures.some((f) => f.error !== undefined) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await benchMain(Deno.args));
