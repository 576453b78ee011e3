/**
 * When a call rate counts as sustained (the method of /work/shared/notes/anchors.md, applied the
 * same way to SIPp and to the lab): every call placed and finished within the nominal run time
 * (calls / rate) plus 5%, failed calls under 0.1% of the calls, and retransmissions under 1%
 * of the calls (UAC side, the side both SIPp and the lab UAC report).
 *
 * @module
 */

/** The counts of one bounded call run. */
export interface CallRunCounts {
  /** Calls asked for. */
  requested: number;
  /** Calls per second asked for. */
  rate: number;
  /** Calls placed. */
  attempted: number;
  succeeded: number;
  failed: number;
  /** UAC retransmissions (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E). */
  retransmissions: number;
  /** From the first call placed to the last one finished. */
  elapsedMs: number;
}

/** The thresholds (exclusive upper bounds, as fractions). */
export interface SustainedCriteria {
  /** Failed calls / requested calls must stay below this. */
  maxFailedRatio: number;
  /** Retransmissions / requested calls must stay below this. */
  maxRetransmissionRatio: number;
  /** Elapsed time may exceed the nominal run time by at most this fraction. */
  runTimeAllowance: number;
}

/** The bench's criteria: < 0.1% failed, < 1% retransmissions, run time + 5%. */
export const SUSTAINED_CRITERIA: SustainedCriteria = {
  maxFailedRatio: 0.001,
  maxRetransmissionRatio: 0.01,
  runTimeAllowance: 0.05,
};

/** Whether a run was sustained, and every reason it was not. */
export interface SustainedVerdict {
  sustained: boolean;
  reasons: string[];
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.01 ? 2 : 1)}%`;
}

/**
 * Judges one run.
 *
 * @example
 * ```ts
 * judgeSustained({ requested: 1000, rate: 500, attempted: 1000, succeeded: 1000, failed: 0,
 *   retransmissions: 0, elapsedMs: 2050 }); // { sustained: true, reasons: [] }
 * ```
 */
export function judgeSustained(
  run: CallRunCounts,
  criteria: SustainedCriteria = SUSTAINED_CRITERIA,
): SustainedVerdict {
  const reasons: string[] = [];
  const n = Math.max(1, run.requested);
  if (run.attempted < run.requested) {
    reasons.push(`placed ${run.attempted} of ${run.requested} calls`);
  }
  const finished = run.succeeded + run.failed;
  if (finished < run.attempted) reasons.push(`${run.attempted - finished} calls never finished`);
  if (run.failed / n >= criteria.maxFailedRatio) {
    reasons.push(
      `${run.failed} failed (${percent(run.failed / n)} ≥ ${percent(criteria.maxFailedRatio)})`,
    );
  }
  if (run.retransmissions / n >= criteria.maxRetransmissionRatio) {
    reasons.push(
      `${run.retransmissions} retransmissions (${percent(run.retransmissions / n)} ≥ ` +
        `${percent(criteria.maxRetransmissionRatio)})`,
    );
  }
  const nominalMs = (run.requested / run.rate) * 1000;
  const limitMs = nominalMs * (1 + criteria.runTimeAllowance);
  if (!(run.elapsedMs <= limitMs)) {
    reasons.push(
      `took ${run.elapsedMs.toFixed(1)} ms > ${limitMs.toFixed(1)} ms (run time + ${
        percent(criteria.runTimeAllowance)
      })`,
    );
  }
  return { sustained: reasons.length === 0, reasons };
}
