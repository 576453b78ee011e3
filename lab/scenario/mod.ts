/**
 * Scenarios: the YAML language a load engineer writes (`scenarios/README.md`), its JSON Schema,
 * the loader with located error messages, and the pure pieces the runner drives — executors,
 * distributions, thresholds and the SIPp-like flow model.
 *
 * @example
 * ```ts
 * import { createExecutor, loadScenario } from "./lab/scenario/mod.ts";
 * const scenario = await loadScenario("scenarios/basic-call.yaml");
 * const executor = createExecutor(scenario.load, { startMs: performance.now() });
 * ```
 *
 * @module
 */

export { loadScenario, locateIssue, type ParseOptions, parseScenario } from "./load.ts";
export {
  formatFieldPath,
  formatIssue,
  type PathIssue,
  type PathSegment,
  ScenarioError,
  type ScenarioIssue,
} from "./errors.ts";
export { scenarioSchema, validateScenarioShape } from "./schema.ts";
export { DURATION_EXPECTATION, durationMs, parseDuration } from "./duration.ts";
export { expandIndexPattern } from "./index_pattern.ts";
export { deriveSeed, type RandomSource, Xoshiro128 } from "./prng.ts";
export {
  type ConstantDistribution,
  type CountDistribution,
  createCountSampler,
  createSampler,
  type Distribution,
  distributionMean,
  type DurationDistribution,
  type ExponentialDistribution,
  type LognormalDistribution,
  lognormalMedianFromMean,
  type PoissonDistribution,
  type UniformDistribution,
} from "./distributions.ts";
export {
  type ArrivalExecutor,
  createExecutor,
  type Executor,
  type ExecutorControl,
  type ExecutorOptions,
  type UsersExecutor,
} from "./executors.ts";
export {
  aggregate,
  type Aggregation,
  type ComparisonOperator,
  evaluateThreshold,
  evaluateThresholds,
  type MetricSelector,
  type MetricSnapshot,
  parseMetricSelector,
  parseThresholdExpression,
  type Threshold,
  type ThresholdEvaluation,
  type ThresholdExpression,
  type ThresholdResult,
  THRESHOLDS_FAILED_EXIT_CODE,
  thresholdsExitCode,
  ThresholdSyntaxError,
} from "./thresholds.ts";
export {
  type Capture,
  type CaptureDefinition,
  type CaptureResult,
  captureVariables,
  compileFlow,
  expectationMatches,
  type ExpectMatch,
  type FlowCompilation,
  type FlowDefinition,
  type FlowProgram,
  type FlowStep,
  type FlowStepDefinition,
  type IncomingMessage,
  matchIncoming,
  parseExpectMatch,
  shouldJump,
} from "./flow.ts";
export {
  isTemplateKeyword,
  renderTemplate,
  scanTemplate,
  type SuppliedKeyword,
  TEMPLATE_KEYWORDS,
  type TemplateContext,
  TemplateError,
  type TemplateKeyword,
  type TemplatePlaceholder,
} from "./flow_template.ts";
export { type CommandOutput, validateCommand } from "./validate_command.ts";
export * from "./types.ts";
