/**
 * k6-style thresholds: pass/fail criteria on metrics, e.g. `p(95) < 300ms`, `rate < 0.001`,
 * `count > 1000`. An expression is `aggregation operator value`:
 *
 * - aggregations: `avg`, `min`, `max`, `med`, `p(N)` (0 < N ≤ 100), `count`, `rate`, `value`;
 * - operators: `<`, `<=`, `>`, `>=`, `==`, `!=`;
 * - value: a number; time aggregations (avg, min, max, med, p(N), value) take an optional unit
 *   `ms`, `s`, `m`, `h` (a bare number is milliseconds); `rate` takes an optional `%`.
 *
 * A threshold with `abortOnFail` stops the run as soon as it fails, but not before
 * `delayAbortEval` has elapsed (a grace period for warm-up). The run's exit code is 0 when every
 * threshold passes and {@link THRESHOLDS_FAILED_EXIT_CODE} otherwise.
 *
 * @module
 */

/** Exit code of a run whose thresholds failed (the value k6 uses). */
export const THRESHOLDS_FAILED_EXIT_CODE = 99;

/** What is computed from a metric before the comparison. */
export type Aggregation =
  | { readonly kind: "percentile"; readonly percentile: number }
  | { readonly kind: "avg" | "min" | "max" | "med" | "count" | "rate" | "value" };

/** Comparison operators. */
export type ComparisonOperator = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** A parsed expression; time values are in milliseconds. */
export interface ThresholdExpression {
  readonly source: string;
  readonly aggregation: Aggregation;
  readonly operator: ComparisonOperator;
  readonly value: number;
}

/** A metric name with optional tag filters: `call_setup_time{transport:udp}`. */
export interface MetricSelector {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One threshold of a scenario. */
export interface Threshold {
  /** The key as written in the scenario, e.g. `call_setup_time{transport:udp}`. */
  readonly metric: string;
  readonly selector: MetricSelector;
  readonly expression: ThresholdExpression;
  readonly abortOnFail: boolean;
  /** Failures do not abort before this much of the run has elapsed. */
  readonly delayAbortEvalMs: number;
}

/**
 * What a threshold reads from a metric. The metrics layer implements it; values are undefined
 * while there is no sample. `rate` is the fraction of non-zero samples (k6 "rate" metrics), in
 * [0, 1]; times are milliseconds.
 */
export interface MetricSnapshot {
  percentile(p: number): number | undefined;
  readonly count: number;
  readonly rate: number | undefined;
  readonly avg: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly value: number | undefined;
}

/** The outcome of one threshold. */
export interface ThresholdResult {
  readonly threshold: Threshold;
  /** The aggregated value; undefined when the metric has no samples (the threshold fails). */
  readonly observed: number | undefined;
  readonly passed: boolean;
}

/** The outcome of every threshold at one moment. */
export interface ThresholdEvaluation {
  readonly results: readonly ThresholdResult[];
  readonly passed: boolean;
  /** The failed `abortOnFail` thresholds past their grace period; the run must stop if any. */
  readonly abortingFailures: readonly ThresholdResult[];
}

/** A malformed expression; `offset` is the character where the problem starts. */
export class ThresholdSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = "ThresholdSyntaxError";
  }
}

const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const OPERATORS: readonly ComparisonOperator[] = ["<=", ">=", "==", "!=", "<", ">"];
const SIMPLE_AGGREGATIONS = ["avg", "min", "max", "med", "count", "rate", "value"] as const;
const AGGREGATION_LIST = "avg, min, max, med, p(N), count, rate or value";

/**
 * Parse an expression; throws {@link ThresholdSyntaxError} with the offending offset.
 *
 * @example
 * ```ts
 * parseThresholdExpression("p(95) < 300ms");
 * // { aggregation: { kind: "percentile", percentile: 95 }, operator: "<", value: 300, ... }
 * parseThresholdExpression("rate < 0.1%").value; // 0.001
 * ```
 */
