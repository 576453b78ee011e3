/**
 * What the dashboard needs from a run, as plain interfaces the runner (and tests) implement
 * structurally: the run controls, a per-user inspector for the drill-down, and a source of
 * recent errors. The server imports nothing of the runner (the runner's `ScheduleControl`,
 * `UserActivitySource` fit these shapes); `run_dashboard.ts` wires the two together.
 *
 * @module
 */

/** Where a run stands, as the controls show it. */
export interface RunStatus {
  readonly paused: boolean;
  /** Arrival rate in force (iterations per second); absent for user executors. */
  readonly rate?: number;
  /** Schedule time elapsed (pauses excluded). */
  readonly elapsedMs: number;
  /** Length of the schedule; absent for iteration-count executors. */
  readonly durationMs?: number;
  /** True once a stop was asked for (running iterations may still be finishing). */
  readonly stopping?: boolean;
}

/**
 * The controls of a running scenario. The runner implements it over its executor
 * (`pause`/`resume`/`setRate`/`setRateMultiplier`) and its stop request.
 *
 * @example
 * ```ts
 * const control: RunControl = {
 *   pause: () => executor.pause(wheel.now()),
 *   resume: () => executor.resume(wheel.now()),
 *   stop: () => requestStop("interrupted", false),
 *   setRate: (rate) => executor.setRate(rate, wheel.now()),
 *   status: () => ({ paused: executor.paused, elapsedMs: executor.elapsedMs(wheel.now()) }),
 * };
 * ```
 */
export interface RunControl {
  /** Start no more iterations; schedule time stands still. */
  pause(): void;
  resume(): void;
  /** Stop the run gracefully (as a first Ctrl-C). */
  stop(): void;
  /** Change the arrival rate (iterations per second) from now on. */
  setRate(rate: number): void;
  status(): RunStatus;
}

/** One SIP transaction a user took part in, newest last. */
export interface UserTransaction {
  /** When it started, ms since the epoch. */
  readonly at: number;
  readonly method: string;
  /** Final status, or absent while the transaction is still running. */
  readonly status?: number;
  /** Request sent → final response, when there is one. */
  readonly durationMs?: number;
  /** `out` for client transactions, `in` for server ones. */
  readonly direction?: "in" | "out";
}

/** One SIP message a user sent or received (start line and, if kept, the whole text). */
export interface UserMessage {
  readonly at: number;
  readonly direction: "in" | "out";
  /** Request line or status line. */
  readonly summary: string;
  /** The message text, when the agent keeps it. */
  readonly text?: string;
}

/** One simulated user as the drill-down shows it. */
export interface UserDetail {
  readonly id: string;
  /** Current state, as a dotted path in its machine (`connected`, `signedIn.online`). */
  readonly state: string;
  /** Id of the state machine `state` belongs to (a key of the dashboard's `charts`). */
  readonly machine: string;
  readonly recent: {
    readonly transactions: readonly UserTransaction[];
    readonly messages: readonly UserMessage[];
  };
}

/**
 * Looks up simulated users for the drill-down. Called only when someone opens the
 * drill-down (about once a second while it is open), never per event.
 *
 * @example
 * ```ts
 * const users: UserInspector = {
 *   inspect: (id) => agents.get(id)?.describe(),
 *   list: (limit) => [...agents.keys()].slice(0, limit),
 * };
 * ```
 */
export interface UserInspector {
  inspect(id: string): UserDetail | undefined;
  /** Ids of users worth inspecting (active ones first), at most `limit`. */
  list(limit: number): readonly string[];
}

/** Errors with one status and ms-diagnostics code, counted since the start. */
export interface ErrorCount {
  /** Final SIP status, or `timeout` / `transport`. */
  readonly status: string;
  /** ms-diagnostics ErrorId (with its SubErrorId, e.g. `1034.2`) when the response had one. */
  readonly code?: string;
  /** The reason of the first ms-diagnostics header seen with this code. */
  readonly reason?: string;
  readonly count: number;
}

/** One error as it happened. */
export interface ErrorExample {
  readonly at: number;
  readonly status: string;
  readonly code?: string;
  readonly reason?: string;
  readonly method?: string;
  readonly user?: string;
  /** What happened, in a line (or the response's start line). */
  readonly text?: string;
}

/** Where the error panel's counts by status and diagnostics code, and the examples, come from. */
export interface ErrorSource {
  counts(): readonly ErrorCount[];
  /** The latest errors, newest first, at most `limit`. */
  latest(limit: number): readonly ErrorExample[];
}
