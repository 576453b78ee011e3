/**
 * Index patterns used by scenarios for user names, passwords, numbers and room names:
 * `{index}` is replaced by the index, `{index:N}` by the index zero-padded to N digits.
 *
 * @module
 */

const PLACEHOLDER = /\{index(?::([1-9][0-9]?))?\}/g;

/**
 * Expand an index pattern.
 *
 * @example
 * ```ts
 * expandIndexPattern("user{index:5}", 42); // "user00042"
 * expandIndexPattern("+1555{index:7}", 3);  // "+15550000003"
 * ```
 */
export function expandIndexPattern(pattern: string, index: number): string {
  return pattern.replace(
    PLACEHOLDER,
    (_whole, width: string | undefined) => String(index).padStart(Number(width ?? 0), "0"),
  );
}
