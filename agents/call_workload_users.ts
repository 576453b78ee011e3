/**
 * The `call` workload's drill-down: for each recently active user, the state of its call in the
 * caller's chart (`uacCall`), its last few transactions (INVITE and BYE: when each started, the
 * final status, how long it took) and, for the users someone is looking at, the start lines
 * and texts of the messages of their calls.
 *
 * Cost stays small when nobody looks: users in a call are kept (as many as there are calls),
 * of the others only the most recently active few thousand, each with a short ring of
 * transactions; messages are recorded only for users inspected in the last
 * {@link CallUserLogOptions.watchMs} (a look-up in an empty map otherwise).
 *
 * @module
 */

import type {
  UserActivity,
  UserActivitySource,
  UserMessageRecord,
  UserTransactionRecord,
} from "../lab/runner/workload.ts";
import { messageToString, type SipRequest, type SipResponse } from "../lab/sip/message/mod.ts";
import type { CallHandle, CallTrace } from "./uac/caller.ts";
import { basicCallUacChart } from "./uac/basic_call_chart.ts";

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
  /** Transactions kept per user (default 16: eight calls). */
  readonly transactionsPerUser?: number;
  /** Messages kept per watched user (default 24). */
  readonly messagesPerUser?: number;
  /** A user's messages are recorded this long after its last inspection (default 60 s). */
  readonly watchMs?: number;
  /** Wall clock, ms since the epoch (default `Date.now`). */
  readonly clock?: () => number;
}

/** Id of the machine the states belong to: the caller's basic-call chart. */
const MACHINE = basicCallUacChart.id;
/** The chart's initial state: a user before its first call. */
const BEFORE_FIRST_CALL = "idle";
/** Longest message text kept. */
const MESSAGE_CHARS = 4_000;

/** A transaction as the log keeps it (filled in as it ends). */
interface LoggedTransaction {
  readonly at: number;
  method: string;
  readonly direction: "in" | "out";
  status?: number;
  durationMs?: number;
}

interface UserEntry {
  readonly name: string;
  readonly transactions: LoggedTransaction[];
  messages: UserMessageRecord[] | undefined;
  /** Calls in progress. */
  active: number;
  /** The latest call (its handle while it runs, then its final state). */
  latest: LoggedCall | undefined;
}

/**
 * One call in the log: the caller's {@link CallTrace} of it, its handle while it runs.
 *
 * @example
 * ```ts
 * const logged = log.started("caller0001");
 * logged.attach(caller.call(user, (outcome) => log.ended("caller0001", logged, outcome), logged));
 * ```
 */
export class LoggedCall implements CallTrace {
  readonly at: number;
  /** The running call (see {@link LoggedCall.attach}); dropped when the call ends. */
  handle: CallHandle | undefined = undefined;
  end: CallEnd | undefined = undefined;
  /** The call's state once it ended (`completed`, `failed`). */
  finalState: string | undefined = undefined;
  readonly #log: CallUserLog;
  readonly #entry: UserEntry;
  #invite: LoggedTransaction | undefined = undefined;
  #bye: LoggedTransaction | undefined = undefined;

  constructor(log: CallUserLog, entry: UserEntry, at: number) {
    this.#log = log;
    this.#entry = entry;
    this.at = at;
  }

  /** The call's state in the caller's chart, running or ended. */
  get state(): string {
    return this.handle?.state ?? this.finalState ?? BEFORE_FIRST_CALL;
  }

  inviteSent(invite: SipRequest): void {
    this.#invite = this.#log.transaction(this.#entry, "INVITE", "out");
    this.#log.message(this.#entry, "out", invite);
  }

  inviteResponse(response: SipResponse): void {
    this.#log.message(this.#entry, "in", response);
    const invite = this.#invite;
    if (invite === undefined || response.status < 200) return;
    invite.status = response.status;
    invite.durationMs = this.#log.now() - invite.at;
  }

  byeSent(target: string): void {
    this.#bye = this.#log.transaction(this.#entry, "BYE", "out");
    this.#log.summary(this.#entry, "out", `BYE ${target} SIP/2.0`);
  }

  byeEnded(): void {
    const bye = this.#bye;
    if (bye !== undefined) bye.durationMs = this.#log.now() - bye.at;
  }

  byeReceived(): void {
    // The core answers it 200 at once (§15.1.2): one server transaction, already over.
    const bye = this.#log.transaction(this.#entry, "BYE", "in");
    bye.status = 200;
    bye.durationMs = 0;
    this.#log.summary(this.#entry, "in", "BYE (from the far end)");
  }

  /** The running call's handle, as `BasicCaller.call` returned it (the call may be over). */
  attach(handle: CallHandle): void {
    if (this.end === undefined) this.handle = handle;
    else this.finalState = handle.state;
  }

  /** The call ended: keep its final state, drop the call itself. */
  close(end: CallEnd): void {
    this.end = end;
    this.finalState = this.handle?.state;
    this.handle = undefined;
    const invite = this.#invite;
    if (invite !== undefined && invite.status === undefined && end.status === undefined) {
      // Ended without a final response (timeout, transport error): say so, not "running".
      invite.method = `INVITE (${end.reason ?? "no final response"})`;
    }
  }
}