export function parseThresholdExpression(source: string): ThresholdExpression {
  const scanner = new Scanner(source);
  const aggregation = parseAggregation(scanner);
  const operator = parseOperator(scanner);
  const value = parseValue(scanner, aggregation);
  scanner.skipSpace();
  if (!scanner.atEnd()) {
    throw new ThresholdSyntaxError(
      `unexpected "${scanner.rest()}" after the value`,
      scanner.position,
    );
  }
  return { source, aggregation, operator, value };
}

function parseAggregation(scanner: Scanner): Aggregation {
  scanner.skipSpace();
  const start = scanner.position;
  const word = scanner.match(/[A-Za-z_][A-Za-z0-9_]*/y);
  if (word === "p") {
    scanner.skipSpace();
    if (!scanner.take("(")) throw new ThresholdSyntaxError("expected ( after p", scanner.position);
    scanner.skipSpace();
    const numberStart = scanner.position;
    const text = scanner.match(/\d+(\.\d+)?/y);
    const percentile = Number(text);
    if (text === undefined || !(percentile > 0 && percentile <= 100)) {
      throw new ThresholdSyntaxError(
        "expected a percentile above 0 and at most 100, e.g. p(95)",
        numberStart,
      );
    }
    scanner.skipSpace();
    if (!scanner.take(")")) {
      throw new ThresholdSyntaxError("expected ) after the percentile", scanner.position);
    }
    return { kind: "percentile", percentile };
  }
  const simple = SIMPLE_AGGREGATIONS.find((name) => name === word);
  if (simple === undefined) {
    const found = word === undefined ? "" : ` instead of "${word}"`;
    throw new ThresholdSyntaxError(`expected ${AGGREGATION_LIST}${found}`, start);
  }
  return { kind: simple };
}

function parseOperator(scanner: Scanner): ComparisonOperator {
  scanner.skipSpace();
  const operator = OPERATORS.find((op) => scanner.take(op));
  if (operator === undefined) {
    throw new ThresholdSyntaxError(
      "expected a comparison operator: <, <=, >, >=, == or !=",
      scanner.position,
    );
  }
  return operator;
}

function parseValue(scanner: Scanner, aggregation: Aggregation): number {
  scanner.skipSpace();
  const start = scanner.position;
  const text = scanner.match(/-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/y);
  if (text === undefined) throw new ThresholdSyntaxError("expected a number", start);
  const number = Number(text);
  scanner.skipSpace();
  const unitStart = scanner.position;
  const unit = scanner.match(/%|[A-Za-z]+/y);
  if (unit === undefined) return number;
  const timed = aggregation.kind !== "count" && aggregation.kind !== "rate";
  if (unit === "%" && aggregation.kind === "rate") return number / 100;
  if (timed && unit in TIME_UNITS_MS) return number * TIME_UNITS_MS[unit];
  const allowed = aggregation.kind === "rate"
    ? "rate takes a fraction like 0.001 or a percentage like 0.1%"
    : aggregation.kind === "count"
    ? "count takes a plain number"
    : "units are ms, s, m or h";
  throw new ThresholdSyntaxError(`unexpected unit "${unit}": ${allowed}`, unitStart);
}

class Scanner {
  position = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  rest(): string {
    return this.text.slice(this.position);
  }

  skipSpace(): void {
    while (this.text[this.position] === " " || this.text[this.position] === "\t") this.position++;
  }

  take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.position)) return false;
    this.position += literal.length;
    return true;
  }

  /** Match a sticky regex at the current position and consume it. */
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.position += found[0].length;
    return found[0];
  }
}

/**
 * Split `name{tag:value,tag2:value2}` into a name and tag filters.
 *
 * @example
 * ```ts
 * parseMetricSelector("call_setup_time{transport:udp}");
 * // { name: "call_setup_time", tags: { transport: "udp" } }
 * ```
 */
