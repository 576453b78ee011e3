/**
 * Reconnection delays (MS-CONMGMT guide §4): after a connection drop the client waits a
 * randomized, exponentially growing delay before reconnecting, so that a mass disconnect does not
 * come back as one storm. Delay n (0-based) is `min(cap, base·2ⁿ)` scaled by a uniform factor in
 * [1 − jitter, 1 + jitter], never above the cap.
 *
 * @example
 * ```ts
 * const backoff = new ReconnectBackoff({ baseMs: 1000, capMs: 300_000, jitter: 0.5 });
 * backoff.next(); // 500..1500
 * backoff.next(); // 1000..3000
 * backoff.reset(); // after a successful re-registration
 * ```
 *
 * @module
 */

/** Options of {@link ReconnectBackoff}. */
export interface ReconnectBackoffOptions {
  /** First delay before jitter; default 1000 ms. */
  baseMs?: number;
  /** Largest delay; default 300 000 ms (about five minutes, guide §4). */
  capMs?: number;
  /** Relative spread, 0..1; default 0.5 (±50 %). */
  jitter?: number;
  /** Uniform random numbers in [0, 1); default Math.random. */
  random?: () => number;
}

/** The delays of one client's successive reconnection attempts. */
export class ReconnectBackoff {
  readonly #base: number;
  readonly #cap: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: ReconnectBackoffOptions = {}) {
    this.#base = options.baseMs ?? 1000;
    this.#cap = options.capMs ?? 300_000;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.#random = options.random ?? Math.random;
    if (!(this.#base > 0) || !(this.#cap >= this.#base)) {
      throw new RangeError("ReconnectBackoff needs 0 < baseMs ≤ capMs");
    }
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt, in ms. */
  next(): number {
    const exponent = Math.min(this.#attempt, 40);
    this.#attempt++;
    const nominal = Math.min(this.#cap, this.#base * 2 ** exponent);
    const factor = 1 - this.#jitter + 2 * this.#jitter * this.#random();
    return Math.min(this.#cap, Math.round(nominal * factor));
  }

  /** Starts over (a connection came up and the user registered again). */
  reset(): void {
    this.#attempt = 0;
  }
}
