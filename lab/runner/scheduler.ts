/**
 * The iteration scheduler: one chained timer on the run's timer wheel (every `tickMs`, 1 ms by
 * default) asks the executor what is due and starts iterations on virtual users.
 *
 * - Arrival-rate executors: each due arrival takes a free virtual user (pre-allocated ones
 *   first, then new ones up to `maxUsers`); when all are busy the arrival is dropped and
 *   counted. A user is free again as soon as its iteration ends (no think time).
 * - User executors: each virtual user below the executor's target loops iterations, pausing
 *   for the think time its iteration asks for. A user that ends an iteration with no think
 *   time starts the next one on the next tick, never in the same turn of the event loop, so
 *   iterations that end at once cannot starve the timers.
 *
 * Virtual user _v_ is population member _v_.
 *
 * @module
 */

import type { Executor, Load } from "../scenario/mod.ts";
import type { TimerHandle, TimerWheel } from "../sip/timer/mod.ts";

/**
 * Runs one iteration on virtual user `vu`; the callee calls `end` once when the iteration is
 * over, with the think time (ms) the user pauses before its next one.
 */
export type IterationRunner = (vu: number, end: (thinkMs: number) => void) => void;

/** Options of an {@link IterationScheduler}. */
export interface SchedulerOptions {
  readonly executor: Executor;
  readonly wheel: TimerWheel;
  /** Virtual users there may be: arrival executors' `maxUsers`, user executors' largest target. */
  readonly maxUsers: number;
  readonly runIteration: IterationRunner;
  /** An arrival found every virtual user busy. */
  readonly onDropped?: () => void;
  /** Period of the scheduling tick (default 1 ms). */
  readonly tickMs?: number;
}

/**
 * How many virtual users a load may need (the scheduler's `maxUsers`), capped by the
 * population: arrival executors' `maxUsers`, user executors' largest target. A rate
 * multiplier above 1 cannot go beyond it.
 *
 * @example
 * ```ts
 * virtualUserLimit(scenario.load, scenario.population.count); // 200 for basic-call
 * ```
 */
export function virtualUserLimit(load: Load, populationCount: number): number {
  switch (load.executor) {
    case "constant-arrival-rate":
    case "ramping-arrival-rate":
      return Math.min(load.maxUsers, populationCount);
    case "constant-users":
    case "per-user-iterations":
    case "shared-iterations":
      return Math.min(load.users, populationCount);
    case "ramping-users":
      return Math.min(
        Math.max(load.startUsers, ...load.stages.map((s) => s.target)),
        populationCount,
      );
  }
}

const IDLE = 0;
const RUNNING = 1;
const THINKING = 2;
const READY = 3;

/** User executors re-check every idle user this often (pauses, exhausted per-user quotas). */
const FULL_SCAN_MS = 1000;

/**
 * Starts iterations as the executor says.
 *
 * @example
 * ```ts
 * const scheduler = new IterationScheduler({ executor, wheel, maxUsers: 200, runIteration });
 * scheduler.start();
 * await scheduler.scheduleDone; // no further iteration will start
 * ```
 */
export class IterationScheduler {
  readonly #executor: Executor;
  readonly #wheel: TimerWheel;
  readonly #maxUsers: number;
  readonly #runIteration: IterationRunner;
  readonly #onDropped: () => void;
  readonly #tickMs: number;
  readonly #state: Uint8Array;
  /** Arrival executors: stack of free virtual users. */
  readonly #free: Int32Array;
  #freeCount = 0;
  #allocated = 0;
  #ready: number[] = [];
  readonly #thinkTimers = new Map<number, TimerHandle>();
  #timer: TimerHandle | undefined;
  #running = 0;
  #thinking = 0;
  #stopped = false;
  #lastTarget = 0;
  #lastFullScanAt = -Infinity;
  #wasPaused = false;
  #resolveDone!: () => void;
  /** Resolves once the executor starts no further iteration (or the scheduler is stopped). */
  readonly scheduleDone: Promise<void>;

