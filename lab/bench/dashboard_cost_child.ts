/**
 * One side of the dashboard-cost figure, in its own process: a 10,000-user call run (lab UAC →
 * lab UAS over UDP on 127.0.0.1, a fixed arrival rate) with the dashboard served (`open`) or
 * not (`closed`). With the dashboard open it prints `dashboard <url> <token>` so that the
 * parent can connect a page and a scraper from outside this process. Each second it notes the
 * wall clock, this process's CPU time, the calls completed and the resident set; at the end
 * it prints them as one JSON line ({@link CostRun}).
 *
 * Usage: `deno run -A lab/bench/dashboard_cost_child.ts <open|closed> <seconds> <rate> <holdMs>`
 *
 * @module
 */
import process from "node:process";
import { callWorkload } from "../../agents/call_workload.ts";
import { labTarget } from "../../agents/lab_target.ts";
import { basicCallUacChart } from "../../agents/uac/basic_call_chart.ts";
import { basicCallUasChart } from "../../agents/uas/basic_call_chart.ts";
import { RunDashboard } from "../../dashboard/mod.ts";
import type { MetricsSnapshot } from "../metrics/mod.ts";
import { runScenario } from "../runner/mod.ts";
import { loadScenario } from "../scenario/mod.ts";

/** Users in the population. */
export const COST_USERS = 10_000;

/** What one second of the run looked like. */
export interface CostMark {
  /** `performance.now()` at the second's end, ms. */
  readonly wallMs: number;
  /** CPU time (user + system) of this process so far, ms. */
  readonly cpuMs: number;
  /** Calls (iterations) completed or failed so far. */
  readonly calls: number;
  readonly rssMb: number;
}

/** The child's result line. */
export interface CostRun {
  readonly mode: "open" | "closed";
  readonly marks: readonly CostMark[];
  readonly exitCode: number;
  readonly attempted: number;
  readonly failed: number;
}

/**
 * The scenario of one side: `rate` calls per second for `seconds`, each held `holdMs`.
 *
 * @example
 * ```ts
 * costScenarioYaml(20, 800, 1000); // name: dashboard-cost …
 * ```
 */
export function costScenarioYaml(seconds: number, rate: number, holdMs: number): string {
  return [
    "name: dashboard-cost",
    "seed: 1",
    "target:",
    "  kind: lab",
    "  transport: udp",
    "  host: 127.0.0.1",
    "  agents:",
    "    uas: { count: 1 }",
    "population:",
    `  count: ${COST_USERS}`,
    "  domain: bench.sipfleet.test",
    "workloads:",
    "  - kind: call",
    "    callee: uas",
    `    holdTime: ${holdMs}ms`,
    "    answerTimeout: 5s",
    "load:",
    "  executor: constant-arrival-rate",
    `  rate: ${rate}`,
    `  duration: ${seconds}s`,
    `  preAllocatedUsers: ${Math.min(COST_USERS, Math.ceil(rate * (holdMs / 1000 + 1)))}`,
    `  maxUsers: ${COST_USERS}`,
    "  gracefulStop: 5s",
    `  maxDuration: ${seconds + 30}s`,
    "",
  ].join("\n");
}

function callsIn(snapshot: MetricsSnapshot): number {
  return snapshot.counters
    .filter((c) => c.name === "iterations_completed" || c.name === "iterations_failed")
    .reduce((sum, c) => sum + c.total, 0);
}

/**
 * Run one side and return its marks.
 *
 * @example
 * ```ts
 * const run = await runCostSide("open", 20, 800, 1000, (line) => console.log(line));
 * ```
 */
export async function runCostSide(
  mode: "open" | "closed",
  seconds: number,
  rate: number,
  holdMs: number,
  print: (line: string) => void,
): Promise<CostRun> {
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-dashboard-cost-" });
  try {
    const file = `${dir}/dashboard-cost.yaml`;
    await Deno.writeTextFile(file, costScenarioYaml(seconds, rate, holdMs));
    const marks: CostMark[] = [];
    const mark = (snapshot: MetricsSnapshot) => {
      const usage = process.cpuUsage();
      marks.push({
        wallMs: performance.now(),
        cpuMs: (usage.user + usage.system) / 1000,
        calls: callsIn(snapshot),
        rssMb: Deno.memoryUsage().rss / (1024 * 1024),
      });
    };
    const board = mode === "open"
      ? new RunDashboard({
        charts: {
          [basicCallUacChart.id]: basicCallUacChart,
          [basicCallUasChart.id]: basicCallUasChart,
        },
        onListening: (d) => print(`dashboard ${d.url} ${d.token}`),
      })
      : undefined;
    try {
      const result = await runScenario(await loadScenario(file), {
        workloads: [callWorkload()],
        labTarget: labTarget(),
        resultsDir: `${dir}/results`,
        progress: false,
        out: () => {},
        ...board?.hooks,
        // After the dashboard's own hook: the page gets its frame, then the second is marked.
        onSecond: (snapshot) => {
          board?.hooks.onSecond(snapshot);
          mark(snapshot);
        },
      });
      return {
        mode,
        marks,
        exitCode: result.exitCode,
        attempted: result.sessions.attempted,
        failed: result.sessions.failed,
      };
    } finally {
      await board?.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const [mode, seconds, rate, holdMs] = Deno.args;
  if ((mode !== "open" && mode !== "closed") || !(Number(seconds) > 0) || !(Number(rate) > 0)) {
    console.error("usage: dashboard_cost_child.ts <open|closed> <seconds> <rate> <holdMs>");
    Deno.exit(2);
  }
  const run = await runCostSide(mode, Number(seconds), Number(rate), Number(holdMs), console.log);
  console.log(JSON.stringify(run));
  Deno.exit(0);
}
