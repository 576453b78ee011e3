/**
 * Newline-delimited JSON as a killed writer leaves it: every complete line parses, the last
 * line may be cut anywhere (the writer died mid-write), and readers skip it.
 *
 * @module
 */

/** Parsed lines and how many were skipped (a cut last line, or a corrupt one). */
export interface NdjsonRead<T> {
  readonly records: T[];
  readonly skipped: number;
}

/**
 * Parse NDJSON text; a last line without its newline, and any line that is not a JSON object,
 * is skipped and counted.
 *
 * @example
 * ```ts
 * parseNdjson('{"a":1}\n{"a":2}\n{"a"'); // { records: [{ a: 1 }, { a: 2 }], skipped: 1 }
 * ```
 */
export function parseNdjson<T = Record<string, unknown>>(text: string): NdjsonRead<T> {
  const lines = text.split("\n");
  // Text ending in "\n" splits into a last empty element; anything else there was cut short.
  const tail = lines.pop() ?? "";
  let skipped = tail.trim() === "" ? 0 : 1;
  const records: T[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        records.push(value as T);
        continue;
      }
    } catch {
      // A corrupt line: counted below.
    }
    skipped++;
  }
  return { records, skipped };
}

/**
 * Serialize records as NDJSON (each line ends with "\n").
 *
 * @example
 * ```ts
 * toNdjson([{ a: 1 }, { b: 2 }]); // '{"a":1}\n{"b":2}\n'
 * ```
 */
export function toNdjson(records: readonly unknown[]): string {
  let text = "";
  for (const record of records) text += JSON.stringify(record) + "\n";
  return text;
}
