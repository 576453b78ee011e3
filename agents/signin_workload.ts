/**
 * The `sign-in` workload (issue 3): each iteration one simulated user signs in like a Lync
 * client — its own TLS (or TCP) connection to the front end, the MS-SIPAE handshake (NTLM by
 * default), the signed REGISTER and the provisioning SUBSCRIBE — stays signed in for the
 * scenario's `stayTime`, then signs out (`signOut: true`, REGISTER Expires: 0) or stays
 * registered (refreshing, keep-alives) until the run stops. One {@link LyncClient} serves every
 * user of the workload (agents/client). Sign-in time goes to `sign_in_time`; failures are counted
 * in `sign_in_failures` by kind and end the iteration with their status and ms-diagnostics.
 *
 * @example
 * ```ts
 * const factories = [signInWorkload()];
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
  type AuthScheme,
  createSampler,
  deriveSeed,
  type SignInWorkload,
  Xoshiro128,
} from "../lab/scenario/mod.ts";
import type { TimerHandle } from "../lab/sip/timer/mod.ts";
import {
  type AuthChoice,
  LyncClient,
  type LyncClientEvents,
  type ServerChoice,
} from "./client/lync_client.ts";
import { type LyncEndpoint, SIGN_IN_MACHINE } from "./client/lync_endpoint.ts";
import { describeFailure, type SignInFailure } from "./client/sign_in_failure.ts";
import { labTlsMaterial } from "./lab_trust.ts";

/** Users kept for the drill-down besides those signed in. */
const IDLE_USERS_KEPT = 2000;

/** What an iteration waits on. */
interface Iteration {
  readonly user: PopulationUser;
  readonly endpoint: LyncEndpoint;
  readonly done: (outcome: IterationOutcome) => void;
  stay: TimerHandle | undefined;
  finished: boolean;
}

class SignInDriver implements WorkloadDriver {
  client!: LyncClient;
  readonly #ctx: RunContext;
  readonly #workload: SignInWorkload;
  readonly #stay: () => number;
  readonly #iterations = new Map<LyncEndpoint, Iteration>();
  /** Last endpoint of each user, newest last (Map order), for the drill-down. */
  readonly #byUser = new Map<string, LyncEndpoint>();
  #stopped = false;

  constructor(ctx: RunContext, workload: SignInWorkload) {
    this.#ctx = ctx;
    this.#workload = workload;
    const random = Xoshiro128.fromSeed(
      deriveSeed(ctx.scenario.seed, "workload", workload.name, "stay"),
    );
    this.#stay = createSampler(workload.stayTime, random);
  }

  get active(): number {
    return this.#iterations.size;
  }

  stateCounts(): MachineStateCounts {
    return { [SIGN_IN_MACHINE]: this.client.stateCounts() };
  }

