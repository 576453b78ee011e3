/**
 * The `im` workload (issue 4): each iteration one signed-in user holds a peer-to-peer IM
 * session (IM.md) with a peer — someone on its contact list (`to: contact`) or anyone in the
 * population (`to: population`): INVITE carrying the first message (IM.md §2), then the other
 * messages one `messageInterval` apart, each a MESSAGE in the dialog preceded by a typing INFO
 * (IM.md §3, §4), `messageSize` bytes of text/plain; then BYE. `messages` counts the session's
 * messages, the first (in the INVITE) included.
 *
 * Users sign in like Lync clients through the sign-in workload's client (agents/client, MS-SIPAE
 * NTLM by default) and stay signed in for the rest of the run, so a user's later iterations
 * reuse its endpoint; every signed-in endpoint hosts an {@link ImAgent} that accepts the
 * sessions offered to it. The peer side, by design, is the pool of signed-in users of this
 * workload: with `signInPeers: true` (default) the chosen peer is signed in on demand and joins
 * the pool (it answers from then on); with `signInPeers: false` only users signed in by their
 * own iterations answer — a signed-in candidate is preferred, and when none is the INVITE goes
 * to an offline user and fails as a real client's would (480, RFC 3261 §21.4.18).
 *
 * Measured: `im_delivery_time`, a message handed to the sender's session → its text received
 * by the peer's agent (both ends live in this process, matched by a token at the start of the
 * text; the first message's time includes the session set-up). Session failures count in
 * `im_session_failures` by status, undelivered messages in `im_message_failures` by status.
 *
 * @example
 * ```ts
 * const factories = [imWorkload()];
 * // runScenario(scenario, { workloads: factories, labTarget: labTarget() })
 * ```
 *
 * @module
 */
import type {
  IterationOutcome,
  MachineStateCounts,
  PopulationUser,
  RunContext,
  RunnableWorkload,
  UserActivity,
  UserActivitySource,
  WorkloadDriver,
  WorkloadFactory,
} from "../lab/runner/workload.ts";
import {
  createCountSampler,
  createSampler,
  deriveSeed,
  type ImWorkload,
  Xoshiro128,
} from "../lab/scenario/mod.ts";
import type { TimerHandle } from "../lab/sip/timer/mod.ts";
import { type LyncEndpoint, SIGN_IN_MACHINE } from "./client/lync_endpoint.ts";
import {
  ImAgent,
  type ImListener,
  type ImMetricsSink,
  type ImSession,
  imSessionChart,
  type OutgoingImMessage,
  plainText,
} from "./im/mod.ts";
import { SignedInPool } from "./signed_in_pool.ts";

/** The IM session chart's id: the machine sessions are counted under. */
export const IM_SESSION_MACHINE = imSessionChart.id;

/** Users kept for the drill-down besides those in an iteration. */
const IDLE_USERS_KEPT = 2000;
/** Filler of message texts (the size distribution decides the length). */
const FILLER = "the quick brown fox jumps over the lazy dog ";
/** The token that starts every message text: `[im:<n>] `. */
const TOKEN = /^\[im:(\d+)\] /;

/** One iteration: a session and the messages it still has to send. */
interface ImIteration {
  readonly user: PopulationUser;
  readonly done: (outcome: IterationOutcome) => void;
  session: ImSession | undefined;
  /** Messages of the session, the first (in the INVITE) included. */
  total: number;
  delivered: number;
  undelivered: number;
  timer: TimerHandle | undefined;
  finished: boolean;
}

/** What the drill-down shows of a user. */
interface UserView {
  endpoint: LyncEndpoint | undefined;
  session: ImSession | undefined;
}

class ImDriver implements WorkloadDriver {
  pool!: SignedInPool;
  readonly #ctx: RunContext;
  readonly #workload: ImWorkload;
  readonly #random: Xoshiro128;
  readonly #messages: () => number;
  readonly #interval: () => number;
  readonly #size: () => number;
  readonly #agents = new Map<LyncEndpoint, ImAgent>();
  /** Live sessions of every agent, both roles. */
  readonly #sessions = new Set<ImSession>();
  readonly #iterations = new Set<ImIteration>();
  readonly #bySession = new Map<ImSession, ImIteration>();
  /** Messages sent and not yet received: token → send time (performance.now). */
  readonly #inFlight = new Map<number, number>();
  readonly #byUser = new Map<string, UserView>();
  #token = 0;
  #stopped = false;

  constructor(ctx: RunContext, workload: ImWorkload) {
    this.#ctx = ctx;
    this.#workload = workload;
    const stream = (label: string) =>
      Xoshiro128.fromSeed(deriveSeed(ctx.scenario.seed, "workload", workload.name, label));
    this.#random = stream("peer");
    this.#messages = createCountSampler(workload.messages, stream("messages"));
    this.#interval = createSampler(workload.messageInterval, stream("interval"));
    this.#size = createCountSampler(workload.messageSize, stream("size"));
  }

