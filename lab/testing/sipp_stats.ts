/**
 * Reading what SIPp reports: its `-trace_stat` CSV file and its exit code.
 *
 * CSV layout (SIPp 3.6, `sipp -h stat`): `;`-separated, one header row naming the counters,
 * then one row per `-fd` period plus a final row written at exit. `(P)` columns are periodic,
 * `(C)` cumulative since start. Date columns hold `date<TAB>time<TAB>epoch.micro`; durations
 * hold `HH:MM:SS:micro` (response times, call length) or `HH:MM:SS` (elapsed time).
 *
 * @module
 */

/** The counters of one statistics row that the lab uses, plus the whole row. */
export interface SippStats {
  /** TotalCallCreated. */
  created: number;
  /** SuccessfulCall(C). */
  successful: number;
  /** FailedCall(C). */
  failed: number;
  /** Retransmissions(C). */
  retransmissions: number;
  /** CurrentTime − StartTime, from the epoch part of both (microsecond precision). */
  elapsedMs: number;
  /** CallRate(C), calls per second. */
  callRate: number;
  /** ResponseTime1(C): mean time to the first response-time mark of the scenario, in ms. */
  responseTimeMs: number;
  /** The row as a record, header name → cell text. */
  raw: Record<string, string>;
}

/** `date<TAB>time<TAB>1795465617.091464` → epoch milliseconds. */
function epochMs(cell: string | undefined): number {
  const epoch = Number(cell?.split("\t").at(-1));
  return Number.isFinite(epoch) ? epoch * 1000 : NaN;
}

/**
 * SIPp's `HH:MM:SS:micro` duration cells (response times, call length) → milliseconds; NaN
 * for anything else.
 *
 * @example
 * ```ts
 * parseSippDuration("00:00:00:804000"); // 804
 * ```
 */
export function parseSippDuration(cell: string | undefined): number {
  const parts = cell?.split(":").map(Number);
  if (!parts || parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) return NaN;
  const [h, m, s, micro] = parts;
  return ((h * 60 + m) * 60 + s) * 1000 + micro / 1000;
}

function count(raw: Record<string, string>, column: string): number {
  const n = Number(raw[column]);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Parses the last complete row of a SIPp statistics CSV. Returns undefined when the file has
 * no data row (SIPp died before writing one).
 *
 * @example
 * ```ts
 * const stats = parseSippStatsCsv(await Deno.readTextFile("uac.csv"));
 * stats?.successful; // 20
 * ```
 */
export function parseSippStatsCsv(text: string, delimiter = ";"): SippStats | undefined {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.length > 0);
  if (lines.length < 2) return undefined;
  const header = lines[0].split(delimiter);
  // SIPp ends every row with the delimiter, so the last cell is empty: drop it.
  if (header.at(-1) === "") header.pop();
  // A row cut short by a crash mid-write is shorter than the header: take the last whole one.
  const row = lines.slice(1).map((l) => l.split(delimiter)).findLast((cells) =>
    cells.length >= header.length
  );
  if (!row) return undefined;
  const raw: Record<string, string> = {};
  header.forEach((name, i) => (raw[name] = row[i]));
  return {
    created: count(raw, "TotalCallCreated"),
    successful: count(raw, "SuccessfulCall(C)"),
    failed: count(raw, "FailedCall(C)"),
    retransmissions: count(raw, "Retransmissions(C)"),
    elapsedMs: epochMs(raw["CurrentTime"]) - epochMs(raw["StartTime"]),
    callRate: count(raw, "CallRate(C)"),
    responseTimeMs: parseSippDuration(raw["ResponseTime1(C)"]),
    raw,
  };
}

/**
 * What a SIPp exit code means (SIPp 3.6.1 `sipp -h`, "Exit codes"; negative codes appear as
 * 256 − n to the parent). Observed here: `-timeout` without `-timeout_error` exits 97, with it
 * 255; SIGTERM and SIGUSR1 both write the final statistics and exit 0 when no call failed.
 *
 * @example
 * ```ts
 * describeSippExit(1); // "at least one call failed"
 * ```
 */
export function describeSippExit(code: number): string {
  switch (code) {
    case 0:
      return "all calls successful";
    case 1:
      return "at least one call failed";
    case 97:
      return "exit on internal command (or -timeout reached without -timeout_error)";
    case 99:
      return "normal exit without calls processed";
    case 255:
      return "fatal error (-1), including -timeout reached with -timeout_error";
    case 254:
      return "fatal error binding a socket (-2)";
    default:
      return code > 128 && code < 160 ? `killed by signal ${code - 128}` : `unknown exit ${code}`;
  }
}
