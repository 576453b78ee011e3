/**
 * What a run shows of itself while it goes, for a live dashboard: the hooks' arguments
 * (`RunOptions.onStart`, `onSecond`, `onIterationFailed`) and the drill-down over every
 * driver's recent users.
 *
 * @module
 */

import type { MetricsRegistry, ThresholdOutcome } from "../metrics/mod.ts";
import type { Scenario } from "../scenario/mod.ts";
import type { ScheduleControl } from "./schedule_control.ts";
import type { OutcomeDiagnostics, UserActivity, UserActivitySource } from "./workload.ts";

/** A running scenario, as `RunOptions.onStart` gets it once its agents and drivers are up. */
export interface LiveRun {
  readonly scenario: Scenario;
  /** The run's registry; snapshot it only through `onSecond` (a snapshot starts an interval). */
  readonly metrics: MetricsRegistry;
  /** Pause, resume, arrival rate, stop. */
  readonly control: ScheduleControl;
  /** The thresholds' outcomes at the last second ([] before the first). */
  thresholds(): readonly ThresholdOutcome[];
  /** The drivers' recent users; undefined when no driver keeps any. */
  readonly users: UserActivitySource | undefined;
}

/** An iteration that ended with `ok: false`, for an error panel. */
export interface IterationFailure {
  /** When it ended, ms since the epoch (the run's clock). */
  readonly at: number;
  /** The workload's name. */
  readonly workload: string;
  /** The user's name in the population. */
  readonly user: string;
  /** Final SIP status that decided it, when there was one. */
  readonly status?: number;
  readonly reason?: string;
  /** The failing response's ms-diagnostics (MS-OCER §2.2.1), when it carried one. */
  readonly diagnostics?: OutcomeDiagnostics;
}

/**
 * One drill-down over several drivers: a user is looked up in each in turn; the lists are
 * interleaved, so every driver's first ids (its users in an iteration) come early. Undefined
 * for no source.
 *
 * @example
 * ```ts
 * const users = combineUserSources([callDriver.users, otherDriver.users].filter(Boolean));
 * users?.inspect("caller0017");
 * ```
 */
export function combineUserSources(
  sources: readonly UserActivitySource[],
): UserActivitySource | undefined {
  if (sources.length === 0) return undefined;
  if (sources.length === 1) return sources[0];
  return {
    inspect(id: string): UserActivity | undefined {
      for (const source of sources) {
        const found = source.inspect(id);
        if (found !== undefined) return found;
      }
      return undefined;
    },
    list(limit: number): string[] {
      const ids = new Set<string>();
      const lists = sources.map((source) => source.list(limit));
      for (let i = 0; ids.size < limit && lists.some((list) => i < list.length); i++) {
        for (const list of lists) {
          if (i < list.length && ids.size < limit) ids.add(list[i]);
        }
      }
      return [...ids];
    },
  };
}
