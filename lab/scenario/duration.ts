/**
 * Durations as scenarios write them: a number followed by a unit, several such parts allowed
 * ("500ms", "30s", "2m", "1h", "1m30s", "1.5s"). Always converted to milliseconds.
 *
 * @module
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** One number+unit part; the whole text must be a sequence of such parts. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** What a duration must look like, used in error messages. */
export const DURATION_EXPECTATION = "a duration like 30s, 2m, 500ms or 1m30s";

/**
 * Parse a duration into milliseconds, or `undefined` when the text is not a duration.
 *
 * @example
 * ```ts
 * parseDuration("1m30s"); // 90000
 * parseDuration("500ms"); // 500
 * parseDuration("30");    // undefined (a unit is required)
 * ```
 */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null || match.index !== start) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return total;
}

/**
 * Like {@link parseDuration} but throws a `RangeError` naming the expected form.
 *
 * @example
 * ```ts
 * durationMs("2m"); // 120000
 * ```
 */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`"${text}" is not ${DURATION_EXPECTATION}`);
  return ms;
}
