/**
 * The run's live controls over its executor, for a dashboard: pause, resume, a new arrival
 * rate (per second, whatever the scenario's `timeUnit`), stop, and where the schedule stands.
 * The controls exist before the executor does (they are handed out while the run starts);
 * what is asked before then takes effect when the schedule starts.
 *
 * @module
 */

import type { Executor, Load } from "../scenario/mod.ts";

/** Where the schedule stands, as the controls show it. */
export interface ScheduleStatus {
  readonly paused: boolean;
  /** Arrival rate in force, iterations per second; absent for user executors. */
  readonly rate?: number;
  /** Schedule time elapsed (pauses excluded). */
  readonly elapsedMs: number;
  /** Length of the schedule; absent for iteration-count executors and before the start. */
  readonly durationMs?: number;
  /** True once a stop was asked for or the schedule ended (iterations may still finish). */
  readonly stopping: boolean;
}

/** The controls of a running scenario. */
export interface ScheduleControl {
  /** Start no more iterations; schedule time stands still. */
  pause(): void;
  resume(): void;
  /** Stop gracefully, as a first Ctrl-C does. */
  stop(): void;
  /**
   * Arrival rate from now on, iterations per second. Throws `RangeError` for a negative or
   * non-finite rate, and for user executors (they have no arrival rate).
   */
  setRate(perSecond: number): void;
  status(): ScheduleStatus;
}

/** What {@link LiveScheduleControl} acts on besides the executor. */
export interface ScheduleControlOptions {
  /** The run's clock (its timer wheel's `now`), ms. */
  readonly now: () => number;
  /** Ask the run for a graceful stop. */
  readonly requestStop: () => void;
  /** Whether a stop was asked for or the schedule is over. */
  readonly stopping: () => boolean;
}

/**
 * {@link ScheduleControl} over the run's executor.
 *
 * @example
 * ```ts
 * const control = new LiveScheduleControl(scenario.load, {
 *   now: () => wheel.now(),
 *   requestStop: () => stops.stop("interrupted", false),
 *   stopping: () => stops.request !== undefined,
 * });
 * control.setRate(20); // 20 arrivals per second, also with `timeUnit: 1m`
 * control.attach(createExecutor(scenario.load, { startMs: wheel.now() }));
 * ```
 */
export class LiveScheduleControl implements ScheduleControl {
  readonly #load: Load;
  readonly #options: ScheduleControlOptions;
  #executor: Executor | undefined;
  #pendingPause = false;
  /** A rate asked for before the schedule started, per time unit. */
  #pendingRate: number | undefined;

  constructor(load: Load, options: ScheduleControlOptions) {
    this.#load = load;
    this.#options = options;
  }

  /** The schedule started: apply what was asked until now. */
  attach(executor: Executor): void {
    this.#executor = executor;
    const now = this.#options.now();
    if (this.#pendingRate !== undefined && executor.model === "arrival") {
      executor.setRate(this.#pendingRate, now);
    }
    if (this.#pendingPause) executor.pause(now);
    this.#pendingRate = undefined;
    this.#pendingPause = false;
  }

  pause(): void {
    if (this.#executor === undefined) this.#pendingPause = true;
    else this.#executor.pause(this.#options.now());
  }

  resume(): void {
    if (this.#executor === undefined) this.#pendingPause = false;
    else this.#executor.resume(this.#options.now());
  }

  stop(): void {
    this.#options.requestStop();
  }

  setRate(perSecond: number): void {
    if (!(Number.isFinite(perSecond) && perSecond >= 0)) {
      throw new RangeError(`rate ${perSecond}: must be a finite number ≥ 0 per second`);
    }
    const load = this.#load;
    if (load.executor !== "constant-arrival-rate" && load.executor !== "ramping-arrival-rate") {
      throw new RangeError(
        `a ${load.executor} run has no arrival rate: its virtual users loop iterations`,
      );
    }
    const perUnit = (perSecond * load.timeUnitMs) / 1000;
    const executor = this.#executor;
    if (executor === undefined) this.#pendingRate = perUnit;
    else if (executor.model === "arrival") executor.setRate(perUnit, this.#options.now());
  }

  status(): ScheduleStatus {
    const executor = this.#executor;
    const stopping = this.#options.stopping();
    if (executor === undefined) return { paused: this.#pendingPause, elapsedMs: 0, stopping };
    const now = this.#options.now();
    const load = this.#load;
    const rate = executor.model === "arrival" && "timeUnitMs" in load
      ? (executor.currentRate(now) * 1000) / load.timeUnitMs
      : undefined;
    return {
      paused: executor.paused,
      ...(rate === undefined ? {} : { rate }),
      elapsedMs: executor.elapsedMs(now),
      ...(executor.scheduleMs === undefined ? {} : { durationMs: executor.scheduleMs }),
      stopping,
    };
  }
}
