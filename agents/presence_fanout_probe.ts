/**
 * Publication → notification delay, measured at the watchers (MS-PRES.md §11 "publish→NOTIFY
 * fan-out latency to each watcher"), for workloads whose publishers and watchers live in the
 * same process. A publication is stamped when its SERVICE is sent, with the set of watchers
 * whose subscription to the publisher was in place by then; the first notification about the
 * publisher each of them receives afterwards is that publication's (a later publication of the
 * same publisher replaces an unfinished one, which is then counted as incomplete).
 *
 * Recorded: `presence_fanout_delay` per watcher; `presence_fanout_complete` per publication once
 * its last watcher heard of it (SERVICE sent → last watcher's NOTIFY received); counter
 * `presence_fanout_incomplete` for publications superseded before every watcher heard.
 *
 * @example
 * ```ts
 * const probe = new FanoutProbe(fanoutMetrics(() => registry));
 * probe.watch("sip:bob@lab.test", ["sip:alice@lab.test"]);
 * probe.published("sip:alice@lab.test");
 * probe.notified("sip:bob@lab.test", "sip:alice@lab.test"); // one sample of each histogram
 * ```
 *
 * @module
 */
import type { MetricsRegistry } from "../lab/metrics/mod.ts";

/** Where the probe's samples go (see the module documentation for the metric names). */
export interface FanoutSamples {
  /** SERVICE sent → one watcher's notification, ms. */
  perWatcher(ms: number): void;
  /** SERVICE sent → the last watcher's notification, ms. */
  perPublication(ms: number): void;
  /** A publication superseded before every watcher heard. */
  superseded(): void;
}

/**
 * The probe's samples as the catalogued metrics of `registry()` (read on every sample, so a
 * caller may swap registries between measurement windows).
 *
 * @example
 * ```ts
 * const probe = new FanoutProbe(fanoutMetrics(() => ctx.metrics));
 * ```
 */
export function fanoutMetrics(registry: () => MetricsRegistry): FanoutSamples {
  return {
    perWatcher: (ms) => registry().latency("presence_fanout_delay").record(ms),
    perPublication: (ms) => registry().latency("presence_fanout_complete").record(ms),
    superseded: () =>
      registry().counter(
        "presence_fanout_incomplete",
        "Publications superseded before every watcher was notified.",
      ).inc(),
  };
}

/** One publication waiting for its watchers. */
interface PendingPublication {
  readonly sentAt: number;
  readonly waiting: Set<string>;
  /** Longest delay heard so far; -1 before the first watcher heard. */
  last: number;
}

/** See the module documentation. Addresses are compared case-insensitively, without `<>`. */
export class FanoutProbe {
  readonly #samples: FanoutSamples;
  readonly #now: () => number;
  /** Publisher → watchers subscribed to it. */
  readonly #watchers = new Map<string, Set<string>>();
  /** Watcher → publishers it watches. */
  readonly #watching = new Map<string, Set<string>>();
  readonly #pending = new Map<string, PendingPublication>();

  constructor(samples: FanoutSamples, now: () => number = () => performance.now()) {
    this.#samples = samples;
    this.#now = now;
  }

  /** Publications still waiting for some watcher. */
  get pending(): number {
    return this.#pending.size;
  }

  /** `watcher`'s subscription to `publishers` is in place (its 2xx arrived). */
  watch(watcher: string, publishers: readonly string[]): void {
    const w = key(watcher);
    const watching = this.#watching.get(w) ?? new Set<string>();
    this.#watching.set(w, watching);
    for (const publisher of publishers.map(key)) {
      watching.add(publisher);
      const watchers = this.#watchers.get(publisher) ?? new Set<string>();
      this.#watchers.set(publisher, watchers);
      watchers.add(w);
    }
  }

  /** `watcher` is gone (signed out): it waits for nothing any more. */
  unwatch(watcher: string): void {
    const w = key(watcher);
    for (const publisher of this.#watching.get(w) ?? []) {
      this.#watchers.get(publisher)?.delete(w);
      const pending = this.#pending.get(publisher);
      if (pending?.waiting.delete(w)) this.#settle(publisher, pending);
    }
    this.#watching.delete(w);
  }

  /** `publisher` sent a publication (SERVICE) now. */
  published(publisher: string): void {
    const p = key(publisher);
    const previous = this.#pending.get(p);
    if (previous !== undefined) this.#samples.superseded();
    const watchers = this.#watchers.get(p);
    if (watchers === undefined || watchers.size === 0) {
      this.#pending.delete(p);
      return;
    }
    this.#pending.set(p, { sentAt: this.#now(), waiting: new Set(watchers), last: -1 });
  }

  /** `watcher` received a notification carrying `publisher`'s categories. */
  notified(watcher: string, publisher: string): void {
    const p = key(publisher);
    const pending = this.#pending.get(p);
    if (pending === undefined || !pending.waiting.delete(key(watcher))) return;
    const delay = this.#now() - pending.sentAt;
    this.#samples.perWatcher(delay);
    pending.last = Math.max(pending.last, delay);
    this.#settle(p, pending);
  }

  #settle(publisher: string, pending: PendingPublication): void {
    if (pending.waiting.size > 0) return;
    this.#pending.delete(publisher);
    if (pending.last >= 0) this.#samples.perPublication(pending.last);
  }
}

/** `sip:Bob@Lab.test` and `<sip:bob@lab.test>` are the same address. */
function key(address: string): string {
  return address.replace(/^<|>$/g, "").toLowerCase();
}
