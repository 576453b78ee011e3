/**
 * The `presence` workload (issue 4): each iteration is one presence session of a signed-in
 * user (MS-PRES enhanced presence) lasting `sessionTime`:
 *
 * 1. the user signs in like a Lync client (the sign-in workload's client, see
 *    `startWorkloadClient`; a user already signed in by an earlier iteration reuses its
 *    endpoint);
 * 2. it publishes its endpoint's machine state (available) and its user state, one of `states`,
 *    in one SERVICE (MS-PRES.md §4.1, container 2 — the aggregation container the server's
 *    aggregation script reads, §5 item 3);
 * 3. with `subscribeContacts`, it subscribes to its whole contact list in one batched SUBSCRIBE
 *    (Event: presence, `application/msrtc-adrl-categorylist+xml` to its own URI, MS-PRES.md
 *    §4.4; the endpoint's core offers `ms-benotify` and `eventlist` in Supported, MS-SIP §3.5),
 *    and takes the NOTIFY / BENOTIFY that follow;
 * 4. every `publishInterval` it publishes a user state different from the last (when `states`
 *    has more than one), with the version the server last gave (a 409 version fault is retried
 *    once with the server's `curVersion`, MS-PRES.md §4.2);
 * 5. after `sessionTime` it signs out (REGISTER Expires: 0): the server drops its endpoint's
 *    state and its subscriptions, and its watchers hear it went offline.
 *
 * Measured (publishers and watchers are in this process): `presence_fanout_delay`, SERVICE sent
 * → notification received, per watcher, and `presence_fanout_complete` per publication, see
 * {@link FanoutProbe}. A refused SERVICE or SUBSCRIBE fails the iteration with its status and
 * ms-diagnostics.
 *
 * @example
 * ```ts
 * const factories = [presenceWorkload()];
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
  createSampler,
  deriveSeed,
  type PresenceState,
  type PresenceWorkload,
  Xoshiro128,
} from "../lab/scenario/mod.ts";
import { readDiagnostics } from "../lab/protocols/ocer/mod.ts";
import {
  AVAILABILITY,
  type CategoriesDocument,
  formatBatchSubscribe,
  formatCategoryPublish,
  parseBatchedNotify,
  parseEventCategories,
  parseVersionFault,
  PRES_CONTENT_TYPES,
  type Publication,
  stateElement,
} from "../lab/protocols/pres/mod.ts";
import { Dialog } from "../lab/sip/dialog/mod.ts";
import type { SipRequest, SipResponse } from "../lab/sip/message/mod.ts";
import type { TimerHandle } from "../lab/sip/timer/mod.ts";
import type { EndpointSession } from "./client/endpoint_session.ts";
import { type LyncEndpoint, SIGN_IN_MACHINE } from "./client/lync_endpoint.ts";
import { fanoutMetrics, FanoutProbe } from "./presence_fanout_probe.ts";
import { SignedInPool } from "./signed_in_pool.ts";

/** The availability a user state stands for (MS-PRES §3.7.5.5, as clients publish them). */
const STATE_AVAILABILITY: Readonly<Record<PresenceState, number>> = {
  "online": AVAILABILITY.available,
  "busy": AVAILABILITY.busy,
  "do-not-disturb": AVAILABILITY.doNotDisturb,
  "be-right-back": AVAILABILITY.beRightBack,
  "away": AVAILABILITY.away,
  "offline": AVAILABILITY.offline,
};
/** MS-PRES.md §5 item 3: the aggregation container the state instances go to. */
const AGGREGATION_CONTAINER = 2;
/** Instance ids of the two state instances (any uint32 is accepted, MS-PRES.md §3). */
const MACHINE_STATE_INSTANCE = 1;
const USER_STATE_INSTANCE = 0x20000000;
/** Seconds the contact subscription asks for: longer than any session, ended by sign-out. */
const SUBSCRIPTION_EXPIRES = 3600;
/** Users kept for the drill-down besides those in a session. */
const IDLE_USERS_KEPT = 2000;

/** One presence session. */
interface PresenceIteration {
  readonly user: PopulationUser;
  readonly done: (outcome: IterationOutcome) => void;
  endpoint: LyncEndpoint | undefined;
  /** The last user state published. */
  state: PresenceState | undefined;
  /** Versions the server last gave, by instance key (MS-PRES.md §4.2). */
  readonly versions: Map<string, number>;
  publishTimer: TimerHandle | undefined;
  endTimer: TimerHandle | undefined;
  finished: boolean;
}