export function parseMetricSelector(metric: string): MetricSelector {
  const brace = metric.indexOf("{");
  if (brace < 0) return { name: metric, tags: {} };
  if (!metric.endsWith("}")) throw new ThresholdSyntaxError("expected } at the end", metric.length);
  const tags: Record<string, string> = {};
  let offset = brace + 1;
  for (const part of metric.slice(brace + 1, -1).split(",")) {
    const colon = part.indexOf(":");
    const tag = part.slice(0, colon).trim();
    if (colon < 0 || tag === "") {
      throw new ThresholdSyntaxError(`expected tag:value instead of "${part}"`, offset);
    }
    tags[tag] = part.slice(colon + 1).trim();
    offset += part.length + 1;
  }
  return { name: metric.slice(0, brace), tags };
}

/**
 * The aggregated value of a snapshot for an aggregation (undefined without samples).
 *
 * @example
 * ```ts
 * aggregate(snapshot, { kind: "percentile", percentile: 95 }); // snapshot.percentile(95)
 * ```
 */
export function aggregate(snapshot: MetricSnapshot, aggregation: Aggregation): number | undefined {
  switch (aggregation.kind) {
    case "percentile":
      return snapshot.percentile(aggregation.percentile);
    case "med":
      return snapshot.percentile(50);
    case "count":
      return snapshot.count;
    default:
      return snapshot[aggregation.kind];
  }
}

function compare(observed: number, operator: ComparisonOperator, limit: number): boolean {
  switch (operator) {
    case "<":
      return observed < limit;
    case "<=":
      return observed <= limit;
    case ">":
      return observed > limit;
    case ">=":
      return observed >= limit;
    case "==":
      return observed === limit;
    case "!=":
      return observed !== limit;
  }
}

/**
 * Evaluate one threshold against its metric's snapshot (undefined when the metric was never
 * recorded: the threshold fails, so a misspelt metric name cannot pass silently).
 *
 * @example
 * ```ts
 * evaluateThreshold(threshold, snapshot); // { threshold, observed: 212.5, passed: true }
 * ```
 */
export function evaluateThreshold(
  threshold: Threshold,
  snapshot: MetricSnapshot | undefined,
): ThresholdResult {
  const observed = snapshot === undefined
    ? undefined
    : aggregate(snapshot, threshold.expression.aggregation);
  const passed = observed !== undefined &&
    compare(observed, threshold.expression.operator, threshold.expression.value);
  return { threshold, observed, passed };
}

/**
 * Evaluate every threshold. `snapshotOf` returns the snapshot for a metric selector;
 * `elapsedMs` is the time since the run started, for the `delayAbortEval` grace periods.
 * A failed `abortOnFail` threshold whose metric has no samples yet does not abort.
 *
 * @example
 * ```ts
 * const evaluation = evaluateThresholds(scenario.thresholds, (s) => metrics.snapshot(s), 12_000);
 * if (evaluation.abortingFailures.length > 0) runner.abort();
 * ```
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  snapshotOf: (selector: MetricSelector) => MetricSnapshot | undefined,
  elapsedMs: number,
): ThresholdEvaluation {
  const results = thresholds.map((t) => evaluateThreshold(t, snapshotOf(t.selector)));
  const abortingFailures = results.filter((r) =>
    !r.passed && r.observed !== undefined && r.threshold.abortOnFail &&
    elapsedMs >= r.threshold.delayAbortEvalMs
  );
  return { results, passed: results.every((r) => r.passed), abortingFailures };
}

/**
 * The process exit code for a finished run's threshold evaluation.
 *
 * @example
 * ```ts
 * Deno.exit(thresholdsExitCode(evaluation)); // 0 or 99
 * ```
 */
export function thresholdsExitCode(evaluation: ThresholdEvaluation): number {
  return evaluation.passed ? 0 : THRESHOLDS_FAILED_EXIT_CODE;
}
