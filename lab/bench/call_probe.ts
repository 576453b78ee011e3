/**
 * One bounded end-to-end call run at one rate, for a UAC → UAS pair on loopback UDP: SIPp →
 * SIPp (the built-in `uac` / `uas` scenarios) or the lab UAC → the lab UAS (`lab serve`).
 * Both pairs are run the anchors' way (/work/shared/notes/anchors.md): the UAC pinned to one
 * core and the UAS to another with taskset, a fresh UAS per run, no hold time (`-d 0`), SIPp's
 * socket buffers at `-buff_size`. Deno cannot set a datagram socket's buffers, so the lab's
 * come from the kernel defaults (`net.core.rmem_default`, set by socket_buffers.ts).
 *
 * CPU time per side is the kernel's rusage of each reaped process (lab/testing's wrapper); for
 * the lab agents the CPU spent starting Deno (sampled from /proc when the agent prints
 * `listening`) is left out.
 *
 * @module
 */
import { runSipp, type SippResult, type SippServer, startSippServer } from "../testing/mod.ts";
import {
  type LabAgentExit,
  type LabUacRun,
  type LabUas,
  runLabUac,
  startLabUas,
} from "../../agents/interop/mod.ts";
import type { RateProbeOutcome } from "./rate_search.ts";
import { type CallRunCounts, judgeSustained, type SustainedVerdict } from "./sustained.ts";
import { readUdpCounters, type UdpCounters, udpCountersDelta } from "./udp_drops.ts";

/** How every probe runs. */
export interface CallProbeSettings {
  /** Nominal length of one run (calls = rate × this). */
  durationMs: number;
  /** Core the UAC is pinned to. */
  uacCore: number;
  /** Core the UAS is pinned to. */
  uasCore: number;
  /** SIPp `-buff_size`, bytes. */
  sippBufferSize: number;
}

/** How Deno's start-up CPU was kept out of the lab UAC's CPU time. */
export type StartupCpuHandling =
  /** Sampled from /proc when it printed `listening`, and subtracted (SIPp: nothing to do). */
  | "sampled"
  /**
   * Not left out: no sample was taken (the process was SIGKILLed, or /proc could not be read
   * when it printed `listening`), so the figure includes Deno's start-up.
   */
  | "included";

/** What one probe measured. */
export interface CallProbe {
  pair: "sipp" | "lab";
  rate: number;
  counts: CallRunCounts;
  verdict: SustainedVerdict;
  /** UAC CPU ms for the run (lab: after start-up, when sampled). */
  uacCpuMs?: number;
  uasCpuMs?: number;
  uacCpuMsPerCall?: number;
  uasCpuMsPerCall?: number;
  /** How the UAC's start-up CPU was left out. */
  uacStartupCpu: StartupCpuHandling;
  /** Kernel UDP drops during the run (machine-wide). */
  udpDrops?: UdpCounters;
  /** Call set-up times: lab p50/p95/p99 from its summary; SIPp mean response time as p50. */
  setupMs?: { p50: number; p95?: number; p99?: number };
  /** How the processes ended, for the JSON file. */
  exits: string;
}

/** A failed run's reasons gain the kernel's receive-buffer drops, when there were any. */
function noteDrops(verdict: SustainedVerdict, drops: UdpCounters | undefined): SustainedVerdict {
  if (verdict.sustained || drops === undefined || drops.rcvbufErrors <= 0) return verdict;
  return {
    ...verdict,
    reasons: [...verdict.reasons, `kernel dropped ${drops.rcvbufErrors} datagrams (RcvbufErrors)`],
  };
}

function perCall(cpuMs: number | undefined, calls: number): number | undefined {
  return cpuMs === undefined || calls <= 0 ? undefined : cpuMs / calls;
}

function callsFor(rate: number, settings: CallProbeSettings): number {
  return Math.max(1, Math.round((rate * settings.durationMs) / 1000));
}

