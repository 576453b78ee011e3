/**
 * The flow workload's drill-down: for each recently active user, where its iteration is in the
 * flow (`expect 2:180`, `pause 4:pause`, `completed`), its last transactions (a request sent
 * or received and its final status) and, while someone is looking at the user, the messages
 * of its iterations. Bounded like the call workload's: users in an iteration, plus the most
 * recently active few thousand; messages only for users inspected lately.
 *
 * @module
 */

import type {
  UserActivity,
  UserActivitySource,
  UserMessageRecord,
  UserTransactionRecord,
} from "../../lab/runner/workload.ts";
import type { AnySipMessage } from "../../lab/sip/message/mod.ts";
import type { OutgoingFacts } from "./outgoing.ts";

/** What an iteration tells its user's log. */
export interface FlowActivity {
  /** The iteration sent `text`, described by `facts`. */
  sent(text: string, facts: OutgoingFacts): void;
  /** The iteration received `message` (a retransmission excluded), as `text`. */
  received(message: AnySipMessage, text: string): void;
}

/** Options of a {@link FlowUserLog}. */
export interface FlowUserLogOptions {
  /** Users kept besides those in an iteration (default 2,000). */
  readonly idleUsers?: number;
  /** Transactions kept per user (default 16). */
  readonly transactionsPerUser?: number;
  /** Messages kept per watched user (default 24). */
  readonly messagesPerUser?: number;
  /** A user's messages are recorded this long after its last inspection (default 60 s). */
  readonly watchMs?: number;
  readonly clock?: () => number;
}

/** Longest message text kept. */
const MESSAGE_CHARS = 4_000;

interface LoggedTransaction {
  readonly at: number;
  readonly method: string;
  readonly direction: "in" | "out";
  /** `<cseq> <method>`: what its responses carry. */
  readonly key: string;
  status?: number;
  durationMs?: number;
}

/** One user in the log. */
class FlowUserEntry implements FlowActivity {
  readonly transactions: LoggedTransaction[] = [];
  messages: UserMessageRecord[] | undefined = undefined;
  active = 0;
  /** Where the latest iteration is (read when inspected). */
  state: () => string = () => "started";

  constructor(readonly name: string, readonly log: FlowUserLog) {}

  sent(text: string, facts: OutgoingFacts): void {
    this.log.message(this, "out", text);
    const key = `${facts.cseq} ${facts.method}`;
    if (facts.kind === "request") {
      if (facts.method !== "ACK") this.log.transaction(this, facts.method, "out", key);
    } else if (facts.status !== undefined && facts.status >= 200) {
      this.#close("in", key, facts.status);
    }
  }

  received(message: AnySipMessage, text: string): void {
    this.log.message(this, "in", text);
    const key = `${message.cseq.seq} ${message.cseq.method}`;
    if (message.kind === "request") {
      if (message.method !== "ACK") this.log.transaction(this, message.method, "in", key);
    } else if (message.status >= 200) this.#close("out", key, message.status);
  }

  /** The latest open transaction of `direction` with `key` got its final status. */
  #close(direction: "in" | "out", key: string, status: number): void {
    for (let i = this.transactions.length - 1; i >= 0; i--) {
      const t = this.transactions[i];
      if (t.direction !== direction || t.key !== key || t.status !== undefined) continue;
      t.status = status;
      t.durationMs = this.log.now() - t.at;
      return;
    }
  }
}

/**
 * Recent flow iterations per user, bounded.
 *
 * @example
 * ```ts
 * const log = new FlowUserLog("flow:register");
 * const activity = log.started("user0001", () => iteration.stateName);
 * // the iteration calls activity.sent(...) / activity.received(...)
 * log.ended("user0001", "completed");
 * log.inspect("user0001")?.state; // "completed"
 * ```
 */
export class FlowUserLog implements UserActivitySource {
  readonly #busy = new Map<string, FlowUserEntry>();
  readonly #idle = new Map<string, FlowUserEntry>();
  readonly #watched = new Map<string, number>();
  readonly #idleUsers: number;
  readonly #transactionsPerUser: number;
  readonly #messagesPerUser: number;
  readonly #watchMs: number;
  readonly #clock: () => number;

  constructor(readonly machine: string, options: FlowUserLogOptions = {}) {
    this.#idleUsers = options.idleUsers ?? 2_000;
    this.#transactionsPerUser = options.transactionsPerUser ?? 16;
    this.#messagesPerUser = options.messagesPerUser ?? 24;
    this.#watchMs = options.watchMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
  }

  /** An iteration of `user` starts; `state` tells where it is. */
  started(user: string, state: () => string): FlowActivity {
    let entry = this.#busy.get(user);
    if (entry === undefined) {
      entry = this.#idle.get(user) ?? new FlowUserEntry(user, this);
      this.#idle.delete(user);
      this.#busy.set(user, entry);
    }
    entry.active++;
    entry.state = state;
    return entry;
  }

  /** An iteration of `user` ended in `finalState` (`completed`, `failed: timeout`…). */
  ended(user: string, finalState: string): void {
    const entry = this.#busy.get(user);
    if (entry === undefined) return;
    entry.state = () => finalState;
    if (--entry.active > 0) return;
    this.#busy.delete(user);
    this.#idle.set(user, entry);
    if (this.#idle.size > this.#idleUsers) {
      this.#idle.delete(this.#idle.keys().next().value as string);
    }
  }

  now(): number {
    return this.#clock();
  }

  transaction(entry: FlowUserEntry, method: string, direction: "in" | "out", key: string): void {
    entry.transactions.push({ at: this.#clock(), method, direction, key });
    if (entry.transactions.length > this.#transactionsPerUser) entry.transactions.shift();
  }

  message(entry: FlowUserEntry, direction: "in" | "out", text: string): void {
    if (this.#watched.size === 0) return;
    const until = this.#watched.get(entry.name);
    if (until === undefined) return;
    if (until < this.#clock()) {
      this.#watched.delete(entry.name);
      entry.messages = undefined;
      return;
    }
    const messages = entry.messages ??= [];
    messages.push({
      at: this.#clock(),
      direction,
      summary: text.split(/\r?\n/, 1)[0],
      text: text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text,
    });
    if (messages.length > this.#messagesPerUser) messages.shift();
  }

  inspect(id: string): UserActivity | undefined {
    const entry = this.#busy.get(id) ?? this.#idle.get(id);
    if (entry === undefined) return undefined;
    this.#watched.set(id, this.#clock() + this.#watchMs);
    return {
      id,
      machine: this.machine,
      state: entry.state(),
      recent: {
        transactions: entry.transactions.map((t): UserTransactionRecord => ({
          at: t.at,
          method: t.method,
          direction: t.direction,
          ...(t.status === undefined ? {} : { status: t.status }),
          ...(t.durationMs === undefined ? {} : { durationMs: t.durationMs }),
        })),
        messages: [...(entry.messages ?? [])],
      },
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
