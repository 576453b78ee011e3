/**
 * What a benchmark figure is, for `deno task bench`: a named measurement that yields rows of
 * the one result table (figure | ours | peer | peer figure | ratio) plus free-form details for
 * the JSON file.
 *
 * A peer figure is either measured in the same run (`same-run`, the only kind a ratio is
 * trusted for: the machines are shared and noisy), or a published / noted number
 * (`reference`, shown with its source and its ratio marked "ref"), or absent.
 *
 * Adding a figure: implement {@link BenchFigure} in its own module and list it in figures.ts.
 * Planned ones fit this shape as they are: sign-in per second against Microsoft's published
 * ramp of about 12 per second (a `reference` peer), presence fan-out (NOTIFYs per second per
 * PUBLISH), and the dashboard's cost (CPU-ms per second of run while it streams).
 *
 * @module
 */

/** Where a peer's value comes from. */
export type PeerSource =
  /** Measured by this bench run, side by side with ours. */
  | { kind: "same-run"; name: string; value: number }
  /** A number from documentation or notes: not comparable run-to-run, shown as a reference. */
  | { kind: "reference"; name: string; value: number; source: string }
  /** Not a peer but the figure's own target (a rate asked for): ratio = achieved / asked. */
  | { kind: "target"; value: number }
  /** No peer for this figure on this machine. */
  | { kind: "none" };

/** One row of the result table. */
export interface FigureRow {
  /** What is measured, with its unit: "parser, 700-byte INVITE (msg/s)". */
  figure: string;
  /** Our value; undefined when it could not be measured (see `note`). */
  ours?: number;
  peer: PeerSource;
  /** Decimals to print values with (default 0). */
  decimals?: number;
  /** Why a value is missing, or how to read it; printed under the table. */
  note?: string;
}

/** The outcome of one figure. */
export interface FigureOutcome {
  rows: FigureRow[];
  /** Everything measured, for the JSON file (probe steps, raw results). */
  details: unknown;
}

/** What a figure may use while it runs. */
export interface BenchContext {
  /** The ~1 minute version: fewer and shorter steps. */
  readonly quick: boolean;
  /** Progress lines (stderr), so the table on stdout stays alone. */
  log(line: string): void;
}

/** One figure of the bench. */
export interface BenchFigure {
  /** Name used by `--only` (e.g. "parser"). */
  readonly id: string;
  /** One line saying what it measures. */
  readonly title: string;
  run(context: BenchContext): Promise<FigureOutcome>;
}

/**
 * ours / peer for a peer with a value (reference or same run); undefined otherwise.
 *
 * @example
 * ```ts
 * rowRatio({ figure: "x", ours: 50, peer: { kind: "same-run", name: "SIPp", value: 200 } }); // 0.25
 * ```
 */
export function rowRatio(row: FigureRow): number | undefined {
  if (row.ours === undefined || row.peer.kind === "none" || row.peer.value === 0) return undefined;
  return row.ours / row.peer.value;
}