  readonly users: UserActivitySource = {
    inspect: (id: string): UserActivity | undefined => {
      const endpoint = this.#byUser.get(id);
      if (endpoint === undefined) return undefined;
      return {
        id,
        machine: SIGN_IN_MACHINE,
        state: endpoint.state,
        recent: {
          transactions: endpoint.recent.map((t) => ({ ...t })),
          messages: [],
        },
      };
    },
    list: (limit: number): readonly string[] => {
      const busy: string[] = [];
      const idle: string[] = [];
      for (const [id, endpoint] of [...this.#byUser].reverse()) {
        (this.#iterations.has(endpoint) ? busy : idle).push(id);
      }
      return [...busy, ...idle].slice(0, limit);
    },
  };

  startIteration(user: PopulationUser, done: (outcome: IterationOutcome) => void): void {
    if (this.#stopped) return;
    const endpoint = this.client.signIn({
      name: user.name,
      aor: user.aor,
      domain: user.domain,
      password: user.password,
      displayName: user.displayName,
    });
    this.#iterations.set(endpoint, { user, endpoint, done, stay: undefined, finished: false });
    this.#remember(user.name, endpoint);
  }

  /** First sign-in of an endpoint: record it, stay, then sign out or leave it registered. */
  online(endpoint: LyncEndpoint, signInMs: number | undefined): void {
    if (signInMs !== undefined) this.#ctx.metrics.latency("sign_in_time").record(signInMs);
    const iteration = this.#iterations.get(endpoint);
    if (iteration === undefined || signInMs === undefined) return;
    iteration.stay = this.#ctx.wheel.schedule(this.#stay(), () => {
      iteration.stay = undefined;
      if (this.#workload.signOut) endpoint.signOut();
      else this.#finish(iteration, { ok: true });
    });
  }

  failed(endpoint: LyncEndpoint): void {
    const failure = endpoint.failure!;
    this.#ctx.metrics.counter("sign_in_failures", "Sign-ins that failed, by kind.")
      .inc({ kind: failure.kind });
  }

  ended(endpoint: LyncEndpoint): void {
    const iteration = this.#iterations.get(endpoint);
    if (iteration === undefined) return;
    const failure = endpoint.failure;
    if (endpoint.state === "signedOut" || failure === undefined) {
      this.#finish(iteration, { ok: true });
      return;
    }
    this.#finish(iteration, signInFailureOutcome(failure));
  }

  async stop(options: { graceful: boolean }): Promise<void> {
    this.#stopped = true;
    for (const iteration of this.#iterations.values()) {
      if (iteration.stay !== undefined) this.#ctx.wheel.cancel(iteration.stay);
    }
    await this.client.stop({ graceful: options.graceful });
    for (const iteration of [...this.#iterations.values()]) {
      this.#finish(iteration, { ok: false, reason: "stopped" });
    }
  }

  #finish(iteration: Iteration, outcome: IterationOutcome): void {
    if (iteration.finished) return;
    iteration.finished = true;
    if (iteration.stay !== undefined) this.#ctx.wheel.cancel(iteration.stay);
    this.#iterations.delete(iteration.endpoint);
    iteration.done(outcome);
  }

  #remember(id: string, endpoint: LyncEndpoint): void {
    this.#byUser.delete(id);
    this.#byUser.set(id, endpoint);
    if (this.#byUser.size <= IDLE_USERS_KEPT + this.#iterations.size) return;
    for (const [oldId, old] of this.#byUser) {
      if (this.#byUser.size <= IDLE_USERS_KEPT + this.#iterations.size) break;
      if (!this.#iterations.has(old)) this.#byUser.delete(oldId);
    }
  }
}

/**
 * What a workload whose users sign in like Lync clients (`sign-in`, `im`, `presence`) says about
 * their client: its name (for errors), and optionally the authentication scheme, MS-SIPCOMP and
 * the registration lifetime asked for.
 */
export interface ClientWorkloadSettings {
  readonly name: string;
  readonly auth?: Exclude<AuthScheme, "none">;
  readonly compression?: boolean;
  readonly expiresMs?: number;
}

/**
 * The {@link LyncClient} a workload's users sign in with, aimed at the scenario's target: the
 * lab front end (TLS with the lab CA, or TCP) or an external server, with NTLM by default (the
 * target's scheme on an external one). Shared by the `sign-in`, `im` and `presence` workloads.
 *
 * @example
 * ```ts
 * const client = await startWorkloadClient(ctx, { name: "im" }, {
 *   online: (endpoint, ms) => console.log(endpoint.account.name, ms),
 * });
 * ```
 */
export async function startWorkloadClient(
  ctx: RunContext,
  settings: ClientWorkloadSettings,
  events: LyncClientEvents,
): Promise<LyncClient> {
  const target = await signInTarget(ctx, settings);
  return LyncClient.start({
    server: target.server,
    caCerts: target.caCerts,
    auth: target.auth,
    wheel: ctx.wheel,
    compression: settings.compression ?? false,
    expiresSeconds: Math.max(1, Math.round((settings.expiresMs ?? 3_600_000) / 1000)),
    metrics: { transaction: ctx.metrics, transport: ctx.metrics },
    events,
  });
}

/**
 * The failed iteration a sign-in failure stands for: its status, a few words and the server's
 * ms-diagnostics (MS-OCER §2.2.1).
 *
 * @example
 * ```ts
 * done(signInFailureOutcome(endpoint.failure!)); // { ok: false, status: 401, diagnostics: … }
 * ```
 */
export function signInFailureOutcome(failure: SignInFailure): IterationOutcome {
  return {
    ok: false,
    status: failure.status,
    reason: describeFailure(failure),
    diagnostics: failure.diagnosticsId === undefined
      ? undefined
      : { code: String(failure.diagnosticsId), reason: failure.diagnosticsReason },
  };
}

/** Where the workload's users sign in, and how they authenticate and trust the server. */
async function signInTarget(
  ctx: RunContext,
  workload: ClientWorkloadSettings,
): Promise<{ server: ServerChoice; caCerts?: string[]; auth: AuthChoice }> {
  const target = ctx.scenario.target;
  let protocol: "tls" | "tcp";
  let host: string;
  let port: number;
  let caCerts: string[] | undefined;
  let scheme: AuthScheme = workload.auth ?? "ntlm";
  if (target.kind === "lab") {
    const frontend = ctx.labAgents?.addresses["frontend"];
    if (!frontend) {
      throw new Error(`workload '${workload.name}': the lab target starts no frontend agent`);
    }
    protocol = transportOf(workload.name, frontend.protocol);
    ({ host, port } = frontend);
    if (protocol === "tls") caCerts = [(await labTlsMaterial(host)).caPem!];
  } else {
    protocol = transportOf(workload.name, target.transport);
    ({ host, port } = target);
    scheme = workload.auth ?? target.auth.scheme;
    if (protocol === "tls" && target.tls.kind === "ca") {
      caCerts = [await Deno.readTextFile(target.tls.caFile)];
    } else if (protocol === "tls" && target.tls.kind === "insecure") {
      throw new Error(
        "target.tls: insecure is not supported: Deno verifies server certificates; " +
          "give the server's CA with tls: { ca: <file> }",
      );
    }
  }
  return { server: { kind: "direct", protocol, host, port }, caCerts, auth: authOf(scheme) };
}

/** MS-CONMGMT §2.1: all SIP traffic over TCP, TLS on top optional. */
function transportOf(workload: string, protocol: string): "tls" | "tcp" {
  if (protocol === "tls" || protocol === "tcp") return protocol;
  throw new Error(
    `workload '${workload}': sign-in runs over tls or tcp (MS-CONMGMT), not ${protocol}`,
  );
}

function authOf(scheme: AuthScheme): AuthChoice {
  switch (scheme) {
    case "ntlm":
    case "digest":
      return scheme;
    default:
      throw new Error(
        `sign-in auth '${scheme}' is not available in this build (ntlm, digest)`,
      );
  }
}

/** The factory of `sign-in` workloads. */
export function signInWorkload(): WorkloadFactory {
  return {
    kind: "sign-in",
    async create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver> {
      if (workload.kind !== "sign-in") {
        throw new Error(`sign-in factory got a '${workload.kind}' workload`);
      }
      const driver = new SignInDriver(ctx, workload);
      driver.client = await startWorkloadClient(ctx, workload, {
        online: (endpoint, ms) => driver.online(endpoint, ms),
        failed: (endpoint) => driver.failed(endpoint),
        ended: (endpoint) => driver.ended(endpoint),
      });
      return driver;
    },
  };
}