/**
 * Recent calls per user, bounded.
 *
 * @example
 * ```ts
 * const log = new CallUserLog();
 * const call = log.started("caller0001");
 * call.attach(caller.call(user, (outcome) => log.ended("caller0001", call, outcome), call));
 * log.inspect("caller0001")?.state; // "ringing", then "connected", … "completed"
 * ```
 */
export class CallUserLog implements UserActivitySource {
  /** Users with a call in progress, oldest first. */
  readonly #busy = new Map<string, UserEntry>();
  /** The others, least recently active first. */
  readonly #idle = new Map<string, UserEntry>();
  /** Users whose messages are recorded, until when. */
  readonly #watched = new Map<string, number>();
  readonly #idleUsers: number;
  readonly #transactionsPerUser: number;
  readonly #messagesPerUser: number;
  readonly #watchMs: number;
  readonly #clock: () => number;

  constructor(options: CallUserLogOptions = {}) {
    this.#idleUsers = options.idleUsers ?? 2_000;
    this.#transactionsPerUser = options.transactionsPerUser ?? 16;
    this.#messagesPerUser = options.messagesPerUser ?? 24;
    this.#watchMs = options.watchMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
    if (!(Number.isInteger(this.#idleUsers) && this.#idleUsers >= 0)) {
      throw new RangeError("idleUsers must be an integer ≥ 0");
    }
    for (
      const [name, value] of [
        ["transactionsPerUser", this.#transactionsPerUser],
        ["messagesPerUser", this.#messagesPerUser],
      ] as const
    ) {
      if (!(Number.isInteger(value) && value > 0)) {
        throw new RangeError(`${name} must be a positive integer`);
      }
    }
  }

  /** Users kept now (in a call or not). */
  get size(): number {
    return this.#busy.size + this.#idle.size;
  }

  /** Users whose messages are being recorded now. */
  get watched(): number {
    return this.#watched.size;
  }

  /** A call of `user` starts; returns its trace for the caller and {@link CallUserLog.ended}. */
  started(user: string): LoggedCall {
    let entry = this.#busy.get(user);
    if (entry === undefined) {
      entry = this.#idle.get(user) ??
        { name: user, transactions: [], messages: undefined, active: 0, latest: undefined };
      this.#idle.delete(user);
      this.#busy.set(user, entry);
    }
    entry.active++;
    const call = new LoggedCall(this, entry, this.#clock());
    entry.latest = call;
    return call;
  }

  /** The call `call` of `user` ended. */
  ended(user: string, call: LoggedCall, end: CallEnd): void {
    call.close(end);
    const entry = this.#busy.get(user);
    if (entry === undefined || --entry.active > 0) return;
    this.#busy.delete(user);
    this.#idle.set(user, entry);
    if (this.#idle.size > this.#idleUsers) {
      const oldest = this.#idle.keys().next().value as string;
      this.#idle.delete(oldest);
    }
  }

  /** Now, on the log's clock. */
  now(): number {
    return this.#clock();
  }

  /** A new transaction of `entry` (its ring keeps the latest). */
  transaction(entry: UserEntry, method: string, direction: "in" | "out"): LoggedTransaction {
    const record: LoggedTransaction = { at: this.#clock(), method, direction };
    entry.transactions.push(record);
    if (entry.transactions.length > this.#transactionsPerUser) entry.transactions.shift();
    return record;
  }

  /** A message of `entry`'s call, kept (with its text) only while the user is watched. */
  message(entry: UserEntry, direction: "in" | "out", message: SipRequest | SipResponse): void {
    if (!this.#isWatched(entry)) return;
    const text = messageToString(message);
    const cut = text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
    this.#keep(entry, {
      at: this.#clock(),
      direction,
      summary: text.split("\r\n", 1)[0],
      text: cut,
    });
  }

  /** A message known by its start line only (one the core builds), while the user is watched. */
  summary(entry: UserEntry, direction: "in" | "out", summary: string): void {
    if (this.#isWatched(entry)) this.#keep(entry, { at: this.#clock(), direction, summary });
  }

  inspect(id: string): UserActivity | undefined {
    const entry = this.#busy.get(id) ?? this.#idle.get(id);
    if (entry === undefined) return undefined;
    // Someone is looking: record this user's messages from now on for a while.
    this.#watched.set(id, this.#clock() + this.#watchMs);
    const transactions = entry.transactions.map((t): UserTransactionRecord => ({
      at: t.at,
      method: t.method,
      direction: t.direction,
      ...(t.status === undefined ? {} : { status: t.status }),
      ...(t.durationMs === undefined ? {} : { durationMs: t.durationMs }),
    }));
    return {
      id,
      machine: MACHINE,
      state: entry.latest?.state ?? BEFORE_FIRST_CALL,
      recent: { transactions, messages: [...(entry.messages ?? [])] },
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

  #isWatched(entry: UserEntry): boolean {
    if (this.#watched.size === 0) return false;
    const until = this.#watched.get(entry.name);
    if (until === undefined) return false;
    if (until >= this.#clock()) return true;
    this.#watched.delete(entry.name);
    entry.messages = undefined;
    return false;
  }

  #keep(entry: UserEntry, record: UserMessageRecord): void {
    const messages = entry.messages ??= [];
    messages.push(record);
    if (messages.length > this.#messagesPerUser) messages.shift();
  }
}
