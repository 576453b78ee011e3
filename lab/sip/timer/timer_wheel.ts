/**
 * One shared scheduler for every protocol timer in a process (RFC 3261 §17 Timers A–K,
 * RFC 6026 Timers L/M, and anything else that needs a deadline).
 *
 * A hashed timer wheel (Varghese & Lauck, scheme 6): time is cut into ticks of
 * `resolutionMs`; a timer due at tick `t` sits in the doubly-linked list of slot
 * `t mod slots`, together with timers due whole revolutions later. Arming and cancelling are
 * O(1); advancing one tick costs the length of one slot's list. However many timers are live,
 * at most ONE host timer (`setTimeout`) is pending, set for the next non-empty slot, and none
 * at all while the wheel is empty, so an idle process or a finished Deno test can exit.
 *
 * Timers never fire early: a timer fires at the first tick boundary at or after its due time.
 *
 * In virtual mode no host timer is ever created; time only moves through `advance(ms)`,
 * which fires every timer due within the window, in due order, with `now()` reading each
 * timer's tick time while its callback runs — deterministic and instant for tests.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
 * const fired: number[] = [];
 * wheel.schedule(500, () => fired.push(wheel.now()));
 * wheel.advance(1000); // fired = [500]
 * ```
 *
 * @module
 */

/** A scheduled timer. Pass it to `cancel`; `active` turns false once it fired or was cancelled. */
export interface TimerHandle {
  /** True while the timer is armed (not yet fired, not cancelled). */
  readonly active: boolean;
}

/** Construction options for {@link TimerWheel}. */
export interface TimerWheelOptions {
  /** Tick length in milliseconds (default 10 in host mode, 1 in virtual mode). */
  resolutionMs?: number;
  /** Slots per revolution, rounded up to a power of two (default 1024). */
  slots?: number;
  /** "host": real time driven by one setTimeout (default). "virtual": time moves by `advance`. */
  mode?: "host" | "virtual";
  /** Clock for host mode, in milliseconds (default `performance.now`). */
  now?: () => number;
}

/** One armed timer: a node of its slot's doubly-linked list. */
class WheelEntry implements TimerHandle {
  prev: WheelEntry | undefined = undefined;
  next: WheelEntry | undefined = undefined;
  /** Slot index while linked, -1 once unlinked (firing, fired or cancelled). */
  slot = -1;
  active = true;
  constructor(
    readonly dueTick: number,
    readonly callback: (arg: unknown) => void,
    readonly arg: unknown,
  ) {}
}

/**
 * A hashed timer wheel with one host timer at most; see the module documentation.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel();
 * const handle = wheel.schedule(32_000, () => console.log("Timer B"));
 * wheel.cancel(handle); // the wheel is empty again: no host timer remains
 * ```
 */
export class TimerWheel {
  readonly resolutionMs: number;
  readonly mode: "host" | "virtual";
  readonly #mask: number;
  readonly #heads: (WheelEntry | undefined)[];
  readonly #tails: (WheelEntry | undefined)[];
  readonly #clock: () => number;
  readonly #origin: number;
  /** Every tick ≤ this one has been processed. */
  #tick = 0;
  #size = 0;
  #virtualNow = 0;
  #hostTimer: ReturnType<typeof setTimeout> | undefined;
  #hostTimerTick = Infinity;
  #processing = false;
  #stopped = false;
  readonly #firing: WheelEntry[] = [];

  constructor(options: TimerWheelOptions = {}) {
    this.mode = options.mode ?? "host";
    this.resolutionMs = options.resolutionMs ?? (this.mode === "virtual" ? 1 : 10);
    if (!(this.resolutionMs > 0)) throw new RangeError("resolutionMs must be positive");
    let slots = 1;
    while (slots < (options.slots ?? 1024)) slots *= 2;
    this.#mask = slots - 1;
    this.#heads = new Array(slots).fill(undefined);
    this.#tails = new Array(slots).fill(undefined);
    this.#clock = this.mode === "virtual"
      ? () => this.#virtualNow
      : (options.now ?? (() => performance.now()));
    this.#origin = this.#clock();
  }

  /** The wheel's current time in milliseconds (virtual time in virtual mode). */
  now(): number {
    return this.#clock();
  }

  /** Number of armed timers. */
  get size(): number {
    return this.#size;
  }

