/**
 * A virtual clock for tests: a {@link TimerScheduler} whose time only moves when the test says.
 *
 * @module
 */
import type { TimerScheduler } from "../scheduler.ts";

interface Timer {
  due: number;
  seq: number;
  callback: () => void;
}

/**
 * Timers fire in due order (ties in scheduling order) while {@link advance} moves time.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * clock.schedule(500, () => console.log(clock.now)); // logs 500
 * clock.advance(1000);
 * ```
 */
export class VirtualClock implements TimerScheduler {
  /** Milliseconds since the clock was made. */
  now = 0;
  readonly #timers = new Map<number, Timer>();
  #seq = 0;

  schedule(delayMs: number, callback: () => void): number {
    const handle = ++this.#seq;
    this.#timers.set(handle, { due: this.now + delayMs, seq: handle, callback });
    return handle;
  }

  cancel(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError("time does not go back");
    const end = this.now + ms;
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.#timers) {
        const t = entry[1];
        if (t.due > end) continue;
        if (!next || t.due < next[1].due || (t.due === next[1].due && t.seq < next[1].seq)) {
          next = entry;
        }
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.now = next[1].due;
      next[1].callback();
    }
    this.now = end;
  }
}
