/**
 * The command line of `deno task bench`: `[--quick] [--only id,id...] [--help]`.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Parsed options. */
export interface BenchArgs {
  /** The ~1 minute version. */
  quick: boolean;
  /** Figure ids to run, in the bench's order; undefined for all. */
  only?: string[];
  help: boolean;
}

/** A command line the bench cannot run. */
export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

/**
 * The usage text, naming the figure ids.
 *
 * @example
 * ```ts
 * console.log(benchUsage(["parser", "e2e"]));
 * ```
 */
export function benchUsage(ids: readonly string[]): string {
  return [
    "usage: deno task bench [--quick] [--only <id>[,<id>...]]",
    "",
    "Runs the lab's figures next to their peers' (measured in the same run) and prints one",
    "table; the full results go to results/bench-<timestamp>.json.",
    "",
    "  --quick         shorter and fewer steps (about a minute)",
    `  --only <ids>    only these figures: ${ids.join(", ")}`,
    "",
  ].join("\n");
}

/**
 * Parses `argv`; throws {@link BenchUsageError} on unknown options or figure ids.
 *
 * @example
 * ```ts
 * parseBenchArgs(["--quick", "--only", "parser,e2e"], ["parser", "e2e", "runner"]);
 * // { quick: true, only: ["parser", "e2e"], help: false }
 * ```
 */
export function parseBenchArgs(argv: readonly string[], ids: readonly string[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean", default: false },
        only: { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const { quick, only, help } = parsed.values;
  if (only === undefined) return { quick: quick === true, help: help === true };
  const wanted = new Set(only.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean));
  const unknown = [...wanted].filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    throw new BenchUsageError(`unknown figure ${unknown.join(", ")} (known: ${ids.join(", ")})`);
  }
  if (wanted.size === 0) throw new BenchUsageError("--only needs at least one figure id");
  return { quick: quick === true, only: ids.filter((id) => wanted.has(id)), help: help === true };
}
