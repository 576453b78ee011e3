/**
 * k6-style executors as pure schedulers: given a scenario's `load` and the current time, they
 * say how many iterations to start (arrival-rate executors) or how many virtual users should
 * be running and whether a user may start another iteration (user executors). They own no
 * timer; the runner calls them with its clock, tests with a virtual one.
 *
 * Times: `nowMs` is wall-clock time in ms (any epoch, non-decreasing between calls). Schedule
 * time is time since `startMs` minus time spent paused; stages and durations run on schedule
 * time, while `maxDuration` (the hard cap) runs on wall-clock time.
 *
 * Arrival-rate executors: with a rate r(t) per time unit, the cumulative count
 * J(t) = ∫ r / timeUnit. Uniform spacing starts iteration k (k = 0, 1, …) at the first instant
 * J(t) ≥ k, so there are exactly ⌈J(end)⌉ iterations and the first starts at once. Poisson
 * spacing starts iteration k when J(t) reaches the k-th sum of unit exponential draws (a
 * non-homogeneous Poisson process by time rescaling). `setRateMultiplier` and `setRate` change
 * the rate from the given moment on without disturbing what was already due.
 *
 * @module
 */

import { createSampler } from "./distributions.ts";
import type { RandomSource } from "./prng.ts";
import type { ArrivalSpacing, Load, Stage } from "./types.ts";

/** Tolerance for floating-point sums when counting whole iterations. */
const EPSILON = 1e-6;

/** Options of {@link createExecutor}. */
export interface ExecutorOptions {
  /** Wall-clock time the run starts at (ms). */
  readonly startMs: number;
  /** Randomness for Poisson arrivals (required when `arrivals: poisson`). */
  readonly random?: RandomSource;
}

/** What every executor offers. */
export interface ExecutorControl {
  readonly load: Load;
  readonly paused: boolean;
  /** Length of the schedule in schedule time; undefined for iteration-count executors. */
  readonly scheduleMs: number | undefined;
  /** Schedule time at `nowMs`: time since start minus pauses. */
  elapsedMs(nowMs: number): number;
  /** Virtual users that should exist now (arrival executors: the pre-allocated pool). */
  targetUsers(nowMs: number): number;
  /** True when no further iteration will be started (in-flight ones may still run). */
  done(nowMs: number): boolean;
  /** True once the hard `maxDuration` has passed: everything must stop. */
  expired(nowMs: number): boolean;
  /** Stop starting iterations; schedule time stands still until resume. */
  pause(nowMs: number): void;
  resume(nowMs: number): void;
  /** Scale the load from now on: the arrival rate, or the number of virtual users. */
  setRateMultiplier(multiplier: number, nowMs: number): void;
}

/** Arrival-rate executors: iterations start at a rate, independent of how long they take. */
export interface ArrivalExecutor extends ExecutorControl {
  readonly model: "arrival";
  /** How many iterations to start now (since the previous call). */
  nextArrivals(nowMs: number): number;
  /** Rate per time unit in force at `nowMs`. */
  currentRate(nowMs: number): number;
  /** Replace the rate (per time unit) from now on; undefined returns to the scenario's rate. */
  setRate(rate: number | undefined, nowMs: number): void;
}

/** User executors: virtual users loop iterations. */
export interface UsersExecutor extends ExecutorControl {
  readonly model: "users";
  /** Whether virtual user `user` (0-based) may start an iteration now; claims it if so. */
  startIteration(user: number, nowMs: number): boolean;
}

/** Any executor. */
export type Executor = ArrivalExecutor | UsersExecutor;

/**
 * Build the executor for a scenario's load.
 *
 * @example
 * ```ts
 * const executor = createExecutor(scenario.load, { startMs: performance.now() });
 * if (executor.model === "arrival") startIterations(executor.nextArrivals(performance.now()));
 * ```
 */
export function createExecutor(load: Load, options: ExecutorOptions): Executor {
  switch (load.executor) {
    case "constant-arrival-rate":
      return new ArrivalRateExecutor(
        load,
        options,
        new PiecewiseLinear(load.rate, [{ target: load.rate, durationMs: load.durationMs }]),
        load.timeUnitMs,
        load.arrivals,
      );
    case "ramping-arrival-rate":
      return new ArrivalRateExecutor(
        load,
        options,
        new PiecewiseLinear(load.startRate, load.stages),
        load.timeUnitMs,
        load.arrivals,
      );
    case "constant-users":
      return new TimedUsersExecutor(
        load,
        options,
        new PiecewiseLinear(load.users, [{ target: load.users, durationMs: load.durationMs }]),
      );
    case "ramping-users":
      return new TimedUsersExecutor(
        load,
        options,
        new PiecewiseLinear(load.startUsers, load.stages),
      );
    case "per-user-iterations":
      return new IterationsExecutor(load, options, load.users, {
        total: load.users * load.iterations,
        perUser: load.iterations,
      });
    case "shared-iterations":
      return new IterationsExecutor(load, options, load.users, { total: load.iterations });
  }
}

