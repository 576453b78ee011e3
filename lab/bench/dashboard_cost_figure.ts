/**
 * Figure: the dashboard's cost. The same 10,000-user run — 10,000 virtual users looping no-op
 * iterations (constant-users, no think time: as many iterations as the process can start) —
 * with the dashboard closed (not served) and open (served, one page's WebSocket receiving
 * every frame, and Prometheus scraping `/metrics` once a second), in turn: closed, open,
 * closed, open, after a short warm-up, all in this process.
 *
 * Reported for each: throughput (iterations per second over the run's steady seconds), CPU
 * per iteration and CPU share of the process (`process.cpuUsage`, the page and the scraper
 * included in "open"), and the resident set's peak. The throughput ratio open / closed must
 * stay ≥ 0.95 (issue 6: the metrics path may cut throughput by 5 % at most).
 *
 * Bounded: about 30 s (about 15 s with `--quick`).
 *
 * @module
 */
import process from "node:process";
import { RunDashboard } from "../../dashboard/mod.ts";
import type { MetricsSnapshot } from "../metrics/mod.ts";
import { noopWorkload, runScenario } from "../runner/mod.ts";
import { loadScenario } from "../scenario/mod.ts";
import type { BenchContext, BenchFigure, FigureOutcome } from "./figure.ts";

const USERS = 10_000;

/** 10,000 users looping no-op iterations for `seconds`. */
function scenarioYaml(seconds: number): string {
  return [
    "name: dashboard-cost",
    "seed: 1",
    "target: { kind: external, host: 127.0.0.1, domain: bench.test }",
    `population: { count: ${USERS} }`,
    "workloads:",
    "  - kind: noop",
    "load:",
    "  executor: constant-users",
    `  users: ${USERS}`,
    `  duration: ${seconds}s`,
    `  maxDuration: ${seconds + 30}s`,
    "",
  ].join("\n");
}

/** One run's steady-state figures. */
export interface CostSample {
  readonly mode: "closed" | "open";
  /** Iterations completed per second between the first and the last whole second. */
  readonly iterationsPerSecond: number;
  /** CPU time (user + system) per iteration, µs. */
  readonly cpuMicrosPerIteration: number;
  /** CPU time per wall time, % of one core. */
  readonly cpuPercent: number;
  /** Largest resident set seen at a second's end, MB. */
  readonly rssPeakMb: number;
  /** Frames the page received (open only). */
  readonly frames: number;
  /** Mean frame size, bytes (open only). */
  readonly frameBytes: number;
  /** `/metrics` scrapes answered (open only). */
  readonly scrapes: number;
}

interface SecondMark {
  readonly wallMs: number;
  readonly cpuMicros: number;
  readonly completed: number;
}

