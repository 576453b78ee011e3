/**
 * The live dashboard `lab run` serves while a run goes: charts of throughput and HDR latency
 * percentiles, the fleet's state machines with live counts, errors, thresholds, a user
 * drill-down and the run's controls behind a printed token; Prometheus scrapes `/metrics` on
 * the same port. Bound to 127.0.0.1 unless `--listen` says otherwise.
 *
 * `RunDashboard` plugs it into a run through the runner's hooks (what `lab run` does);
 * `startDashboard` serves any registry and controls.
 *
 * @example
 * ```ts
 * import { startDashboard } from "./dashboard/mod.ts";
 * const dashboard = await startDashboard({ registry, control, charts: { uacCall: basicCallUacChart } });
 * console.log(`dashboard: ${dashboard.openUrl}`); // http://127.0.0.1:41523/#token=…
 * dashboard.publish(registry.snapshot()); // once a second, by the runner
 * await dashboard.close();
 * ```
 *
 * @module
 */

export {
  CLOSE_UNAUTHORIZED,
  type Dashboard,
  type DashboardHello,
  type DashboardOptions,
  startDashboard,
} from "./server.ts";
export { type DashboardRunHooks, RunDashboard, type RunDashboardOptions } from "./run_dashboard.ts";
export type {
  ErrorCount,
  ErrorExample,
  ErrorSource,
  RunControl,
  RunStatus,
  UserDetail,
  UserInspector,
  UserMessage,
  UserTransaction,
} from "./control.ts";
export {
  type Diagnostics,
  ErrorLog,
  type ErrorLogOptions,
  type ErrorRecord,
  parseDiagnostics,
} from "./error_log.ts";
export {
  buildFrame,
  type ChartPoint,
  chartPoint,
  type DashboardFrame,
  type FailureRow,
  type FrameSources,
  type Headline,
  type LatencyPoint,
  type LatencyRow,
  PointHistory,
} from "./frame.ts";
export { baseUrl, DEFAULT_LISTEN, isLoopback, type ListenAddress, parseListen } from "./listen.ts";
export {
  type GraphState,
  type GraphTransition,
  machineGraph,
  rollUpCounts,
  type StateGraph,
  type StateKind,
} from "./state_graph.ts";
export { bearerToken, newToken, tokensEqual } from "./token.ts";
