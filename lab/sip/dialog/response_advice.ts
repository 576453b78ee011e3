/**
 * A response the UA core should send, as decided by a dialog usage: the core builds it from
 * the request (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq copied) and adds these fields.
 *
 * @module
 */

/** What to answer a request with. */
export interface ResponseAdvice {
  status: number;
  reason: string;
  /** Extra header fields (Expires, Min-Expires, Allow-Events, Contact…), in order. */
  headers: Array<[name: string, value: string]>;
  /** The To tag to add when the request had none (a dialog-creating request, §8.2.6.2). */
  toTag?: string;
}

/**
 * Shorthand for a {@link ResponseAdvice}.
 *
 * @example
 * ```ts
 * advise(423, "Interval Too Brief", [["Min-Expires", "60"]]);
 * ```
 */
export function advise(
  status: number,
  reason: string,
  headers: Array<[string, string]> = [],
): ResponseAdvice {
  return { status, reason, headers };
}