function completedIn(snapshot: MetricsSnapshot): number {
  return snapshot.counters.filter((c) => c.name === "iterations_completed")
    .reduce((sum, c) => sum + c.total, 0);
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** A page and a scraper on an open dashboard. */
class Viewer {
  frames = 0;
  bytes = 0;
  scrapes = 0;
  #socket: WebSocket | undefined;
  #scraper: ReturnType<typeof setInterval> | undefined;
  #closed: Promise<void> | undefined;

  open(url: string, token: string): void {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}ws?token=${token}`);
    this.#socket = socket;
    this.#closed = new Promise((resolve) => socket.addEventListener("close", () => resolve()));
    socket.onmessage = (event) => {
      const text = String(event.data);
      if (text.startsWith('{"type":"frame"')) {
        this.frames++;
        this.bytes += text.length;
      }
    };
    this.#scraper = setInterval(async () => {
      const response = await fetch(`${url}metrics`);
      await response.text();
      if (response.ok) this.scrapes++;
    }, 1_000);
  }

  async close(): Promise<void> {
    clearInterval(this.#scraper);
    if (this.#socket === undefined) return;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close();
    await this.#closed;
  }
}

/** Run the scenario once, closed or open, and measure its steady seconds. */
async function measure(
  file: string,
  resultsDir: string,
  mode: "closed" | "open",
): Promise<CostSample> {
  const scenario = await loadScenario(file);
  const marks: SecondMark[] = [];
  let rssPeak = 0;
  const onSecond = (snapshot: MetricsSnapshot) => {
    marks.push({
      wallMs: performance.now(),
      cpuMicros: cpuMicros(),
      completed: completedIn(snapshot),
    });
    rssPeak = Math.max(rssPeak, Deno.memoryUsage().rss);
  };
  const viewer = new Viewer();
  const board = mode === "open"
    ? new RunDashboard({ onListening: (d) => viewer.open(d.url, d.token) })
    : undefined;
  try {
    await runScenario(scenario, {
      workloads: [noopWorkload],
      resultsDir,
      progress: false,
      out: () => {},
      ...board?.hooks,
      // After the dashboard's own hook: the page gets the frame, then the second is marked.
      onSecond: (snapshot) => {
        board?.hooks.onSecond(snapshot);
        onSecond(snapshot);
      },
    });
  } finally {
    await viewer.close();
    await board?.close();
  }
  // The first second includes the start; the last may be the schedule's end.
  const steady = marks.slice(0, -1);
  if (steady.length < 2) throw new Error(`only ${marks.length} seconds measured`);
  const first = steady[0];
  const last = steady[steady.length - 1];
  const iterations = last.completed - first.completed;
  const wallMs = last.wallMs - first.wallMs;
  const cpu = last.cpuMicros - first.cpuMicros;
  return {
    mode,
    iterationsPerSecond: (iterations * 1000) / wallMs,
    cpuMicrosPerIteration: iterations === 0 ? 0 : cpu / iterations,
    cpuPercent: (cpu / 1000 / wallMs) * 100,
    rssPeakMb: rssPeak / (1024 * 1024),
    frames: viewer.frames,
    frameBytes: viewer.frames === 0 ? 0 : viewer.bytes / viewer.frames,
    scrapes: viewer.scrapes,
  };
}

function mean(samples: readonly CostSample[], pick: (s: CostSample) => number): number {
  return samples.reduce((sum, s) => sum + pick(s), 0) / samples.length;
}

/** The dashboard-cost figure. */
export const dashboardCostFigure: BenchFigure = {
  id: "dashboard_cost",
  title: "dashboard cost: 10,000 looping no-op users, dashboard closed vs open",
  async run(context: BenchContext): Promise<FigureOutcome> {
    const seconds = context.quick ? 3 : 6;
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-dashboard-cost-" });
    try {
      const file = `${dir}/dashboard-cost.yaml`;
      await Deno.writeTextFile(file, scenarioYaml(seconds));
      const warmUp = `${dir}/warm-up.yaml`;
      await Deno.writeTextFile(warmUp, scenarioYaml(3));
      await measure(warmUp, `${dir}/results`, "closed");
      const samples: CostSample[] = [];
      for (const mode of ["closed", "open", "closed", "open"] as const) {
        const sample = await measure(file, `${dir}/results`, mode);
        context.log(
          `  dashboard ${mode}: ${sample.iterationsPerSecond.toFixed(0)} iterations/s, ` +
            `${sample.cpuMicrosPerIteration.toFixed(2)} µs CPU each, ` +
            `RSS ${sample.rssPeakMb.toFixed(0)} MB` +
            (mode === "open" ? `, ${sample.frames} frames, ${sample.scrapes} scrapes` : ""),
        );
        samples.push(sample);
      }
      const closed = samples.filter((s) => s.mode === "closed");
      const open = samples.filter((s) => s.mode === "open");
      const throughput = {
        closed: mean(closed, (s) => s.iterationsPerSecond),
        open: mean(open, (s) => s.iterationsPerSecond),
      };
      const ratio = throughput.open / throughput.closed;
      const frameBytes = mean(open, (s) => s.frameBytes);
      const closedPeer = (value: number) => ({
        kind: "same-run" as const,
        name: "dashboard closed",
        value,
      });
      return {
        rows: [
          {
            figure: "dashboard open: no-op iterations/s, 10,000 users",
            ours: throughput.open,
            peer: closedPeer(throughput.closed),
            note: `open / closed ${ratio.toFixed(3)} (issue 6 asks ≥ 0.95); page got ` +
              `${open.map((s) => s.frames).join("+")} frames of ~${frameBytes.toFixed(0)} B`,
          },
          {
            figure: "dashboard open: CPU per iteration (µs)",
            ours: mean(open, (s) => s.cpuMicrosPerIteration),
            peer: closedPeer(mean(closed, (s) => s.cpuMicrosPerIteration)),
            decimals: 2,
            note: `CPU ${mean(open, (s) => s.cpuPercent).toFixed(0)}% of a core open, ` +
              `${mean(closed, (s) => s.cpuPercent).toFixed(0)}% closed`,
          },
          {
            figure: "dashboard open: RSS peak (MB)",
            ours: Math.max(...open.map((s) => s.rssPeakMb)),
            peer: closedPeer(Math.max(...closed.map((s) => s.rssPeakMb))),
            note: "one process, runs in turn: RSS includes what earlier runs left",
          },
        ],
        details: { users: USERS, seconds, samples, throughputRatio: ratio },
      };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};