  get active(): number {
    return this.#iterations.size;
  }

  stateCounts(): MachineStateCounts {
    const sessions: Record<string, number> = {};
    for (const session of this.#sessions) {
      sessions[session.state] = (sessions[session.state] ?? 0) + 1;
    }
    return { ...this.pool.stateCounts(), [IM_SESSION_MACHINE]: sessions };
  }

  readonly users: UserActivitySource = {
    inspect: (id: string): UserActivity | undefined => {
      const view = this.#byUser.get(id);
      if (view === undefined) return undefined;
      const live = view.session !== undefined && this.#sessions.has(view.session);
      return {
        id,
        machine: live ? IM_SESSION_MACHINE : SIGN_IN_MACHINE,
        state: live ? view.session!.state : view.endpoint?.state ?? "signingIn",
        recent: {
          transactions: (view.endpoint?.recent ?? []).map((t) => ({ ...t })),
          messages: [],
        },
      };
    },
    list: (limit: number): readonly string[] => {
      const busy = new Set([...this.#iterations].map((i) => i.user.name));
      const idle = [...this.#byUser.keys()].reverse().filter((id) => !busy.has(id));
      return [...busy, ...idle].slice(0, limit);
    },
  };

  /** Gives a newly signed-in endpoint its IM agent: it answers every session offered. */
  host(endpoint: LyncEndpoint): void {
    const agent = new ImAgent(endpoint.session(), {
      listener: this.#listener,
      metrics: this.#imMetrics,
    });
    endpoint.setHandler(agent.asHandler());
    this.#agents.set(endpoint, agent);
    this.#view(endpoint.account.name).endpoint = endpoint;
  }

  startIteration(user: PopulationUser, done: (outcome: IterationOutcome) => void): void {
    if (this.#stopped) return;
    const iteration: ImIteration = {
      user,
      done,
      session: undefined,
      total: Math.max(1, this.#messages()),
      delivered: 0,
      undelivered: 0,
      timer: undefined,
      finished: false,
    };
    this.#iterations.add(iteration);
    this.#view(user.name);
    void this.#run(iteration);
  }

  async stop(options: { graceful: boolean }): Promise<void> {
    this.#stopped = true;
    for (const iteration of [...this.#iterations]) {
      this.#finish(iteration, { ok: false, reason: "stopped" });
    }
    await this.pool.stop({ graceful: options.graceful });
    this.#agents.clear();
    this.#sessions.clear();
    this.#inFlight.clear();
  }

  async #run(iteration: ImIteration): Promise<void> {
    const { user } = iteration;
    const caller = await this.pool.signIn(user);
    if (iteration.finished) return;
    if (!caller.ok) return this.#finish(iteration, caller.outcome);
    const peer = this.#pickPeer(user);
    if (peer === undefined) {
      return this.#finish(iteration, { ok: false, reason: `${user.name} has nobody to message` });
    }
    if (this.#workload.signInPeers) {
      const answering = await this.pool.signIn(peer);
      if (iteration.finished) return;
      if (!answering.ok) {
        return this.#finish(iteration, {
          ...answering.outcome,
          reason: `peer ${peer.name} could not sign in: ${answering.outcome.reason ?? ""}`,
        });
      }
    }
    const agent = this.#agents.get(caller.endpoint);
    if (agent === undefined || caller.endpoint.done) {
      return this.#finish(iteration, { ok: false, reason: `${user.name} is no longer signed in` });
    }
    if (!caller.endpoint.session().connected) {
      return this.#finish(iteration, { ok: false, reason: "connection to the front end lost" });
    }
    // IM.md §2: the first message rides in the INVITE.
    const session = agent.invite(peer.aor, this.#nextMessage());
    iteration.session = session;
    this.#sessions.add(session);
    this.#bySession.set(session, iteration);
    this.#view(user.name).session = session;
  }

  /**
   * The peer: a contact (`to: contact`) or anyone else (`to: population`). Without
   * `signInPeers`, a candidate already signed in is preferred.
   */
  #pickPeer(user: PopulationUser): PopulationUser | undefined {
    const population = this.#ctx.population;
    let candidates: readonly number[];
    if (this.#workload.to === "contact") candidates = user.contacts;
    else {
      if (population.count < 2) return undefined;
      const offset = 1 + Math.floor(this.#random.next() * (population.count - 1));
      candidates = [(user.position + offset) % population.count];
    }
    if (candidates.length === 0) return undefined;
    if (!this.#workload.signInPeers) {
      const online = candidates.filter((p) => this.pool.isSignedIn(population.user(p).name));
      if (online.length > 0) candidates = online;
    }
    const position = candidates[Math.floor(this.#random.next() * candidates.length)];
    return population.user(position);
  }

  /** A text/plain message of the sampled size, starting with its delivery token. */
  #nextMessage(): OutgoingImMessage {
    const token = ++this.#token;
    const prefix = `[im:${token}] `;
    const size = Math.max(prefix.length, this.#size());
    const filler = FILLER.repeat(Math.ceil(size / FILLER.length));
    this.#inFlight.set(token, performance.now());
    return plainText(prefix + filler.slice(0, size - prefix.length));
  }

  /** The next message after `messageInterval`, typing announced first (IM.md §4). */
  #scheduleNext(iteration: ImIteration): void {
    iteration.timer = this.#ctx.wheel.schedule(this.#interval(), () => {
      iteration.timer = undefined;
      const session = iteration.session!;
      session.typing("type");
      session.send(this.#nextMessage());
    });
  }

  /** A message of an iteration's session was answered (2xx) or given up. */
  #answered(iteration: ImIteration, delivered: boolean): void {
    if (delivered) iteration.delivered++;
    else iteration.undelivered++;
    const session = iteration.session!;
    // A session that failed or is ending ends the iteration from onEnded.
    if (session.state !== "established") return;
    if (iteration.delivered + iteration.undelivered < iteration.total) {
      this.#scheduleNext(iteration);
    } else session.hangup();
  }

  #ended(iteration: ImIteration, session: ImSession): void {
    if (iteration.delivered === iteration.total) return this.#finish(iteration, { ok: true });
    const status = session.failureStatus === 0 ? undefined : session.failureStatus;
    this.#finish(iteration, {
      ok: false,
      status,
      reason: iteration.delivered === 0 && iteration.undelivered === 0
        ? `IM session to ${session.peer} failed${status === undefined ? "" : ` (${status})`}`
        : `${iteration.total - iteration.delivered} of ${iteration.total} messages undelivered`,
    });
  }

  #finish(iteration: ImIteration, outcome: IterationOutcome): void {
    if (iteration.finished) return;
    iteration.finished = true;
    if (iteration.timer !== undefined) this.#ctx.wheel.cancel(iteration.timer);
    this.#iterations.delete(iteration);
    const session = iteration.session;
    if (session !== undefined) {
      this.#bySession.delete(session);
      if (this.#sessions.has(session)) session.hangup();
    }
    iteration.done(outcome);
  }

  #view(name: string): UserView {
    let view = this.#byUser.get(name);
    if (view !== undefined) {
      this.#byUser.delete(name);
    } else view = { endpoint: undefined, session: undefined };
    this.#byUser.set(name, view);
    if (this.#byUser.size > IDLE_USERS_KEPT + this.#iterations.size) {
      const oldest = this.#byUser.keys().next().value;
      if (oldest !== undefined && oldest !== name) this.#byUser.delete(oldest);
    }
    return view;
  }

