/**
 * Users signed in once and kept signed in, for the workloads that act as signed-in Lync users
 * (`im`, `presence`): one {@link LyncClient} (the sign-in workload's, see
 * `startWorkloadClient`), at most one endpoint per user, `signIn` resolving once that endpoint
 * is online. The first time an endpoint comes online the workload's `host` callback gives it its
 * agents (IM, presence) through `endpoint.session()` and `endpoint.setHandler`. A user whose
 * endpoint ended (signed out, failed) signs in afresh next time. Sign-in time goes to
 * `sign_in_time`, failures to `sign_in_failures` by kind, as in the sign-in workload.
 *
 * @example
 * ```ts
 * const pool = await SignedInPool.open(ctx, { name: "im" }, (endpoint) => hostIm(endpoint));
 * const signedIn = await pool.signIn(user);
 * if (signedIn.ok) signedIn.endpoint.session();
 * ```
 *
 * @module
 */
import type { IterationOutcome, MachineStateCounts, RunContext } from "../lab/runner/workload.ts";
import type { LyncClient } from "./client/lync_client.ts";
import { type LyncAccount, type LyncEndpoint, SIGN_IN_MACHINE } from "./client/lync_endpoint.ts";
import {
  type ClientWorkloadSettings,
  signInFailureOutcome,
  startWorkloadClient,
} from "./signin_workload.ts";

/** What `signIn` resolves with: the online endpoint, or the failed iteration it stands for. */
export type SignInResult =
  | { readonly ok: true; readonly endpoint: LyncEndpoint }
  | { readonly ok: false; readonly outcome: IterationOutcome };

/** See the module documentation. */
export class SignedInPool {
  client!: LyncClient;
  readonly #ctx: RunContext;
  readonly #host: (endpoint: LyncEndpoint) => void;
  readonly #byUser = new Map<string, LyncEndpoint>();
  readonly #online = new Set<LyncEndpoint>();
  readonly #waiting = new Map<LyncEndpoint, Array<(result: SignInResult) => void>>();
  #stopped = false;

  private constructor(ctx: RunContext, host: (endpoint: LyncEndpoint) => void) {
    this.#ctx = ctx;
    this.#host = host;
  }

  /** A pool whose users sign in as the workload `settings` says; `host` equips each endpoint. */
  static async open(
    ctx: RunContext,
    settings: ClientWorkloadSettings,
    host: (endpoint: LyncEndpoint) => void,
  ): Promise<SignedInPool> {
    const pool = new SignedInPool(ctx, host);
    pool.client = await startWorkloadClient(ctx, settings, {
      online: (endpoint, ms) => pool.#wentOnline(endpoint, ms),
      failed: (_endpoint, failure) =>
        ctx.metrics.counter("sign_in_failures", "Sign-ins that failed, by kind.")
          .inc({ kind: failure.kind }),
      ended: (endpoint) => pool.#ended(endpoint),
    });
    return pool;
  }

  /** Users signed in now. */
  get size(): number {
    return this.#online.size;
  }

  /** The online endpoint of the user named `name`, if any. */
  endpointOf(name: string): LyncEndpoint | undefined {
    const endpoint = this.#byUser.get(name);
    return endpoint !== undefined && this.#online.has(endpoint) ? endpoint : undefined;
  }

  /** True when the user named `name` is signed in now. */
  isSignedIn(name: string): boolean {
    return this.endpointOf(name) !== undefined;
  }

  /** Signs `account` in unless its endpoint is already online or on its way. */
  signIn(account: LyncAccount): Promise<SignInResult> {
    if (this.#stopped) {
      return Promise.resolve({ ok: false, outcome: { ok: false, reason: "stopped" } });
    }
    let endpoint = this.#byUser.get(account.name);
    if (endpoint !== undefined && this.#online.has(endpoint)) {
      return Promise.resolve({ ok: true, endpoint });
    }
    if (endpoint === undefined || endpoint.done) {
      endpoint = this.client.signIn({
        name: account.name,
        aor: account.aor,
        domain: account.domain,
        password: account.password,
        displayName: account.displayName,
      });
      this.#byUser.set(account.name, endpoint);
    }
    const waiting = this.#waiting.get(endpoint) ?? [];
    this.#waiting.set(endpoint, waiting);
    return new Promise((resolve) => waiting.push(resolve));
  }

  /**
   * Signs the user named `name` out (REGISTER Expires: 0); its next `signIn` makes a new
   * endpoint.
   */
  signOut(name: string): void {
    const endpoint = this.#byUser.get(name);
    if (endpoint === undefined) return;
    this.#byUser.delete(name);
    this.#online.delete(endpoint);
    endpoint.signOut();
  }

  /** Endpoints per sign-in chart state. */
  stateCounts(): MachineStateCounts {
    return { [SIGN_IN_MACHINE]: this.client.stateCounts() };
  }

  /** Signs everyone out (graceful) or drops them; pending `signIn`s resolve as stopped. */
  async stop(options: { graceful: boolean }): Promise<void> {
    this.#stopped = true;
    await this.client.stop({ graceful: options.graceful });
    for (const [endpoint, waiting] of this.#waiting) {
      this.#waiting.delete(endpoint);
      for (const resolve of waiting) {
        resolve({ ok: false, outcome: { ok: false, reason: "stopped" } });
      }
    }
    this.#online.clear();
  }

  #wentOnline(endpoint: LyncEndpoint, signInMs: number | undefined): void {
    if (signInMs === undefined) return;
    this.#ctx.metrics.latency("sign_in_time").record(signInMs);
    this.#online.add(endpoint);
    this.#host(endpoint);
    const waiting = this.#waiting.get(endpoint) ?? [];
    this.#waiting.delete(endpoint);
    for (const resolve of waiting) resolve({ ok: true, endpoint });
  }

  #ended(endpoint: LyncEndpoint): void {
    this.#online.delete(endpoint);
    if (this.#byUser.get(endpoint.account.name) === endpoint) {
      this.#byUser.delete(endpoint.account.name);
    }
    const waiting = this.#waiting.get(endpoint) ?? [];
    this.#waiting.delete(endpoint);
    const outcome: IterationOutcome = endpoint.failure === undefined
      ? { ok: false, reason: `${endpoint.account.name} signed out` }
      : signInFailureOutcome(endpoint.failure);
    for (const resolve of waiting) resolve({ ok: false, outcome });
  }
}