/** A value that moves linearly from stage to stage, and its exact integral. */
class PiecewiseLinear {
  readonly segments: { from: number; to: number; startMs: number; lengthMs: number }[] = [];
  /** Integral (value × ms) up to the start of each segment. */
  readonly #integralBefore: number[] = [];
  readonly lengthMs: number;

  constructor(start: number, stages: readonly Stage[]) {
    let from = start;
    let at = 0;
    let integral = 0;
    for (const stage of stages) {
      this.segments.push({ from, to: stage.target, startMs: at, lengthMs: stage.durationMs });
      this.#integralBefore.push(integral);
      integral += ((from + stage.target) * stage.durationMs) / 2;
      from = stage.target;
      at += stage.durationMs;
    }
    this.lengthMs = at;
  }

  /** The value at schedule time `t` (0 after the last stage). */
  valueAt(t: number): number {
    const segment = this.#segmentAt(t);
    if (segment === undefined) return 0;
    const { from, to, startMs, lengthMs } = this.segments[segment];
    return lengthMs === 0 ? to : from + ((to - from) * (t - startMs)) / lengthMs;
  }

  /** ∫₀ᵗ value (value × ms), exact for the linear segments. */
  integral(t: number): number {
    const clamped = Math.min(Math.max(t, 0), this.lengthMs);
    const segment = this.#segmentAt(clamped) ?? this.segments.length - 1;
    if (segment < 0) return 0;
    const { from, to, startMs, lengthMs } = this.segments[segment];
    const x = Math.min(clamped - startMs, lengthMs);
    const slopePart = lengthMs === 0 ? 0 : ((to - from) * x * x) / (2 * lengthMs);
    return this.#integralBefore[segment] + from * x + slopePart;
  }

  #segmentAt(t: number): number | undefined {
    if (t < 0 || t >= this.lengthMs) return undefined;
    for (let i = this.segments.length - 1; i >= 0; i--) {
      if (this.segments[i].startMs <= t) return i;
    }
    return undefined;
  }
}

/** Schedule time with pause accounting. */
abstract class ScheduledExecutor {
  readonly #startMs: number;
  #pausedAt: number | undefined;
  #pausedTotal = 0;
  protected multiplier = 1;

  constructor(readonly load: Load, options: ExecutorOptions) {
    this.#startMs = options.startMs;
  }

  get paused(): boolean {
    return this.#pausedAt !== undefined;
  }

