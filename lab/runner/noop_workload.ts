/**
 * The `noop` workload: sends nothing; each iteration only lasts its `duration` (0 s: it ends
 * on the next microtask). Tests and the runner-overhead bench use it to measure the runner
 * itself.
 *
 * @module
 */

import type { NoopWorkload } from "../scenario/mod.ts";
import type { TimerHandle, TimerWheel } from "../sip/timer/mod.ts";
import { UserSampler } from "./user_sampler.ts";
import type {
  IterationOutcome,
  PopulationUser,
  RunContext,
  RunnableWorkload,
  WorkloadDriver,
  WorkloadFactory,
} from "./workload.ts";

const OK: IterationOutcome = { ok: true };

class NoopDriver implements WorkloadDriver {
  readonly #wheel: TimerWheel;
  readonly #duration: UserSampler;
  readonly #timers = new Set<TimerHandle>();
  #active = 0;
  #stopped = false;

  constructor(wheel: TimerWheel, workload: NoopWorkload) {
    this.#wheel = wheel;
    this.#duration = new UserSampler(workload.duration);
  }

  get active(): number {
    return this.#active;
  }

  startIteration(user: PopulationUser, done: (outcome: IterationOutcome) => void): void {
    if (this.#stopped) return;
    this.#active++;
    const ms = this.#duration.sample(user);
    if (ms <= 0) {
      queueMicrotask(() => this.#finish(done));
      return;
    }
    const timer = this.#wheel.schedule(ms, () => {
      this.#timers.delete(timer);
      this.#finish(done);
    });
    this.#timers.add(timer);
  }

  #finish(done: (outcome: IterationOutcome) => void): void {
    if (this.#stopped) return;
    this.#active--;
    done(OK);
  }

  stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) this.#wheel.cancel(timer);
    this.#timers.clear();
    this.#active = 0;
    return Promise.resolve();
  }
}

/**
 * Factory of the `noop` workload driver.
 *
 * @example
 * ```ts
 * await runScenario(scenario, { workloads: [noopWorkload] });
 * ```
 */
export const noopWorkload: WorkloadFactory = {
  kind: "noop",
  create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver> {
    if (workload.kind !== "noop") {
      return Promise.reject(new TypeError(`the noop factory cannot drive '${workload.kind}'`));
    }
    return Promise.resolve(new NoopDriver(ctx.wheel, workload));
  },
};
