/**
 * The dashboard wired to a run: the runner's hooks (`onStart`, `onSecond`,
 * `onIterationFailed`) start the dashboard once the agents and drivers are up, push each
 * second's snapshot to the pages, and feed failed iterations into the error panel.
 *
 * @module
 */

import type { AnyStateMachine } from "xstate";
import type { MetricsSnapshot } from "../lab/metrics/mod.ts";
import type { IterationFailure, LiveRun, RunOptions } from "../lab/runner/mod.ts";
import { ErrorLog } from "./error_log.ts";
import type { ListenAddress } from "./listen.ts";
import { type Dashboard, startDashboard } from "./server.ts";

/** Options of a {@link RunDashboard}. */
export interface RunDashboardOptions {
  /** Default 127.0.0.1, any free port. */
  readonly listen?: Partial<ListenAddress>;
  /** The control token (default: a fresh one). */
  readonly token?: string;
  /** Machines to draw, by the id their actors report under (`fleetCharts()` of agents/). */
  readonly charts?: Readonly<Record<string, AnyStateMachine>>;
  /** Told once the dashboard listens, before the schedule starts (print its URL here). */
  readonly onListening?: (dashboard: Dashboard) => void;
}

/** The runner hooks a {@link RunDashboard} provides. */
export type DashboardRunHooks = Required<
  Pick<RunOptions, "onStart" | "onSecond" | "onIterationFailed">
>;

/**
 * A dashboard for one run.
 *
 * @example
 * ```ts
 * const board = new RunDashboard({
 *   charts: fleetCharts(),
 *   onListening: (d) => console.log(`dashboard: ${d.openUrl}`),
 * });
 * try {
 *   await runScenario(scenario, { workloads, ...board.hooks });
 * } finally {
 *   await board.close();
 * }
 * ```
 */
export class RunDashboard {
  /** Failed iterations by status, with the latest ones. */
  readonly errors = new ErrorLog();
  readonly hooks: DashboardRunHooks;
  readonly #options: RunDashboardOptions;
  #dashboard: Dashboard | undefined;
  #closed = false;

  constructor(options: RunDashboardOptions = {}) {
    this.#options = options;
    this.hooks = {
      onStart: (run) => this.#start(run),
      onSecond: (snapshot) => this.#second(snapshot),
      onIterationFailed: (failure) => this.#failed(failure),
    };
  }

  /** The dashboard, once the run started it. */
  get dashboard(): Dashboard | undefined {
    return this.#dashboard;
  }

  /** Close the pages and stop listening (at the end of the run; safe to call again). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#dashboard?.close();
  }

  async #start(run: LiveRun): Promise<void> {
    if (this.#closed || this.#dashboard !== undefined) return;
    const options = this.#options;
    this.#dashboard = await startDashboard({
      registry: run.metrics,
      control: run.control,
      users: run.users,
      errors: this.errors,
      thresholds: run.thresholds,
      charts: options.charts,
      title: run.scenario.name,
      listen: options.listen,
      token: options.token,
    });
    options.onListening?.(this.#dashboard);
  }

  #second(snapshot: MetricsSnapshot): void {
    this.#dashboard?.publish(snapshot);
  }

  #failed(failure: IterationFailure): void {
    this.errors.record({
      // No final status: the call timed out or its transport failed (the reason says which).
      status: failure.status ?? "none",
      ...(failure.diagnostics === undefined ? {} : { diagnostics: failure.diagnostics }),
      user: failure.user,
      text: `${failure.workload}: ${failure.reason ?? "failed"}`,
      at: failure.at,
    });
  }
}