  constructor(options: SchedulerOptions) {
    this.#executor = options.executor;
    this.#wheel = options.wheel;
    this.#maxUsers = options.maxUsers;
    this.#runIteration = options.runIteration;
    this.#onDropped = options.onDropped ?? (() => {});
    this.#tickMs = options.tickMs ?? 1;
    this.#state = new Uint8Array(options.maxUsers);
    this.#free = new Int32Array(options.executor.model === "arrival" ? options.maxUsers : 0);
    this.scheduleDone = new Promise((resolve) => (this.#resolveDone = resolve));
    if (this.#executor.model === "arrival") {
      // Pre-allocated users, lowest first off the stack.
      const preAllocated = Math.min(this.#executor.targetUsers(this.#wheel.now()), this.#maxUsers);
      for (let vu = preAllocated - 1; vu >= 0; vu--) this.#free[this.#freeCount++] = vu;
      this.#allocated = preAllocated;
    }
  }

  /** Iterations started and not ended. */
  get running(): number {
    return this.#running;
  }

  /** Virtual users busy now: in an iteration, or (user executors) in a think time. */
  get busy(): number {
    return this.#executor.model === "arrival"
      ? this.#allocated - this.#freeCount
      : this.#running + this.#thinking;
  }

  /** Arrival executors: virtual users allocated so far (pre-allocated plus added). */
  get allocated(): number {
    return this.#executor.model === "arrival" ? this.#allocated : this.#maxUsers;
  }

  /** Begin ticking; the first tick runs at once. */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#tick();
  }

  /** Start no further iteration; think times are cut. Running iterations go on. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.#wheel.cancel(this.#timer);
    this.#timer = undefined;
    for (const timer of this.#thinkTimers.values()) this.#wheel.cancel(timer);
    this.#thinkTimers.clear();
    this.#thinking = 0;
    this.#ready = [];
    this.#resolveDone();
  }

  #tick = (): void => {
    this.#timer = undefined;
    if (this.#stopped) return;
    const now = this.#wheel.now();
    const executor = this.#executor;
    if (executor.model === "arrival") {
      const due = executor.nextArrivals(now);
      for (let i = 0; i < due && !this.#stopped; i++) this.#arrive();
    } else {
      this.#loopUsers(now);
    }
    if (this.#stopped) return;
    if (executor.done(now)) {
      this.stop();
      return;
    }
    this.#timer = this.#wheel.schedule(this.#tickMs, this.#tick);
  };

  #arrive(): void {
    let vu: number;
    if (this.#freeCount > 0) vu = this.#free[--this.#freeCount];
    else if (this.#allocated < this.#maxUsers) vu = this.#allocated++;
    else return this.#onDropped();
    this.#running++;
    this.#state[vu] = RUNNING;
    this.#runIteration(vu, () => {
      this.#running--;
      this.#state[vu] = IDLE;
      this.#free[this.#freeCount++] = vu;
    });
  }

  #loopUsers(now: number): void {
    const executor = this.#executor;
    const ready = this.#ready;
    this.#ready = [];
    for (const vu of ready) {
      if (this.#state[vu] !== READY) continue;
      this.#state[vu] = IDLE;
      this.#tryStart(vu, now);
    }
    const target = Math.min(executor.targetUsers(now), this.#maxUsers);
    const resumed = this.#wasPaused && !executor.paused;
    this.#wasPaused = executor.paused;
    if (resumed || now - this.#lastFullScanAt >= FULL_SCAN_MS) {
      this.#lastFullScanAt = now;
      this.#scan(0, target, now);
    } else if (target > this.#lastTarget) {
      this.#scan(this.#lastTarget, target, now);
    }
    this.#lastTarget = target;
  }

  #scan(from: number, to: number, now: number): void {
    for (let vu = from; vu < to && !this.#stopped; vu++) {
      if (this.#state[vu] === IDLE) this.#tryStart(vu, now);
    }
  }

  #tryStart(vu: number, now: number): void {
    const executor = this.#executor;
    if (executor.model !== "users" || !executor.startIteration(vu, now)) return;
    this.#running++;
    this.#state[vu] = RUNNING;
    this.#runIteration(vu, (thinkMs) => this.#ended(vu, thinkMs));
  }

  #ended(vu: number, thinkMs: number): void {
    this.#running--;
    if (this.#stopped) {
      this.#state[vu] = IDLE;
      return;
    }
    if (thinkMs > 0) {
      this.#state[vu] = THINKING;
      this.#thinking++;
      this.#thinkTimers.set(
        vu,
        this.#wheel.schedule(thinkMs, () => {
          this.#thinkTimers.delete(vu);
          this.#thinking--;
          this.#makeReady(vu);
        }),
      );
    } else {
      this.#makeReady(vu);
    }
  }

  #makeReady(vu: number): void {
    this.#state[vu] = READY;
    this.#ready.push(vu);
  }
}
