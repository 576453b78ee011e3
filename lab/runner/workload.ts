/**
 * The plug-in contract between the runner and the fleet. The runner owns time, users and
 * results; a workload driver (from `agents/`) owns the protocol. For every iteration the runner
 * picks a workload by weight and a free simulated user, calls `startIteration`, and waits for
 * `done`. Drivers report their protocol metrics (`call_setup_time`, RFC 6076 KPIs…) into
 * `ctx.metrics` themselves; the runner records the iteration counts.
 *
 * This file holds types only, so the agents can `import type` it.
 *
 * @module
 */

import type { MetricsRegistry } from "../metrics/mod.ts";
import type {
  DurationDistribution,
  Flow,
  LabTarget,
  Scenario,
  Workload,
  Xoshiro128,
} from "../scenario/mod.ts";
import type { UserProfile } from "../scenario/mod.ts";
import type { TimerWheel } from "../sip/timer/mod.ts";
import type { Population } from "./population.ts";

/** One simulated user: a plain record, made when a virtual user first needs it. */
export interface PopulationUser {
  /** Place in the population, 0 for the first user. */
  readonly position: number;
  /** The user's number in patterns (`{index}`): firstIndex + position, or the CSV row number. */
  readonly index: number;
  /** User part of the address, e.g. `caller0017`. */
  readonly name: string;
  /** Address of record: `sip:<name>@<domain>`. */
  readonly aor: string;
  readonly domain: string;
  readonly password: string;
  readonly displayName: string;
  readonly profile: UserProfile;
  /** Activity multiplier of the profile (think times are divided by it). */
  readonly activity: number;
  /** Endpoints (devices) the user signs in with. */
  readonly endpoints: number;
  /** Positions of the users on the contact list. */
  readonly contacts: readonly number[];
  /** The user's own random stream (`deriveSeed(seed, "user", index)`). */
  readonly random: Xoshiro128;
}

/** The SIPp-like flow as a pickable workload (driven by a factory of kind `flow`). */
export interface FlowWorkload {
  readonly kind: "flow";
  readonly name: string;
  readonly weight: number;
  readonly thinkTime: DurationDistribution;
  readonly flow: Flow;
}

/** What a factory is asked to drive: a scenario workload or the scenario's flow. */
export type RunnableWorkload = Workload | FlowWorkload;

/** Where a started lab agent listens. */
export interface AgentAddress {
  /** `udp`, `tcp`, `tls`, `ws` or `wss`. */
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
}

/**
 * Actors per state, by state machine id: `{ uacCall: { ringing: 3, connected: 12 } }`. The
 * runner adds up what every driver and the lab agents report and passes it to
 * `MetricsRegistry.stateCounts` once a second (for the live state chart).
 */
export type MachineStateCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** The lab agents of a `kind: lab` target, once started. */
export interface RunningLabAgents {
  /** By instance name, chosen by the factory (e.g. `uas`, `uas-2`). */
  readonly addresses: Readonly<Record<string, AgentAddress>>;
  stop(): Promise<void>;
  /** The agents' calls per state (read once a second; optional). */
  stateCounts?(): MachineStateCounts;
}

/** Everything a driver or the lab agents may use during a run. */
export interface RunContext {
  readonly scenario: Scenario;
  readonly population: Population;
  readonly metrics: MetricsRegistry;
  /** The run's one timer wheel: every protocol and think timer goes here. */
  readonly wheel: TimerWheel;
  /** The lab agents when the target is `kind: lab`. */
  readonly labAgents: RunningLabAgents | undefined;
  /** A line for the run's event log (and the terminal). */
  log(line: string): void;
}

/**
 * The `ms-diagnostics` (or `ms-diagnostics-public`) header of the response that failed an
 * iteration (MS-OCER §2.2.1): its ErrorId and reason text.
 */
export interface OutcomeDiagnostics {
  /** ErrorId with any SubErrorIds: `17000`, `1034.2`. */
  readonly code: string;
  /** The reason-param (MS-OCER: for people; clients must not act on it). */
  readonly reason?: string;
}

/** How one iteration ended. */
export interface IterationOutcome {
  readonly ok: boolean;
  /** Final SIP status that decided the outcome, when there was one. */
  readonly status?: number;
  /** Why it failed, in a few words (kept as an error example in the results). */
  readonly reason?: string;
  /** The failing response's ms-diagnostics, when it carried one. */
  readonly diagnostics?: OutcomeDiagnostics;
}

/** One transaction a user took part in, as a driver saw it (newest last). */
export interface UserTransactionRecord {
  /** When it started, ms since the epoch. */
  readonly at: number;
  readonly method: string;
  /** Final status; absent while it runs, or when it ended without one. */
  readonly status?: number;
  /** Request sent → final response. */
  readonly durationMs?: number;
  /** `out` for client transactions, `in` for server ones. */
  readonly direction?: "in" | "out";
}

/** One SIP message a user sent or received, when a driver keeps them. */
export interface UserMessageRecord {
  readonly at: number;
  readonly direction: "in" | "out";
  /** Request line or status line. */
  readonly summary: string;
  readonly text?: string;
}

/** One simulated user as a driver last saw it (the dashboard's user drill-down). */
export interface UserActivity {
  /** The user's name in the population (`caller0017`). */
  readonly id: string;
  /** Id of the state machine `state` belongs to (`uacCall`). */
  readonly machine: string;
  /** Current state in that machine. */
  readonly state: string;
  readonly recent: {
    readonly transactions: readonly UserTransactionRecord[];
    readonly messages: readonly UserMessageRecord[];
  };
}

/** Where a driver's recent users can be looked up (read on demand, about once a second). */
export interface UserActivitySource {
  inspect(id: string): UserActivity | undefined;
  /** Ids worth inspecting, users in an iteration first, at most `limit`. */
  list(limit: number): readonly string[];
}

/** Runs the iterations of one workload. */
export interface WorkloadDriver {
  /**
   * Start one iteration for `user` and call `done` exactly once when it ends. Must not throw
   * for protocol failures (report them with `ok: false`); calls after `stop` are ignored.
   */
  startIteration(user: PopulationUser, done: (outcome: IterationOutcome) => void): void;
  /** Iterations started and not yet done. */
  readonly active: number;
  /**
   * Release everything. `graceful`: no iteration is running any more; sign users out
   * (unregister) and close sockets politely. Not graceful: drop everything at once.
   */
  stop(options: { graceful: boolean }): Promise<void>;
  /** Its actors per state, by machine (read once a second; optional). */
  stateCounts?(): MachineStateCounts;
  /** Its recently active users, for a drill-down (optional). */
  readonly users?: UserActivitySource;
}

/** Makes the driver of one workload kind. */
export interface WorkloadFactory {
  /** The workload kind it drives (`call`, `noop`, …, or `flow`). */
  readonly kind: string;
  create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver>;
}

/** Starts the agents of a `kind: lab` target. */
export interface LabTargetFactory {
  start(target: LabTarget, ctx: Omit<RunContext, "labAgents">): Promise<RunningLabAgents>;
}
