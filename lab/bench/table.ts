/**
 * The bench's one result table, as aligned Markdown (readable in a terminal, pasteable into
 * notes): figure | ours | peer | peer figure (same run) | ratio (ours / peer). Reference peers
 * are labelled "reference (...), not same run" and their ratio carries "(ref)". Notes follow
 * the table.
 *
 * @module
 */
import { type FigureRow, rowRatio } from "./figure.ts";

const HEADER = ["figure", "ours", "peer", "peer figure (same run)", "ratio (ours/peer)"];

/**
 * `value` with thousands separators and `decimals` decimals; "—" when undefined.
 *
 * @example
 * ```ts
 * formatValue(19250.4); // "19,250"
 * ```
 */
export function formatValue(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

function cells(row: FigureRow): string[] {
  const decimals = row.decimals ?? 0;
  const ratio = rowRatio(row);
  const ratioText = ratio === undefined ? "—" : ratio.toFixed(2);
  switch (row.peer.kind) {
    case "none":
      return [row.figure, formatValue(row.ours, decimals), "—", "—", "—"];
    case "target":
      return [
        row.figure,
        formatValue(row.ours, decimals),
        "target",
        formatValue(row.peer.value, decimals),
        ratioText,
      ];
    case "same-run":
      return [
        row.figure,
        formatValue(row.ours, decimals),
        row.peer.name,
        formatValue(row.peer.value, decimals),
        ratioText,
      ];
    case "reference":
      return [
        row.figure,
        formatValue(row.ours, decimals),
        `${row.peer.name}: reference (${row.peer.source}), not same run`,
        `${formatValue(row.peer.value, decimals)} (ref)`,
        ratio === undefined ? "—" : `${ratioText} (ref)`,
      ];
  }
}

/**
 * The table for `rows`, then one line per row note.
 *
 * @example
 * ```ts
 * console.log(formatBenchTable([{ figure: "parser (msg/s)", ours: 250000, peer: { kind: "none" } }]));
 * ```
 */
export function formatBenchTable(rows: readonly FigureRow[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((r) => r[column].length)));
  const line = (r: string[]) =>
    `| ${
      r.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join(" | ")
    } |`;
  const rule = `|${
    widths.map((w, i) => (i === 0 || i === 2 ? ` ${"-".repeat(w)} ` : ` ${"-".repeat(w - 1)}: `))
      .join("|")
  }|`;
  const notes = rows.filter((r) => r.note !== undefined).map((r) => `- ${r.figure}: ${r.note}`);
  return [
    line(table[0]),
    rule,
    ...table.slice(1).map(line),
    ...(notes.length ? ["", ...notes] : []),
  ]
    .join("\n");
}