  elapsedMs(nowMs: number): number {
    const reference = this.#pausedAt ?? nowMs;
    return Math.max(0, reference - this.#startMs - this.#pausedTotal);
  }

  expired(nowMs: number): boolean {
    return nowMs - this.#startMs >= this.load.maxDurationMs;
  }

  pause(nowMs: number): void {
    if (this.#pausedAt === undefined) this.#pausedAt = Math.max(nowMs, this.#startMs);
  }

  resume(nowMs: number): void {
    if (this.#pausedAt === undefined) return;
    this.#pausedTotal += Math.max(0, nowMs - this.#pausedAt);
    this.#pausedAt = undefined;
  }

  protected scaled(users: number): number {
    return Math.floor(users * this.multiplier + EPSILON);
  }
}

class ArrivalRateExecutor extends ScheduledExecutor implements ArrivalExecutor {
  readonly model = "arrival";
  readonly scheduleMs: number;
  readonly #profile: PiecewiseLinear;
  readonly #timeUnitMs: number;
  readonly #nextGap: (() => number) | undefined;
  readonly #preAllocatedUsers: number;
  /** J at the anchor: arrivals owed up to the last rate change. */
  #anchorCount = 0;
  #anchorMs = 0;
  #override: number | undefined;
  #emitted = 0;
  /** Poisson spacing: the cumulative count at which the next arrival falls. */
  #nextThreshold = 0;

  constructor(
    load: Load & { preAllocatedUsers: number },
    options: ExecutorOptions,
    profile: PiecewiseLinear,
    timeUnitMs: number,
    spacing: ArrivalSpacing,
  ) {
    super(load, options);
    this.#profile = profile;
    this.#timeUnitMs = timeUnitMs;
    this.scheduleMs = profile.lengthMs;
    this.#preAllocatedUsers = load.preAllocatedUsers;
    if (spacing === "poisson") {
      if (options.random === undefined) throw new TypeError("poisson arrivals need options.random");
      this.#nextGap = createSampler({ kind: "exponential", mean: 1 }, options.random);
      this.#nextThreshold = this.#nextGap();
    }
  }

  /** J(t): iterations owed by schedule time t under the current rate setting. */
  #owed(t: number): number {
    const end = Math.min(t, this.scheduleMs);
    const since = this.#override !== undefined
      ? (this.#override * Math.max(0, end - this.#anchorMs)) / this.#timeUnitMs
      : (this.multiplier * (this.#profile.integral(end) - this.#profile.integral(this.#anchorMs))) /
        this.#timeUnitMs;
    return this.#anchorCount + since;
  }

  nextArrivals(nowMs: number): number {
    if (this.paused) return 0;
    const t = this.elapsedMs(nowMs);
    const total = this.#owed(this.scheduleMs);
    let due: number;
    if (this.#nextGap === undefined) {
      const last = Math.ceil(total - EPSILON);
      due = total <= EPSILON
        ? 0
        : t >= this.scheduleMs
        ? last
        : Math.min(Math.floor(this.#owed(t) + EPSILON) + 1, last);
    } else {
      const owed = this.#owed(t);
      due = this.#emitted;
      while (this.#nextThreshold <= owed + EPSILON && this.#nextThreshold < total) {
        due++;
        this.#nextThreshold += this.#nextGap();
      }
    }
    const fresh = Math.max(0, due - this.#emitted);
    this.#emitted += fresh;
    return fresh;
  }

  currentRate(nowMs: number): number {
    const t = this.elapsedMs(nowMs);
    if (t >= this.scheduleMs) return 0;
    return this.#override ?? this.multiplier * this.#profile.valueAt(t);
  }

  #reanchor(nowMs: number): void {
    const t = Math.min(this.elapsedMs(nowMs), this.scheduleMs);
    this.#anchorCount = this.#owed(t);
    this.#anchorMs = t;
  }

  setRateMultiplier(multiplier: number, nowMs: number): void {
    if (!(multiplier >= 0)) throw new RangeError(`rate multiplier ${multiplier} must be >= 0`);
    this.#reanchor(nowMs);
    this.multiplier = multiplier;
  }

  setRate(rate: number | undefined, nowMs: number): void {
    if (rate !== undefined && !(rate >= 0)) throw new RangeError(`rate ${rate} must be >= 0`);
    this.#reanchor(nowMs);
    this.#override = rate;
  }

  targetUsers(): number {
    return this.#preAllocatedUsers;
  }

  done(nowMs: number): boolean {
    return this.expired(nowMs) || this.elapsedMs(nowMs) >= this.scheduleMs;
  }
}

class TimedUsersExecutor extends ScheduledExecutor implements UsersExecutor {
  readonly model = "users";
  readonly scheduleMs: number;
  readonly #profile: PiecewiseLinear;

  constructor(load: Load, options: ExecutorOptions, profile: PiecewiseLinear) {
    super(load, options);
    this.#profile = profile;
    this.scheduleMs = profile.lengthMs;
  }

  targetUsers(nowMs: number): number {
    if (this.done(nowMs)) return 0;
    return this.scaled(Math.floor(this.#profile.valueAt(this.elapsedMs(nowMs)) + EPSILON));
  }

  startIteration(user: number, nowMs: number): boolean {
    return !this.paused && user < this.targetUsers(nowMs);
  }

  setRateMultiplier(multiplier: number): void {
    if (!(multiplier >= 0)) throw new RangeError(`rate multiplier ${multiplier} must be >= 0`);
    this.multiplier = multiplier;
  }

  done(nowMs: number): boolean {
    return this.expired(nowMs) || this.elapsedMs(nowMs) >= this.scheduleMs;
  }
}

class IterationsExecutor extends ScheduledExecutor implements UsersExecutor {
  readonly model = "users";
  readonly scheduleMs = undefined;
  readonly #users: number;
  readonly #total: number;
  readonly #perUser: Uint32Array | undefined;
  readonly #perUserLimit: number;
  #claimed = 0;

  constructor(
    load: Load,
    options: ExecutorOptions,
    users: number,
    iterations: { total: number; perUser?: number },
  ) {
    super(load, options);
    this.#users = users;
    this.#total = iterations.total;
    this.#perUserLimit = iterations.perUser ?? Infinity;
    this.#perUser = iterations.perUser === undefined ? undefined : new Uint32Array(users);
  }

  targetUsers(nowMs: number): number {
    return this.done(nowMs) ? 0 : this.scaled(this.#users);
  }

  startIteration(user: number, nowMs: number): boolean {
    if (this.paused || user >= this.targetUsers(nowMs)) return false;
    if (this.#perUser !== undefined) {
      if (this.#perUser[user] >= this.#perUserLimit) return false;
      this.#perUser[user]++;
    }
    this.#claimed++;
    return true;
  }

  setRateMultiplier(multiplier: number): void {
    if (!(multiplier >= 0)) throw new RangeError(`rate multiplier ${multiplier} must be >= 0`);
    this.multiplier = multiplier;
  }

  done(nowMs: number): boolean {
    return this.expired(nowMs) || this.#claimed >= this.#total;
  }
}
