/**
 * Scenario errors: every problem found in a scenario file, each pinned to a file, line, column
 * and field, formatted `file:line:col: field: message` so editors and terminals can jump to it.
 *
 * @module
 */

/** One step of a path into the scenario document: a mapping key or a list index. */
export type PathSegment = string | number;

/**
 * A problem located by its path in the document (before it is pinned to a line and column).
 * `on: "key"` points at the mapping key rather than its value (unknown fields); `offset` is a
 * character offset inside the scalar's value (the bad token of a threshold expression or of a
 * flow template), honoured for single-line plain or quoted scalars and literal blocks.
 */
export interface PathIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly on?: "key" | "value";
  readonly offset?: number;
}

/** A problem pinned to the source: 1-based line and column. */
export interface ScenarioIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the field, e.g. `load.stages[1].target`; empty for the whole document. */
  readonly field: string;
  /** What is wrong or what was expected. */
  readonly message: string;
}

/**
 * The dotted form of a path: keys joined with dots, indexes in brackets, keys that are not
 * plain identifiers quoted.
 *
 * @example
 * ```ts
 * formatFieldPath(["load", "stages", 1, "target"]); // "load.stages[1].target"
 * ```
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * One issue as a line: `file:line:col: field: message`.
 *
 * @example
 * ```ts
 * formatIssue({ file: "a.yaml", line: 12, column: 14, field: "load.executor", message: "must be ..." });
 * // "a.yaml:12:14: load.executor: must be ..."
 * ```
 */
export function formatIssue(issue: ScenarioIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.field === ""
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.field}: ${issue.message}`;
}

/**
 * Thrown by the loader when a scenario is not valid; `issues` lists every problem found,
 * in source order, and `message` has one formatted line per issue.
 *
 * @example
 * ```ts
 * try { await loadScenario("scenarios/x.yaml"); }
 * catch (e) { if (e instanceof ScenarioError) console.error(e.message); }
 * ```
 */
export class ScenarioError extends Error {
  readonly file: string;
  readonly issues: readonly ScenarioIssue[];

  constructor(file: string, issues: readonly ScenarioIssue[]) {
    const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
    const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
    super(`${file}: ${count}\n${sorted.map(formatIssue).join("\n")}`);
    this.name = "ScenarioError";
    this.file = file;
    this.issues = sorted;
  }
}
