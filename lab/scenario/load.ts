/**
 * Loading a scenario: YAML text → syntax check → JSON Schema check → cross-field checks and
 * normalization → {@link Scenario}. Every problem is reported as a {@link ScenarioError} whose
 * issues name the file, line, column and field and say what was expected.
 *
 * @module
 */

import { dirname } from "node:path";
import { formatFieldPath, type PathIssue, ScenarioError, type ScenarioIssue } from "./errors.ts";
import { checkSections, normalizeScenario, type SelfContainedSection } from "./normalize.ts";
import { validateScenarioShape } from "./schema.ts";
import type { Scenario } from "./types.ts";
import { YamlSource } from "./yaml_source.ts";

const SELF_CONTAINED: readonly SelfContainedSection[] = ["flow", "thresholds"];

/** Options of {@link parseScenario}. */
export interface ParseOptions {
  /** Folder relative file names (CSV, CA) are resolved against; default: the file's folder. */
  readonly baseDir?: string;
}

/**
 * Parse and validate scenario text. `fileName` is used in messages and to resolve relative
 * paths. Throws {@link ScenarioError} listing every problem.
 *
 * @example
 * ```ts
 * const scenario = parseScenario(await Deno.readTextFile(path), path);
 * scenario.load.executor; // "constant-arrival-rate"
 * ```
 */
export function parseScenario(
  text: string,
  fileName: string,
  options: ParseOptions = {},
): Scenario {
  const source = YamlSource.parse(text);
  if (source.problems.length > 0) {
    throw new ScenarioError(
      fileName,
      source.problems.map((p) => ({ file: fileName, ...p, field: "", message: p.message })),
    );
  }
  const data = source.toData();
  const pin = (issue: PathIssue): ScenarioIssue => ({
    file: fileName,
    ...source.positionOf(issue),
    field: formatFieldPath(issue.path),
    message: issue.message,
  });
  const normalizeOptions = { file: fileName, baseDir: options.baseDir ?? dirname(fileName) };
  const shapeIssues = validateScenarioShape(data);
  if (shapeIssues.length > 0) {
    // Report the deeper problems of sections the schema passed along with the schema problems.
    const clean = SELF_CONTAINED.filter((section) =>
      !shapeIssues.some((issue) => issue.path.length === 0 || issue.path[0] === section)
    );
    const deeper = checkSections(data, clean, normalizeOptions);
    throw new ScenarioError(fileName, [...shapeIssues, ...deeper].map(pin));
  }
  const result = normalizeScenario(data, normalizeOptions);
  if (!result.ok) throw new ScenarioError(fileName, result.issues.map(pin));
  return result.scenario;
}

/**
 * Pin a problem found after loading (by the runner, say) to its line and column in the
 * scenario text, for a {@link ScenarioError}.
 *
 * @example
 * ```ts
 * locateIssue(text, "x.yaml", { path: ["workloads", 1, "kind"], message: "not available yet" });
 * // { file: "x.yaml", line: 14, column: 11, field: "workloads[1].kind", message: "…" }
 * ```
 */
export function locateIssue(text: string, fileName: string, issue: PathIssue): ScenarioIssue {
  return {
    file: fileName,
    ...YamlSource.parse(text).positionOf(issue),
    field: formatFieldPath(issue.path),
    message: issue.message,
  };
}

/**
 * Read, parse and validate a scenario file. Throws {@link ScenarioError} when it is not valid
 * (and the file system's error when it cannot be read).
 *
 * @example
 * ```ts
 * const scenario = await loadScenario("scenarios/basic-call.yaml");
 * ```
 */
export async function loadScenario(path: string): Promise<Scenario> {
  return parseScenario(await Deno.readTextFile(path), path);
}
