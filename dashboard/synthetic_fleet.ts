/**
 * A bounded synthetic fleet for the dashboard's tests and demos: simulated callers walk the
 * basic-call chart (`agents/uac/basic_call_chart.ts`: idle → inviting → ringing → connected
 * → hangingUp → completed, or failed), reporting into a real `MetricsRegistry` exactly as the
 * agents do (transaction sink, RFC 6076 KPIs, state counts), with errors carrying
 * ms-diagnostics codes. It also plays the runner's part: a {@link RunControl} that records
 * every call, and a {@link UserInspector}. It sends nothing on the network.
 *
 * @module
 */

import type { MetricsRegistry } from "../lab/metrics/mod.ts";
import { Xoshiro128 } from "../lab/scenario/mod.ts";
import type {
  RunControl,
  RunStatus,
  UserDetail,
  UserInspector,
  UserMessage,
  UserTransaction,
} from "./control.ts";
import { ErrorLog } from "./error_log.ts";

/** The basic-call chart's machine id and states. */
export const SYNTHETIC_MACHINE = "uacCall";
type CallState =
  | "idle"
  | "inviting"
  | "ringing"
  | "connected"
  | "hangingUp"
  | "completed"
  | "failed";
const STATES: readonly CallState[] = [
  "idle",
  "inviting",
  "ringing",
  "connected",
  "hangingUp",
  "completed",
  "failed",
];

/** Transactions and messages kept per user for the drill-down. */
const KEPT_PER_USER = 20;

/** Failures the fleet draws, with the ms-diagnostics a Lync server would add (MS-OCER §2.2.1.1). */
const FAILURES = [
  { status: 486, diagnostics: '15025;reason="Callee is busy";source="fe01.lab"' },
  { status: 480, diagnostics: '15026;reason="User is not available";source="fe01.lab"' },
  { status: 408, diagnostics: undefined },
] as const;

interface SyntheticUser {
  readonly id: string;
  state: CallState;
  /** Simulated time the current call's INVITE left. */
  invitedAt: number;
  answeredAt: number;
  readonly transactions: UserTransaction[];
  readonly messages: UserMessage[];
}

/** Options of a {@link SyntheticFleet}. */
export interface SyntheticFleetOptions {
  readonly registry: MetricsRegistry;
  /** Simulated users (default 200). */
  readonly users?: number;
  /** Calls started per second at the start (default 20). */
  readonly rate?: number;
  /** Schedule length reported in the status (default 60 s). */
  readonly durationMs?: number;
  readonly seed?: number;
  /** Wall clock (default `Date.now`). */
  readonly clock?: () => number;
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT_PER_USER) list.shift();
}

/**
 * The synthetic fleet.
 *
 * @example
 * ```ts
 * const fleet = new SyntheticFleet({ registry });
 * fleet.start(100, 300); // a step every 100 ms, at most 300 steps
 * const dashboard = await startDashboard({ registry, control: fleet, users: fleet, errors: fleet.errors });
 * fleet.stop();
 * ```
 */
