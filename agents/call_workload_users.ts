/**
 * The `call` workload's drill-down: for each recently active user, its last few calls (when
 * each started, how it ended, the final status, the setup time) and whether a call is in
 * progress. Memory stays modest: users in a call are kept (as many as there are calls), and
 * of the others only the most recently active few thousand, each with a short ring of calls.
 *
 * @module
 */

import type {
  UserActivity,
  UserActivitySource,
  UserTransactionRecord,
} from "../lab/runner/workload.ts";

/** How a call ended, as the driver learns it (a `CallOutcome`). */
export interface CallEnd {
  readonly ok: boolean;
  readonly status?: number;
  readonly reason?: string;
  /** INVITE sent → 2xx received. */
  readonly setupMs?: number;
}

/** Options of a {@link CallUserLog}. */
export interface CallUserLogOptions {
  /** Users kept besides those in a call (default 2,000). */
  readonly idleUsers?: number;
  /** Calls kept per user (default 8). */
  readonly callsPerUser?: number;
  /** Wall clock, ms since the epoch (default `Date.now`). */
  readonly clock?: () => number;
}

/** Id of the machine the states belong to: the caller's basic-call chart. */
const MACHINE = "uacCall";

/** One call in the log: when it started and, once it ended, how. */
export interface LoggedCall {
  readonly at: number;
  end: CallEnd | undefined;
}

interface UserCalls {
  readonly calls: LoggedCall[];
  /** Calls in progress. */
  active: number;
}

/**
 * Recent calls per user, bounded.
 *
 * The current state is `idle` between calls and `in call` during one: the caller does not
 * tell which state of its chart one user's call is in, only how many calls are in each
 * (`BasicCaller.stateCounts`, drawn on the state chart).
 *
 * @example
 * ```ts
 * const log = new CallUserLog();
 * const call = log.started("caller0001");
 * log.ended("caller0001", call, { ok: true, status: 200, setupMs: 42 });
 * log.inspect("caller0001")?.recent.transactions; // [{ method: "INVITE", status: 200, durationMs: 42, … }]
 * ```
 */
export class CallUserLog implements UserActivitySource {
  /** Users with a call in progress, oldest first. */
  readonly #busy = new Map<string, UserCalls>();
  /** The others, least recently active first. */
  readonly #idle = new Map<string, UserCalls>();
  readonly #idleUsers: number;
  readonly #callsPerUser: number;
  readonly #clock: () => number;

  constructor(options: CallUserLogOptions = {}) {
    this.#idleUsers = options.idleUsers ?? 2_000;
    this.#callsPerUser = options.callsPerUser ?? 8;
    this.#clock = options.clock ?? Date.now;
    if (!(Number.isInteger(this.#idleUsers) && this.#idleUsers >= 0)) {
      throw new RangeError("idleUsers must be an integer ≥ 0");
    }
    if (!(Number.isInteger(this.#callsPerUser) && this.#callsPerUser > 0)) {
      throw new RangeError("callsPerUser must be a positive integer");
    }
  }

  /** Users kept now (in a call or not). */
  get size(): number {
    return this.#busy.size + this.#idle.size;
  }

  /** A call of `user` starts; returns its record for {@link CallUserLog.ended}. */
  started(user: string): LoggedCall {
    let entry = this.#busy.get(user);
    if (entry === undefined) {
      entry = this.#idle.get(user) ?? { calls: [], active: 0 };
      this.#idle.delete(user);
      this.#busy.set(user, entry);
    }
    entry.active++;
    const call: LoggedCall = { at: this.#clock(), end: undefined };
    entry.calls.push(call);
    if (entry.calls.length > this.#callsPerUser) entry.calls.shift();
    return call;
  }

  /** The call `record` of `user` ended. */
  ended(user: string, call: LoggedCall, end: CallEnd): void {
    call.end = end;
    const entry = this.#busy.get(user);
    if (entry === undefined || --entry.active > 0) return;
    this.#busy.delete(user);
    this.#idle.set(user, entry);
    if (this.#idle.size > this.#idleUsers) {
      const oldest = this.#idle.keys().next().value as string;
      this.#idle.delete(oldest);
    }
  }

  inspect(id: string): UserActivity | undefined {
    const busy = this.#busy.get(id);
    const entry = busy ?? this.#idle.get(id);
    if (entry === undefined) return undefined;
    const transactions = entry.calls.map((call): UserTransactionRecord => {
      const end = call.end;
      // Ended without a final response (timeout, transport error): say so, not "running".
      const unanswered = end !== undefined && end.status === undefined;
      return {
        at: call.at,
        method: unanswered ? `INVITE (${end.reason ?? "no final response"})` : "INVITE",
        direction: "out",
        ...(end?.status === undefined ? {} : { status: end.status }),
        ...(end?.setupMs === undefined ? {} : { durationMs: end.setupMs }),
      };
    });
    return {
      id,
      machine: MACHINE,
      state: busy === undefined ? "idle" : "in call",
      recent: { transactions, messages: [] },
    };
  }

  list(limit: number): string[] {
    const ids: string[] = [];
    for (const id of this.#busy.keys()) {
      if (ids.length >= limit) return ids;
      ids.push(id);
    }
    const idle = [...this.#idle.keys()];
    for (let i = idle.length - 1; i >= 0 && ids.length < limit; i--) ids.push(idle[i]);
    return ids;
  }
}
