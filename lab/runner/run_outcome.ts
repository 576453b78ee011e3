/**
 * How a run ended: why it stopped and the process exit code that says so.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | every threshold passed (or there were none) |
 * | 1 | runtime error: an agent or a driver failed |
 * | 2 | scenario error: invalid file, workload not available yet, wrong usage |
 * | 99 | a threshold failed, also when `abortOnFail` stopped the run (k6's code) |
 * | 130 | interrupted: Ctrl-C, SIGTERM or the abort signal (128 + SIGINT, the shell's way) |
 *
 * @module
 */

import { THRESHOLDS_FAILED_EXIT_CODE } from "../scenario/mod.ts";

/** Process exit codes of a run. */
export const RUN_EXIT_CODES = {
  passed: 0,
  runtimeError: 1,
  scenarioError: 2,
  thresholdsFailed: THRESHOLDS_FAILED_EXIT_CODE,
  interrupted: 130,
} as const;

/** Why a run stopped. */
export type StopReason = "completed" | "max-duration" | "interrupted" | "thresholds" | "error";

/** How a run ended, beside its summary. */
export interface RunOutcome {
  readonly exitCode: number;
  /** The run's results folder. */
  readonly resultsDir: string;
  readonly stopReason: StopReason;
  /** The runtime error that ended the run, if one did. */
  readonly error?: string;
}

/**
 * The exit code of a finished run: an error first, then an interruption, then thresholds.
 *
 * @example
 * ```ts
 * runExitCode("completed", { failed: false, thresholdsPassed: false }); // 99
 * ```
 */
export function runExitCode(
  reason: StopReason,
  facts: { readonly failed: boolean; readonly thresholdsPassed: boolean },
): number {
  if (facts.failed || reason === "error") return RUN_EXIT_CODES.runtimeError;
  if (reason === "interrupted") return RUN_EXIT_CODES.interrupted;
  if (reason === "thresholds" || !facts.thresholdsPassed) return RUN_EXIT_CODES.thresholdsFailed;
  return RUN_EXIT_CODES.passed;
}