export class SyntheticFleet implements RunControl, UserInspector {
  /** Every control call, in order (`pause`, `resume`, `stop`, `setRate:5`). */
  readonly controlCalls: string[] = [];
  readonly errors: ErrorLog;
  readonly #registry: MetricsRegistry;
  readonly #users: SyntheticUser[];
  readonly #random: Xoshiro128;
  readonly #clock: () => number;
  readonly #durationMs: number;
  readonly #startedAt: number;
  #rate: number;
  #paused = false;
  #stopping = false;
  #pausedMs = 0;
  #pausedAt = 0;
  #arrivals = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SyntheticFleetOptions) {
    this.#registry = options.registry;
    this.#clock = options.clock ?? Date.now;
    this.#random = Xoshiro128.fromSeed(options.seed ?? 1);
    this.#rate = options.rate ?? 20;
    this.#durationMs = options.durationMs ?? 60_000;
    this.#startedAt = this.#clock();
    this.errors = new ErrorLog({ clock: this.#clock });
    this.#users = Array.from({ length: options.users ?? 200 }, (_, i) => ({
      id: `caller${String(i + 1).padStart(4, "0")}`,
      state: "idle" as CallState,
      invitedAt: 0,
      answeredAt: 0,
      transactions: [],
      messages: [],
    }));
  }

  /** Step every `everyMs` until `maxSteps` steps or {@link SyntheticFleet.stop}. */
  start(everyMs: number, maxSteps: number): void {
    let steps = 0;
    this.#timer = setInterval(() => {
      this.step(everyMs);
      if (++steps >= maxSteps) this.halt();
    }, everyMs);
  }

  /** Stop stepping (the test's end; not the `stop` control). */
  halt(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Advance every user by `dtMs` of simulated time and report the state counts. */
  step(dtMs: number): void {
    const now = this.#clock();
    if (!this.#paused && !this.#stopping) {
      this.#arrivals += (this.#rate * dtMs) / 1000;
      for (const user of this.#users) {
        if (this.#arrivals < 1) break;
        if (user.state !== "idle") continue;
        this.#arrivals--;
        this.#invite(user, now);
      }
      this.#arrivals = Math.min(this.#arrivals, 1);
    }
    for (const user of this.#users) this.#advance(user, now);
    const counts: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const user of this.#users) counts[user.state]++;
    this.#registry.stateCounts(SYNTHETIC_MACHINE, counts);
    this.#registry.gauge("active_users").set(this.#users.length - counts.idle);
  }

  #invite(user: SyntheticUser, now: number): void {
    user.state = "inviting";
    user.invitedAt = now;
    this.#registry.requestSent("INVITE", false);
    this.#registry.kpi.sessionAttempt();
    this.#registry.counter("iterations_started").inc({ workload: "calls" });
    keep(user.transactions, { at: now, method: "INVITE", direction: "out" });
    keep(user.messages, { at: now, direction: "out", summary: `INVITE sip:callee@lab SIP/2.0` });
  }

  #answer(user: SyntheticUser, method: string, status: number, now: number, ms: number): void {
    this.#registry.responseReceived(method, status, ms);
    const open = user.transactions.findLast((t) => t.method === method && t.status === undefined);
    if (open !== undefined && status >= 200) {
      user.transactions[user.transactions.indexOf(open)] = { ...open, status, durationMs: ms };
    }
    keep(user.messages, { at: now, direction: "in", summary: `SIP/2.0 ${status} (${method})` });
  }

  #advance(user: SyntheticUser, now: number): void {
    const r = this.#random.next();
    // Latencies drawn from a skewed distribution, so the percentiles differ visibly.
    const latency = (base: number) => base + 600 * this.#random.next() ** 4;
    switch (user.state) {
      case "inviting":
        if (r < 0.06) {
          const failure = FAILURES[Math.floor(this.#random.next() * FAILURES.length)];
          this.#answer(user, "INVITE", failure.status, now, latency(40));
          this.#registry.kpi.sessionFailed(failure.status);
          this.#registry.counter("iterations_failed").inc({ workload: "calls" });
          this.errors.record({
            status: failure.status,
            diagnostics: failure.diagnostics,
            method: "INVITE",
            user: user.id,
            text: `INVITE answered ${failure.status}`,
            at: now,
          });
          user.state = "failed";
        } else if (r < 0.6) {
          this.#answer(user, "INVITE", 180, now, 0);
          this.#registry.kpi.sessionRequestDelay(latency(20));
          user.state = "ringing";
        }
        break;
      case "ringing":
        if (r < 0.5) {
          const setup = latency(80);
          this.#answer(user, "INVITE", 200, now, setup);
          this.#registry.kpi.sessionEstablished(setup);
          this.#registry.requestSent("ACK", false);
          user.answeredAt = now;
          user.state = "connected";
        }
        break;
      case "connected":
        if (r < 0.2) {
          this.#registry.requestSent("BYE", false);
          keep(user.transactions, { at: now, method: "BYE", direction: "out" });
          keep(user.messages, { at: now, direction: "out", summary: "BYE sip:callee@lab SIP/2.0" });
          user.state = "hangingUp";
        }
        break;
      case "hangingUp":
        if (r < 0.7) {
          const disconnect = latency(15);
          this.#answer(user, "BYE", 200, now, disconnect);
          this.#registry.kpi.sessionEnded({
            durationMs: now - user.answeredAt,
            disconnectDelayMs: disconnect,
          });
          this.#registry.counter("iterations_completed").inc({ workload: "calls" });
          this.#registry.latency("iteration_duration").record(now - user.invitedAt, {
            workload: "calls",
          });
          user.state = "completed";
        }
        break;
      case "completed":
      case "failed":
        if (r < 0.5) user.state = "idle";
        break;
      case "idle":
        break;
    }
  }

  // RunControl -----------------------------------------------------------------------------

  pause(): void {
    this.controlCalls.push("pause");
    if (this.#paused) return;
    this.#paused = true;
    this.#pausedAt = this.#clock();
  }

  resume(): void {
    this.controlCalls.push("resume");
    if (!this.#paused) return;
    this.#paused = false;
    this.#pausedMs += this.#clock() - this.#pausedAt;
  }

  stop(): void {
    this.controlCalls.push("stop");
    this.#stopping = true;
  }

  setRate(rate: number): void {
    if (!(rate >= 0 && Number.isFinite(rate))) throw new RangeError(`bad rate ${rate}`);
    this.controlCalls.push(`setRate:${rate}`);
    this.#rate = rate;
  }

  status(): RunStatus {
    const now = this.#clock();
    const paused = this.#paused ? now - this.#pausedAt : 0;
    return {
      paused: this.#paused,
      rate: this.#rate,
      elapsedMs: now - this.#startedAt - this.#pausedMs - paused,
      durationMs: this.#durationMs,
      stopping: this.#stopping,
    };
  }

  // UserInspector --------------------------------------------------------------------------

  inspect(id: string): UserDetail | undefined {
    const user = this.#users.find((u) => u.id === id);
    if (user === undefined) return undefined;
    return {
      id: user.id,
      state: user.state,
      machine: SYNTHETIC_MACHINE,
      recent: { transactions: [...user.transactions], messages: [...user.messages] },
    };
  }

  list(limit: number): string[] {
    const busy = this.#users.filter((u) => u.state !== "idle");
    const idle = this.#users.filter((u) => u.state === "idle");
    return [...busy, ...idle].slice(0, limit).map((u) => u.id);
  }
}