  readonly #listener: ImListener<ImSession> = {
    onSession: (session) => {
      this.#sessions.add(session);
    },
    onMessage: (_session, message) => {
      const token = TOKEN.exec(message.text);
      if (token === null) return;
      const sentAt = this.#inFlight.get(Number(token[1]));
      if (sentAt === undefined) return;
      this.#inFlight.delete(Number(token[1]));
      this.#ctx.metrics.latency("im_delivery_time").record(performance.now() - sentAt);
    },
    onDelivery: (session, message, delivered) => {
      if (!delivered) {
        const token = TOKEN.exec(message.body);
        if (token !== null) this.#inFlight.delete(Number(token[1]));
      }
      const iteration = this.#bySession.get(session);
      if (iteration !== undefined) this.#answered(iteration, delivered);
    },
    onEnded: (session) => {
      this.#sessions.delete(session);
      const iteration = this.#bySession.get(session);
      if (iteration !== undefined) this.#ended(iteration, session);
    },
  };

  readonly #imMetrics: ImMetricsSink = {
    sessionEstablished: () => {},
    sessionFailed: (status) =>
      this.#ctx.metrics.counter("im_session_failures", "IM sessions whose INVITE failed.")
        .inc({ status: String(status) }),
    messageDelivered: () => {},
    messageFailed: (status) =>
      this.#ctx.metrics.counter("im_message_failures", "IM messages not delivered.")
        .inc({ status: String(status) }),
    refused: () => {},
    sessionEnded: () => {},
  };
}

/** The factory of `im` workloads. */
export function imWorkload(): WorkloadFactory {
  return {
    kind: "im",
    async create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver> {
      if (workload.kind !== "im") throw new Error(`im factory got a '${workload.kind}' workload`);
      const driver = new ImDriver(ctx, workload);
      driver.pool = await SignedInPool.open(ctx, workload, (endpoint) => driver.host(endpoint));
      return driver;
    },
  };
}
