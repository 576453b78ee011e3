/**
 * How a run is asked to stop, and how its phases wait for that. A stop is graceful (start no
 * more iterations, let running ones finish) or at once; a graceful stop can be made immediate
 * later (a second Ctrl-C), never the other way. Interrupts — the abort signal, SIGINT and
 * SIGTERM — ask for a graceful stop the first time and an immediate one the second.
 *
 * @module
 */

import type { StopReason } from "./run_outcome.ts";

/** A stop asked for. */
export interface StopRequest {
  readonly reason: StopReason;
  readonly immediate: boolean;
}

/** Where interrupts come from. */
export interface InterruptSources {
  readonly signal?: AbortSignal;
  /** Listen for SIGINT and SIGTERM (SIGINT only on Windows). */
  readonly handleSignals?: boolean;
}

/**
 * A run's stop state plus a change notification for the phases that wait.
 *
 * @example
 * ```ts
 * const control = new StopControl();
 * const detach = control.listen({ signal }, (immediate) => log(immediate ? "now" : "soon"));
 * while (control.request === undefined && !done) await control.nextChange();
 * detach();
 * ```
 */
export class StopControl {
  #request: { reason: StopReason; immediate: boolean } | undefined;
  #waiters: (() => void)[] = [];

  /** The stop asked for, if any. */
  get request(): StopRequest | undefined {
    return this.#request;
  }

  /** Whether an immediate stop was asked for. */
  get immediate(): boolean {
    return this.#request?.immediate ?? false;
  }

  /** Ask for a stop; the first reason is kept, `immediate` only ever turns on. */
  stop(reason: StopReason, immediate: boolean): void {
    if (this.#request === undefined) this.#request = { reason, immediate };
    else if (immediate) this.#request.immediate = true;
    this.notify();
  }

  /** Resolves at the next {@link StopControl.notify} (a stop, the schedule's end, …). */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wake every waiter. */
  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Turn interrupts into stops: the first graceful, the second immediate. `announce` is told
   * which one each interrupt caused. Returns the function that stops listening.
   */
  listen(sources: InterruptSources, announce: (immediate: boolean) => void): () => void {
    const onInterrupt = () => {
      if (this.#request === undefined) {
        announce(false);
        this.stop("interrupted", false);
      } else if (!this.#request.immediate) {
        announce(true);
        this.stop("interrupted", true);
      }
    };
    sources.signal?.addEventListener("abort", onInterrupt);
    if (sources.signal?.aborted) onInterrupt();
    const signals: Deno.Signal[] = !sources.handleSignals
      ? []
      : Deno.build.os === "windows"
      ? ["SIGINT"]
      : ["SIGINT", "SIGTERM"];
    for (const name of signals) Deno.addSignalListener(name, onInterrupt);
    return () => {
      sources.signal?.removeEventListener("abort", onInterrupt);
      for (const name of signals) Deno.removeSignalListener(name, onInterrupt);
    };
  }
}