class PresenceDriver implements WorkloadDriver {
  pool!: SignedInPool;
  readonly probe: FanoutProbe;
  readonly #ctx: RunContext;
  readonly #workload: PresenceWorkload;
  readonly #random: Xoshiro128;
  readonly #interval: () => number;
  readonly #sessionTime: () => number;
  readonly #iterations = new Set<PresenceIteration>();
  readonly #byUser = new Map<string, LyncEndpoint | undefined>();
  #stopped = false;

  constructor(ctx: RunContext, workload: PresenceWorkload) {
    this.#ctx = ctx;
    this.#workload = workload;
    this.probe = new FanoutProbe(fanoutMetrics(() => ctx.metrics));
    const stream = (label: string) =>
      Xoshiro128.fromSeed(deriveSeed(ctx.scenario.seed, "workload", workload.name, label));
    this.#random = stream("states");
    this.#interval = createSampler(workload.publishInterval, stream("publish"));
    this.#sessionTime = createSampler(workload.sessionTime, stream("session"));
  }

  get active(): number {
    return this.#iterations.size;
  }

  stateCounts(): MachineStateCounts {
    return this.pool.stateCounts();
  }

  readonly users: UserActivitySource = {
    inspect: (id: string): UserActivity | undefined => {
      if (!this.#byUser.has(id)) return undefined;
      const endpoint = this.#byUser.get(id);
      return {
        id,
        machine: SIGN_IN_MACHINE,
        state: endpoint?.state ?? "signingIn",
        recent: {
          transactions: (endpoint?.recent ?? []).map((t) => ({ ...t })),
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

  /** A newly signed-in endpoint takes its notifications (NOTIFY answered 200, BENOTIFY never). */
  host(endpoint: LyncEndpoint): void {
    const session = endpoint.session();
    const watcher = endpoint.account.aor;
    endpoint.setHandler({
      onRequest: (tx, request) => {
        if (request.method === "NOTIFY" || request.method === "BENOTIFY") {
          this.#notified(watcher, request);
        }
        // MS-SIP §3.5: a BENOTIFY is never answered (the session core also refuses to).
        if (request.method === "BENOTIFY") return;
        const status = request.method === "NOTIFY" || request.method === "OPTIONS" ? 200 : 488;
        session.core.respond(tx, session.core.createResponse(request, status));
      },
    });
    this.#remember(endpoint.account.name, endpoint);
  }

  startIteration(user: PopulationUser, done: (outcome: IterationOutcome) => void): void {
    if (this.#stopped) return;
    const iteration: PresenceIteration = {
      user,
      done,
      endpoint: undefined,
      state: undefined,
      versions: new Map(),
      publishTimer: undefined,
      endTimer: undefined,
      finished: false,
    };
    this.#iterations.add(iteration);
    this.#remember(user.name, this.pool.endpointOf(user.name));
    void this.#run(iteration);
  }

  async stop(options: { graceful: boolean }): Promise<void> {
    this.#stopped = true;
    for (const iteration of [...this.#iterations]) {
      this.#finish(iteration, { ok: false, reason: "stopped" });
    }
    await this.pool.stop({ graceful: options.graceful });
  }

  async #run(iteration: PresenceIteration): Promise<void> {
    const signedIn = await this.pool.signIn(iteration.user);
    if (iteration.finished) return;
    if (!signedIn.ok) return this.#finish(iteration, signedIn.outcome);
    const endpoint = signedIn.endpoint;
    iteration.endpoint = endpoint;
    const session = endpoint.session();
    iteration.endTimer = this.#ctx.wheel.schedule(this.#sessionTime(), () => {
      iteration.endTimer = undefined;
      this.#finish(iteration, { ok: true });
    });
    // The endpoint's machine state and the user's chosen state, together.
    const published = await this.#publish(iteration, session, true);
    if (iteration.finished) return;
    if (!published.ok) return this.#finish(iteration, published);
    if (this.#workload.subscribeContacts && iteration.user.contacts.length > 0) {
      const subscribed = await this.#subscribeContacts(iteration, session);
      if (iteration.finished) return;
      if (!subscribed.ok) return this.#finish(iteration, subscribed);
    }
    this.#schedulePublish(iteration, session);
  }

  #schedulePublish(iteration: PresenceIteration, session: EndpointSession): void {
    iteration.publishTimer = this.#ctx.wheel.schedule(this.#interval(), async () => {
      iteration.publishTimer = undefined;
      const published = await this.#publish(iteration, session, false);
      if (iteration.finished) return;
      if (!published.ok) return this.#finish(iteration, published);
      this.#schedulePublish(iteration, session);
    });
  }

  /** SERVICE with the state publications; one retry after a 409 version fault. */
  async #publish(
    iteration: PresenceIteration,
    session: EndpointSession,
    withMachineState: boolean,
  ): Promise<IterationOutcome> {
    iteration.state = this.#nextState(iteration.state);
    const contents: Array<[number, string, number]> = [
      [USER_STATE_INSTANCE, "userState", STATE_AVAILABILITY[iteration.state]],
    ];
    if (withMachineState) {
      contents.unshift([MACHINE_STATE_INSTANCE, "machineState", AVAILABILITY.available]);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const publications: Publication[] = contents.map(([instance, type, availability]) => ({
        categoryName: "state",
        instance,
        container: AGGREGATION_CONTAINER,
        version: iteration.versions.get(instanceKey(instance)) ?? 0,
        // The machine state lives as long as the endpoint; the user's choice outlives it.
        expireType: type === "machineState" ? "endpoint" : "user",
        content: stateElement(type, availability, { manual: type === "userState" }),
      }));
      this.probe.published(session.aor);
      const response = await this.#send(session, "SERVICE", session.aor, {
        body: formatCategoryPublish({ uri: session.aor, publications }),
        contentType: PRES_CONTENT_TYPES.categoryPublish,
      });
      if (iteration.finished) return { ok: true };
      if (response === undefined) return CONNECTION_LOST;
      if (response.status < 300) {
        for (const p of publications) {
          iteration.versions.set(instanceKey(p.instance), p.version + 1);
        }
        return { ok: true };
      }
      if (response.status !== 409 || attempt > 0) return failure("SERVICE", response);
      // MS-PRES.md §4.2: the fault lists each stale publication with the server's version.
      const fault = parseVersionFault(new TextDecoder().decode(response.body));
      for (const operation of fault.operations) {
        const p = publications[operation.index - 1];
        if (p !== undefined) iteration.versions.set(instanceKey(p.instance), operation.curVersion);
      }
    }
    return { ok: false, reason: "publication kept conflicting" };
  }

  /** MS-PRES.md §4.4: one batched SUBSCRIBE to the user's own URI listing every contact. */
  async #subscribeContacts(
    iteration: PresenceIteration,
    session: EndpointSession,
  ): Promise<IterationOutcome> {
    if (!session.connected) return CONNECTION_LOST;
    const contacts = iteration.user.contacts.map((p) => this.#ctx.population.user(p).aor);
    const request = session.core.createRequest("SUBSCRIBE", {
      to: `<${session.aor}>`,
      from: `<${session.aor}>;epid=${session.epid}`,
      requestUri: session.aor,
      headers: [
        ["Event", "presence"],
        ["Expires", String(SUBSCRIPTION_EXPIRES)],
        [
          "Accept",
          `${PRES_CONTENT_TYPES.eventCategories}, multipart/related, application/rlmi+xml`,
        ],
      ],
      body: formatBatchSubscribe({
        uri: session.aor,
        action: "subscribe",
        id: String(Date.now() % 1_000_000),
        resources: contacts.map((uri) => ({ uri, context: false })),
        categories: ["state"],
      }),
      contentType: PRES_CONTENT_TYPES.batchSubscribe,
    });
    const response = await new Promise<SipResponse>((resolve) =>
      session.core.request(request, session.outbound, {
        onFinal: (answer) => {
          if (answer.status < 300) {
            // RFC 6665 §4.1.2.1: the 2xx makes the subscription's dialog.
            session.core.dialogs.add(Dialog.fromUacResponse(request, answer));
          }
          resolve(answer);
        },
      })
    );
    if (response.status >= 300) return failure("SUBSCRIBE", response);
    this.probe.watch(session.aor, contacts);
    return { ok: true };
  }

  /** A notification at `watcher`: every publisher whose state it carries was heard of. */
  #notified(watcher: string, request: SipRequest): void {
    const contentType = request.header("content-type") ?? "";
    const text = new TextDecoder().decode(request.body);
    let documents: CategoriesDocument[];
    try {
      documents = /^multipart\//i.test(contentType)
        ? parseBatchedNotify(contentType, text).parts.map((p) => p.categories)
        : contentType.startsWith(PRES_CONTENT_TYPES.eventCategories)
        ? [parseEventCategories(text)]
        : [];
    } catch {
      this.#ctx.metrics.counter(
        "presence_notify_unreadable",
        "Presence notifications whose body did not parse.",
      ).inc();
      return;
    }
    for (const document of documents) {
      if (document.categories.some((c) => c.name === "state")) {
        this.probe.notified(watcher, document.uri);
      }
    }
  }

  #send(
    session: EndpointSession,
    method: string,
    target: string,
    opts: { body: string; contentType: string },
  ): Promise<SipResponse | undefined> {
    // MS-CONMGMT: a dropped connection is re-established by the client; until then the request
    // cannot leave, and the iteration fails as "connection lost".
    if (!session.connected) return Promise.resolve(undefined);
    const request = session.core.createRequest(method, {
      to: `<${target}>`,
      from: `<${session.aor}>;epid=${session.epid}`,
      requestUri: target,
      ...opts,
    });
    return new Promise((resolve) =>
      session.core.request(request, session.outbound, { onFinal: resolve })
    );
  }

  /** A state from `states`, other than the last one when there is a choice. */
  #nextState(last: PresenceState | undefined): PresenceState {
    const states = this.#workload.states;
    const choices = states.length > 1 ? states.filter((s) => s !== last) : states;
    return choices[Math.floor(this.#random.next() * choices.length)];
  }

  /** The session ends: timers disarmed, the user signs out (its watchers hear it). */
  #finish(iteration: PresenceIteration, outcome: IterationOutcome): void {
    if (iteration.finished) return;
    iteration.finished = true;
    if (iteration.publishTimer !== undefined) this.#ctx.wheel.cancel(iteration.publishTimer);
    if (iteration.endTimer !== undefined) this.#ctx.wheel.cancel(iteration.endTimer);
    this.#iterations.delete(iteration);
    if (iteration.endpoint !== undefined) {
      this.probe.unwatch(iteration.endpoint.account.aor);
      if (!this.#stopped) this.pool.signOut(iteration.user.name);
    }
    iteration.done(outcome);
  }

  #remember(name: string, endpoint: LyncEndpoint | undefined): void {
    this.#byUser.delete(name);
    this.#byUser.set(name, endpoint);
    if (this.#byUser.size > IDLE_USERS_KEPT + this.#iterations.size) {
      const oldest = this.#byUser.keys().next().value;
      if (oldest !== undefined && oldest !== name) this.#byUser.delete(oldest);
    }
  }
}

function instanceKey(instance: number): string {
  return `state/${instance}/${AGGREGATION_CONTAINER}`;
}

/** The failed iteration of an endpoint without a connection to its home server. */
const CONNECTION_LOST: IterationOutcome = { ok: false, reason: "connection to the front end lost" };

/** The failed iteration a refused request stands for (status and ms-diagnostics). */
function failure(method: string, response: SipResponse): IterationOutcome {
  const diagnostics = readDiagnostics(response);
  return {
    ok: false,
    status: response.status,
    reason: `${method} refused: ${response.status} ${response.reason}`,
    diagnostics: diagnostics === undefined ? undefined : {
      code: [diagnostics.errorId, ...diagnostics.subErrorIds].join("."),
      reason: diagnostics.reason,
    },
  };
}

/** The factory of `presence` workloads. */
export function presenceWorkload(): WorkloadFactory {
  return {
    kind: "presence",
    async create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver> {
      if (workload.kind !== "presence") {
        throw new Error(`presence factory got a '${workload.kind}' workload`);
      }
      const driver = new PresenceDriver(ctx, workload);
      driver.pool = await SignedInPool.open(ctx, workload, (endpoint) => driver.host(endpoint));
      return driver;
    },
  };
}
