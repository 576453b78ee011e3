/**
 * `lab validate <file>...`: check scenario files without running them. Prints `ok` lines for
 * valid files and `file:line:col: field: message` lines for every problem.
 *
 * @module
 */

import { ScenarioError } from "./errors.ts";
import { loadScenario } from "./load.ts";
import { WORKLOAD_STATUS } from "./types.ts";

/** Where the command writes. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Validate each file; returns the exit code: 0 when all are valid, 1 when any is not, 2 on
 * wrong usage.
 *
 * @example
 * ```ts
 * Deno.exit(await validateCommand(["scenarios/basic-call.yaml"], {
 *   out: console.log, err: console.error,
 * }));
 * ```
 */
export async function validateCommand(
  files: readonly string[],
  output: CommandOutput,
): Promise<number> {
  if (files.length === 0) {
    output.err("usage: lab validate <scenario.yaml>...");
    return 2;
  }
  let status = 0;
  for (const file of files) {
    try {
      const scenario = await loadScenario(file);
      const planned = scenario.workloads
        .filter((w) => WORKLOAD_STATUS[w.kind] === "planned")
        .map((w) => w.kind);
      const note = planned.length > 0
        ? ` (not available yet: ${[...new Set(planned)].join(", ")})`
        : "";
      output.out(`${file}: ok — ${scenario.name}, ${scenario.load.executor}${note}`);
    } catch (error) {
      status = 1;
      if (error instanceof ScenarioError) output.err(error.message);
      else if (error instanceof Deno.errors.NotFound) output.err(`${file}: no such file`);
      else throw error;
    }
  }
  return status;
}
