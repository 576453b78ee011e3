/**
 * Merged-request detection (RFC 3261 §8.2.2.2): a request outside any dialog (no To tag) whose
 * From tag, Call-ID and CSeq equal those of an ongoing server transaction it does not belong
 * to (the transaction layer made a new transaction for it, §17.2.3) arrived twice by different
 * paths — a forking proxy upstream, or a loop. The UAS answers it with 482 (Loop Detected).
 *
 * Entries point at the server transaction that claimed the key; a key whose transaction has
 * terminated is free again. `sweep` drops terminated entries so memory follows the number of
 * live transactions.
 *
 * @module
 */
import type { SipRequest } from "../message/message.ts";
import type { ServerTransaction } from "../transaction/mod.ts";

/**
 * The §8.2.2.2 key of a request: From tag, Call-ID, CSeq number and method; undefined when the
 * request has a To tag (it is inside a dialog) or no From tag (RFC 2543 peers, nothing to
 * compare), or is an ACK or CANCEL (they belong to another transaction by design).
 *
 * @example
 * ```ts
 * mergeKey(invite); // "1928301774\na84b4c76e66710@pc33.atlanta.com\n314159 INVITE"
 * ```
 */
export function mergeKey(request: SipRequest): string | undefined {
  if (request.method === "ACK" || request.method === "CANCEL") return undefined;
  if (request.to.tag !== undefined) return undefined;
  const fromTag = request.from.tag;
  if (fromTag === undefined) return undefined;
  const cseq = request.cseq;
  return `${fromTag}\n${request.callId}\n${cseq.seq} ${cseq.method}`;
}

/**
 * Remembers which server transaction holds each §8.2.2.2 key.
 *
 * @example
 * ```ts
 * const merged = new MergedRequestDetector();
 * if (merged.isMerged(tx)) respond(tx, 482, "Loop Detected");
 * ```
 */
export class MergedRequestDetector {
  readonly #owners = new Map<string, ServerTransaction>();

  /** Keys held (live or not yet swept). */
  get size(): number {
    return this.#owners.size;
  }

  /**
   * True when `tx`'s request repeats the key of another ongoing transaction (→ 482). Otherwise
   * `tx` becomes the key's owner (when its request has a key) and false is returned.
   */
  isMerged(tx: ServerTransaction): boolean {
    const key = mergeKey(tx.request);
    if (key === undefined) return false;
    const owner = this.#owners.get(key);
    if (owner !== undefined && owner !== tx && owner.state !== "Terminated") return true;
    this.#owners.set(key, tx);
    return false;
  }

  /** Forgets the keys of terminated transactions; returns how many are left. */
  sweep(): number {
    for (const [key, tx] of this.#owners) {
      if (tx.state === "Terminated") this.#owners.delete(key);
    }
    return this.#owners.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#owners.clear();
  }
}