/** The UAC's own limit: the run time plus 5% plus slack, in whole seconds. */
function sippTimeoutS(settings: CallProbeSettings): number {
  return Math.ceil((settings.durationMs * 1.05) / 1000 + 2);
}

/**
 * One SIPp uac → SIPp uas run at `rate` over UDP.
 *
 * @example
 * ```ts
 * const { sustained, detail } = await probeSippPair(2000, {
 *   durationMs: 3000, uacCore: 0, uasCore: 1, sippBufferSize: 4194304,
 * });
 * ```
 */
export async function probeSippPair(
  rate: number,
  settings: CallProbeSettings,
): Promise<RateProbeOutcome<CallProbe>> {
  const calls = callsFor(rate, settings);
  const before = await readUdpCounters();
  let uas: SippServer;
  try {
    uas = await startSippServer({
      transport: "u1",
      bufferSize: settings.sippBufferSize,
      cpuCore: settings.uasCore,
      maxCalls: 2 * calls + 1000,
      timeoutS: sippTimeoutS(settings) + 20,
      traceErrors: false,
    });
  } catch (error) {
    return abortWith("sipp", rate, calls, `SIPp uas did not start: ${message(error)}`);
  }
  let uac: SippResult;
  let served: SippResult;
  try {
    uac = await runSipp({
      scenario: "uac",
      remote: uas.address,
      transport: "u1",
      bufferSize: settings.sippBufferSize,
      cpuCore: settings.uacCore,
      rate,
      maxCalls: calls,
      callDurationMs: 0,
      timeoutS: sippTimeoutS(settings),
      traceErrors: false,
    });
  } finally {
    // SIGTERM: the final statistics are written at once (no 4 s time-wait of the uas).
    served = await uas.stop({ graceful: false });
  }
  const udpDrops = udpCountersDelta(before, await readUdpCounters());
  if (!uac.statsFound) {
    return abortWith(
      "sipp",
      rate,
      calls,
      `SIPp uac left no statistics: ${uac.exitMeaning}\n${uac.output}`,
    );
  }
  const counts: CallRunCounts = {
    requested: calls,
    rate,
    attempted: uac.created,
    succeeded: uac.successful,
    failed: uac.failed,
    retransmissions: uac.retransmissions,
    elapsedMs: uac.elapsedMs,
  };
  const verdict = noteDrops(judgeSustained(counts), udpDrops);
  return {
    sustained: verdict.sustained,
    detail: {
      pair: "sipp",
      rate,
      counts,
      verdict,
      uacCpuMs: uac.cpuMs,
      uasCpuMs: served.cpuMs,
      uacCpuMsPerCall: perCall(uac.cpuMs, uac.successful),
      uasCpuMsPerCall: perCall(served.cpuMs, uac.successful),
      uacStartupCpu: "sampled",
      udpDrops,
      setupMs: Number.isFinite(uac.responseTimeMs) ? { p50: uac.responseTimeMs } : undefined,
      exits: `uac: ${uac.exitMeaning}; uas: ${served.exitMeaning}, ` +
        `${served.retransmissions} retransmissions`,
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function abortWith(
  pair: CallProbe["pair"],
  rate: number,
  calls: number,
  why: string,
): RateProbeOutcome<CallProbe> {
  const counts: CallRunCounts = {
    requested: calls,
    rate,
    attempted: 0,
    succeeded: 0,
    failed: 0,
    retransmissions: 0,
    elapsedMs: 0,
  };
  return {
    sustained: false,
    abort: why,
    detail: {
      pair,
      rate,
      counts,
      verdict: { sustained: false, reasons: [why] },
      uacStartupCpu: "sampled",
      exits: why,
    },
  };
}

/** Start-up allowance for the lab UAC's Deno process before its calls begin. */
const LAB_STARTUP_ALLOWANCE_MS = 8000;
/** How long past its run time + 5% a lab UAC may go on before it is ended. */
const LAB_RUN_SLACK_MS = 1500;

/**
 * One lab UAC → lab UAS run at `rate` over UDP (`lab serve`).
 *
 * @example
 * ```ts
 * const { sustained, detail } = await probeLabPair(500, {
 *   durationMs: 3000, uacCore: 0, uasCore: 1, sippBufferSize: 4194304,
 * });
 * ```
 */
export async function probeLabPair(
  rate: number,
  settings: CallProbeSettings,
): Promise<RateProbeOutcome<CallProbe>> {
  const calls = callsFor(rate, settings);
  const labAbort = (why: string) => abortWith("lab", rate, calls, why);
  const before = await readUdpCounters();
  // Ended once it is past its run time + 5% (plus slack for the last calls) after it got
  // ready: it has failed by then; the overall deadline also bounds Deno's start-up.
  const runDeadlineMs = settings.durationMs * 1.05 + LAB_RUN_SLACK_MS;
  const deadlineMs = runDeadlineMs + LAB_STARTUP_ALLOWANCE_MS;
  let uas: LabUas;
  try {
    uas = await startLabUas({
      transport: "udp",
      cpuCore: settings.uasCore,
      lifetimeMs: deadlineMs + 30_000,
    });
  } catch (error) {
    return labAbort(message(error));
  }
  let run: LabUacRun;
  let served: LabAgentExit;
  try {
    run = await runLabUac({
      transport: "udp",
      target: uas.target,
      rate,
      calls,
      cpuCore: settings.uacCore,
      deadlineMs,
      runDeadlineMs,
      timeoutS: Math.ceil(runDeadlineMs / 1000),
    });
  } finally {
    served = await uas.stop();
  }
  const udpDrops = udpCountersDelta(before, await readUdpCounters());
  const summary = run.summary;
  if (summary === undefined && !run.hitDeadline) {
    return labAbort(
      `lab uac gave no summary (exit ${run.exitCode}): ${run.summaryProblem}\n${run.output}`,
    );
  }
  const counts: CallRunCounts = summary === undefined
    ? {
      requested: calls,
      rate,
      attempted: 0,
      succeeded: 0,
      failed: 0,
      retransmissions: 0,
      elapsedMs: 0,
    }
    : {
      requested: calls,
      rate,
      attempted: summary.attempted,
      succeeded: summary.succeeded,
      failed: summary.failed,
      retransmissions: summary.retransmissions,
      elapsedMs: summary.elapsedMs,
    };
  const judged = summary === undefined
    ? { sustained: false, reasons: [`still running ${Math.round(runDeadlineMs)} ms after start`] }
    : judgeSustained(counts);
  if (summary !== undefined && Object.keys(summary.failedByStatus).length > 0) {
    judged.reasons.push(`failed by status ${JSON.stringify(summary.failedByStatus)}`);
  }
  const verdict = noteDrops(judged, udpDrops);
  const uacStartupCpu: StartupCpuHandling = run.cpuMsAfterReady === undefined
    ? "included"
    : "sampled";
  const uacCpuMs = run.cpuMsAfterReady ?? run.cpuMs;
  const uasCpuMs = served.cpuMsAfterReady ?? served.cpuMs;
  return {
    sustained: verdict.sustained,
    detail: {
      pair: "lab",
      rate,
      counts,
      verdict,
      uacCpuMs,
      uasCpuMs,
      uacCpuMsPerCall: perCall(uacCpuMs, counts.succeeded),
      uasCpuMsPerCall: perCall(uasCpuMs, counts.succeeded),
      uacStartupCpu,
      udpDrops,
      setupMs: summary?.setupMs,
      exits: `uac: exit ${run.exitCode}${run.hitDeadline ? " at the deadline" : ""}; ` +
        `uas: exit ${served.exitCode}${served.killedByHarness ? " (killed)" : ""}`,
    },
  };
}
