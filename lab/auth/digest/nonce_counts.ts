/**
 * Replay protection through the nonce-count (RFC 7616 §3.4 `nc`; RFC 2617 §3.2.2: "if the same
 * nc-value is seen twice, then the request is a replay"): per nonce, the highest nc accepted so
 * far; a request must carry a strictly higher one. State exists only for nonces in use and is
 * dropped once they are stale anyway. When the table is full the nonces first used longest ago
 * are forgotten, and every nonce minted up to the newest forgotten one is answered as stale from
 * then on ("forgotten"), so forgetting never reopens a replay.
 *
 * @example
 * ```ts
 * const counts = new NonceCountRegistry({ lifetimeMs: 300_000, maxNonces: 10_000 });
 * counts.accept("n1", 1, issuedAt, now); // "accepted"
 * counts.accept("n1", 1, issuedAt, now); // "replayed"
 * ```
 *
 * @module
 */

/** Settings of a {@link NonceCountRegistry}. */
export interface NonceCountRegistryOptions {
  /** The nonce lifetime: entries older than this are dropped (their nonces are stale). */
  lifetimeMs: number;
  /** Most nonces tracked at once. */
  maxNonces: number;
}

/** The answer for one nonce-count. */
export type NonceCountResult = "accepted" | "replayed" | "forgotten";

interface Entry {
  lastNc: number;
  issuedAt: number;
}

/**
 * The highest nonce-count seen per nonce.
 *
 * @example
 * ```ts
 * counts.accept(nonce, 2, issuedAt, Date.now()); // "accepted" after nc 1, "replayed" after 3
 * ```
 */
export class NonceCountRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #lifetimeMs: number;
  readonly #maxNonces: number;
  /** Nonces minted at or before this instant may have been forgotten. */
  #forgottenUpTo = Number.NEGATIVE_INFINITY;

  constructor(options: NonceCountRegistryOptions) {
    if (!(options.maxNonces >= 1)) throw new RangeError("maxNonces must be at least 1");
    this.#lifetimeMs = options.lifetimeMs;
    this.#maxNonces = options.maxNonces;
  }

  /** Number of nonces tracked. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records nonce-count `nc` for `nonce` (minted at `issuedAt`): "accepted" when higher than
   * every earlier one, "replayed" when not, "forgotten" when the nonce's state may have been
   * evicted (answer it as stale so the client takes a new nonce).
   */
  accept(nonce: string, nc: number, issuedAt: number, now: number): NonceCountResult {
    const entry = this.#entries.get(nonce);
    if (entry !== undefined) {
      if (nc <= entry.lastNc) return "replayed";
      entry.lastNc = nc;
      return "accepted";
    }
    if (issuedAt <= this.#forgottenUpTo) return "forgotten";
    if (this.#entries.size >= this.#maxNonces) this.#makeRoom(now);
    this.#entries.set(nonce, { lastNc: nc, issuedAt });
    return "accepted";
  }

  /**
   * Frees a slot: walks the table in first-use order (roughly minting order), dropping stale
   * entries, and fresh ones too while the table is still full. O(1) amortised.
   */
  #makeRoom(now: number): void {
    for (const [nonce, entry] of this.#entries) {
      const stale = now - entry.issuedAt > this.#lifetimeMs;
      if (!stale && this.#entries.size < this.#maxNonces) break;
      this.#entries.delete(nonce);
      this.#forgottenUpTo = Math.max(this.#forgottenUpTo, entry.issuedAt);
    }
  }
}
