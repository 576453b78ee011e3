/**
 * Errors by final status and ms-diagnostics code, with the latest examples, for the
 * dashboard's error panel. Recording is a Map update and a ring-buffer write; the dashboard
 * reads it once per second.
 *
 * @module
 */

import type { ErrorCount, ErrorExample, ErrorSource } from "./control.ts";

/** One error to record. */
export interface ErrorRecord {
  /** Final SIP status, or `timeout` / `transport` when there was none. */
  readonly status: number | string;
  /**
   * The response's ms-diagnostics (or ms-diagnostics-public): the header value, or its code and
   * reason already parsed (an iteration outcome's `diagnostics`).
   */
  readonly diagnostics?: string | Diagnostics;
  readonly method?: string;
  readonly user?: string;
  /** What happened, in a line. */
  readonly text?: string;
  /** When, ms since the epoch (default: now). */
  readonly at?: number;
}

/** An ms-diagnostics ErrorId and its reason. */
export interface Diagnostics {
  /** ErrorId, with its SubErrorIds (`1034`, `1034.2`). */
  readonly code: string;
  readonly reason?: string;
}

/**
 * Parse an ms-diagnostics or ms-diagnostics-public value (MS-OCER §2.2.1.1, §2.2.1.2:
 * `ErrorId *("." SubErrorId) SEMI reason-param [SEMI source-param] *(SEMI generic-param)`).
 * Only the first entry is read. Undefined when the value does not start with an ErrorId.
 *
 * @example
 * ```ts
 * parseDiagnostics('2141;reason="Delegate version is out of date";source="fe01"');
 * // { code: "2141", reason: "Delegate version is out of date" }
 * ```
 */
export function parseDiagnostics(value: string): Diagnostics | undefined {
  const match = /^\s*(\d+(?:\.\d+)*)\s*(?:;(.*))?$/s.exec(value);
  if (match === null) return undefined;
  const reason = /(?:^|;)\s*reason\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(match[2] ?? "");
  return {
    code: match[1],
    ...(reason === null ? {} : { reason: reason[1].replace(/\\(.)/g, "$1") }),
  };
}

/** Options of an {@link ErrorLog}. */
export interface ErrorLogOptions {
  /** Examples kept (default 20). */
  readonly keep?: number;
  /** Wall clock (default `Date.now`). */
  readonly clock?: () => number;
}

/**
 * Counts errors by status and ms-diagnostics code and keeps the latest ones.
 *
 * @example
 * ```ts
 * const errors = new ErrorLog();
 * errors.record({ status: 480, diagnostics: '15026;reason="User unavailable"', method: "INVITE" });
 * errors.counts(); // [{ status: "480", code: "15026", reason: "User unavailable", count: 1 }]
 * ```
 */
export class ErrorLog implements ErrorSource {
  readonly #counts = new Map<
    string,
    { status: string; code?: string; reason?: string; count: number }
  >();
  readonly #ring: (ErrorExample | undefined)[];
  readonly #clock: () => number;
  #next = 0;

  constructor(options: ErrorLogOptions = {}) {
    const keep = options.keep ?? 20;
    if (!(Number.isInteger(keep) && keep > 0)) {
      throw new RangeError("keep must be a positive integer");
    }
    this.#ring = new Array(keep);
    this.#clock = options.clock ?? Date.now;
  }

  record(error: ErrorRecord): void {
    const status = String(error.status);
    const diagnostics = typeof error.diagnostics === "string"
      ? parseDiagnostics(error.diagnostics)
      : error.diagnostics === undefined
      ? undefined
      : {
        code: error.diagnostics.code,
        ...(error.diagnostics.reason === undefined ? {} : { reason: error.diagnostics.reason }),
      };
    const key = diagnostics === undefined ? status : `${status} ${diagnostics.code}`;
    const counted = this.#counts.get(key);
    if (counted !== undefined) counted.count++;
    else {
      this.#counts.set(key, { status, ...diagnostics, count: 1 });
    }
    this.#ring[this.#next] = {
      at: error.at ?? this.#clock(),
      status,
      ...diagnostics,
      ...(error.method === undefined ? {} : { method: error.method }),
      ...(error.user === undefined ? {} : { user: error.user }),
      ...(error.text === undefined ? {} : { text: error.text }),
    };
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  /** Counts by status and code, largest first. */
  counts(): ErrorCount[] {
    return [...this.#counts.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count);
  }

  latest(limit: number): ErrorExample[] {
    const examples: ErrorExample[] = [];
    const size = this.#ring.length;
    for (let i = 1; i <= size && examples.length < limit; i++) {
      const example = this.#ring[(this.#next - i + size) % size];
      if (example === undefined) break;
      examples.push(example);
    }
    return examples;
  }
}
