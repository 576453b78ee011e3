/**
 * The replay window for cnum/snum (MS-SIP §3.1.1, §3.1.5.1; MS-SIPAE §3.2.5.2, server mirror for
 * cnum): 256 wide, initially 1..256, tracking the last number received and which numbers inside
 * the window were seen.
 *
 * - number > last: the window moves to [number − 256, number]; the number is marked used.
 * - number ≤ last and inside the window: rejected as a replay when already seen, else marked.
 * - number below the window: dropped.
 *
 * @example
 * ```ts
 * const window = new SequenceWindow();
 * window.admit(1);
 * window.admit(1); // throws NtlmAuthError("replayed-sequence")
 * ```
 *
 * @module
 */
import { NtlmAuthError } from "./errors.ts";

/** Width of the window (MS-SIP §3.1.5.1). */
export const SEQUENCE_WINDOW_SIZE = 256;

/**
 * One SA's received-sequence state.
 *
 * @example
 * ```ts
 * const w = new SequenceWindow();
 * w.admit(5); w.admit(3); // out of order but new: accepted
 * ```
 */
export class SequenceWindow {
  #last = 0;
  readonly #seen = new Set<number>();

  /** The highest number accepted so far (LastSnumReceived), 0 before any. */
  get last(): number {
    return this.#last;
  }

  /** Lowest number still inside the window. */
  get low(): number {
    return Math.max(1, this.#last - SEQUENCE_WINDOW_SIZE);
  }

  /**
   * Accepts `num` and marks it used, or throws NtlmAuthError "replayed-sequence" /
   * "sequence-below-window". Call only after the signature verified.
   */
  admit(num: number): void {
    if (num > this.#last) {
      this.#last = num;
      const low = this.low;
      for (const seen of this.#seen) if (seen < low) this.#seen.delete(seen);
      this.#seen.add(num);
      return;
    }
    if (num < this.low) {
      throw new NtlmAuthError("sequence-below-window", `sequence ${num} is below the window`);
    }
    if (this.#seen.has(num)) {
      throw new NtlmAuthError("replayed-sequence", `sequence ${num} was already received`);
    }
    this.#seen.add(num);
  }
}