  /**
   * Arms a timer that calls `callback` once, `delayMs` from now (rounded up to a tick;
   * a timer armed from inside a callback fires no earlier than the next tick). With `arg`, the
   * callback is called with it: one shared function can serve many timers (a transaction's
   * Timer B, say) without a closure per armed timer.
   *
   * @example
   * ```ts
   * const fire = (tx: { expired: boolean }) => { tx.expired = true; };
   * wheel.schedule(32_000, fire, record); // fire(record) in 32 s
   * ```
   */
  schedule(delayMs: number, callback: () => void): TimerHandle;
  schedule<T>(delayMs: number, callback: (arg: T) => void, arg: T): TimerHandle;
  schedule(delayMs: number, callback: (arg: unknown) => void, arg?: unknown): TimerHandle {
    if (this.#stopped) throw new Error("TimerWheel is stopped");
    if (!(delayMs >= 0)) throw new RangeError(`invalid timer delay ${delayMs}`);
    if (!this.#processing) this.#catchUp();
    const dueTick = Math.max(
      Math.ceil((this.#clock() + delayMs - this.#origin) / this.resolutionMs),
      this.#tick + 1,
    );
    const entry = new WheelEntry(dueTick, callback, arg);
    this.#link(entry);
    this.#size++;
    if (!this.#processing) this.#armHostTimer();
    return entry;
  }

  /** Disarms a timer; harmless on a timer that already fired or was cancelled. */
  cancel(handle: TimerHandle): void {
    const entry = handle as WheelEntry;
    if (!entry.active) return;
    entry.active = false;
    this.#size--;
    if (entry.slot >= 0) this.#unlink(entry);
    if (this.#size === 0 && !this.#processing) this.#clearHostTimer();
  }

  /**
   * Virtual mode only: moves time forward by `ms`, firing every timer that falls due on the
   * way (including timers armed by callbacks during the advance), in due order.
   */
  advance(ms: number): void {
    if (this.mode !== "virtual") throw new Error("advance() needs a virtual-mode TimerWheel");
    if (!(ms >= 0)) throw new RangeError(`invalid advance ${ms}`);
    if (this.#processing) throw new Error("advance() called from inside a timer callback");
    const target = this.#virtualNow + ms;
    const lastTick = Math.floor((target - this.#origin) / this.resolutionMs);
    while (this.#tick < lastTick) {
      this.#virtualNow = Math.max(
        this.#virtualNow,
        this.#origin + (this.#tick + 1) * this.resolutionMs,
      );
      this.#runTick();
    }
    this.#virtualNow = target;
  }

  /** Disarms every timer and releases the host timer; the wheel refuses new timers afterwards. */
  stop(): void {
    this.#stopped = true;
    for (let s = 0; s <= this.#mask; s++) {
      for (let e = this.#heads[s]; e; e = e.next) {
        e.active = false;
        e.slot = -1;
      }
      this.#heads[s] = undefined;
      this.#tails[s] = undefined;
    }
    for (const e of this.#firing) e.active = false;
    this.#size = 0;
    this.#clearHostTimer();
  }

  #link(e: WheelEntry): void {
    const slot = e.dueTick & this.#mask;
    e.slot = slot;
    e.next = undefined;
    e.prev = this.#tails[slot];
    if (e.prev) e.prev.next = e;
    else this.#heads[slot] = e;
    this.#tails[slot] = e;
  }

  #unlink(e: WheelEntry): void {
    const slot = e.slot;
    if (e.prev) e.prev.next = e.next;
    else this.#heads[slot] = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.#tails[slot] = e.prev;
    e.prev = e.next = undefined;
    e.slot = -1;
  }

  /** Processes tick `#tick + 1`: fires its due timers in the order they were armed. */
  #runTick(): void {
    const tick = ++this.#tick;
    const slot = tick & this.#mask;
    const firing = this.#firing;
    for (let e = this.#heads[slot]; e;) {
      const next = e.next;
      if (e.dueTick <= tick) {
        this.#unlink(e);
        firing.push(e);
      }
      e = next;
    }
    if (firing.length === 0) return;
    this.#processing = true;
    try {
      // A callback may cancel a timer collected in the same tick: `active` is checked per call.
      for (let i = 0; i < firing.length; i++) {
        const e = firing[i];
        if (!e.active) continue;
        e.active = false;
        this.#size--;
        e.callback(e.arg);
      }
    } finally {
      firing.length = 0;
      this.#processing = false;
    }
  }

  /** Host mode: processes every tick whose time has come. */
  #catchUp(): void {
    if (this.mode === "virtual") return;
    const lastTick = Math.floor((this.#clock() - this.#origin) / this.resolutionMs);
    while (this.#tick < lastTick) this.#runTick();
  }

  #onHostTimer = (): void => {
    this.#hostTimer = undefined;
    this.#hostTimerTick = Infinity;
    if (this.#stopped) return;
    this.#catchUp();
    this.#armHostTimer();
  };

  /** Keeps exactly one host timer, aimed at the next non-empty slot, or none when empty. */
  #armHostTimer(): void {
    if (this.mode === "virtual") return;
    if (this.#size === 0) return this.#clearHostTimer();
    let wakeTick = this.#tick + this.#mask + 1; // at worst, once per revolution
    for (let t = this.#tick + 1; t < wakeTick; t++) {
      if (this.#heads[t & this.#mask] !== undefined) {
        wakeTick = t;
        break;
      }
    }
    if (wakeTick >= this.#hostTimerTick && this.#hostTimer !== undefined) return;
    this.#clearHostTimer();
    const delay = Math.max(0, this.#origin + wakeTick * this.resolutionMs - this.#clock());
    this.#hostTimerTick = wakeTick;
    this.#hostTimer = setTimeout(this.#onHostTimer, delay);
  }

  #clearHostTimer(): void {
    if (this.#hostTimer !== undefined) clearTimeout(this.#hostTimer);
    this.#hostTimer = undefined;
    this.#hostTimerTick = Infinity;
  }
}
