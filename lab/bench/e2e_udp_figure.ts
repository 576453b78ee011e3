/**
 * Figure: end-to-end calls over loopback UDP. The highest sustained call rate (see
 * sustained.ts) of the lab UAC → lab UAS and of SIPp uac → SIPp uas, searched the same way in
 * the same run (rate_search.ts), and the CPU-ms per call of each side of both pairs at one
 * common rate (the lab's best; SIPp is probed once more there if the search did not), since
 * per-call cost depends on the rate.
 *
 * Socket buffers: SIPp asks for `-buff_size` bytes, which the kernel doubles; Deno's datagram
 * sockets cannot ask, so they take `net.core.rmem_default` / `wmem_default` as they are. When
 * run as root, the figure sets those defaults to what SIPp's sockets get (and the maxima to
 * what SIPp asks for) for its whole length, and restores them after (socket_buffer_sysctls.ts);
 * otherwise the lab runs with the kernel's defaults and the table note says so.
 *
 * @module
 */
import { labServeBuilt } from "../../agents/interop/mod.ts";
import { sippAvailable } from "../testing/mod.ts";
import {
  type CallProbe,
  type CallProbeSettings,
  probeLabPair,
  probeSippPair,
  type StartupCpuHandling,
} from "./call_probe.ts";
import {
  type DatagramBuffers,
  grantedSocketBuffer,
  measureDatagramBuffers,
} from "./datagram_buffers.ts";
import type { BenchContext, BenchFigure, FigureOutcome, FigureRow, PeerSource } from "./figure.ts";
import {
  type RateProbeOutcome,
  type RateSearchOptions,
  type RateSearchResult,
  type RateSearchStep,
  searchSustainedRate,
} from "./rate_search.ts";
import {
  type SocketBufferScope,
  type SocketBufferValues,
  withSocketBuffers,
} from "./socket_buffer_sysctls.ts";

/** SIPp's socket buffers (anchors.md: without them SIPp's UDP figure measures kernel drops). */
const SIPP_BUFFER_SIZE = 4_194_304;
/** What SIPp's sockets get from `-buff_size` once the maxima allow it. */
const SIPP_GRANTED_BUFFER = grantedSocketBuffer(SIPP_BUFFER_SIZE, SIPP_BUFFER_SIZE);

/**
 * The kernel's socket-buffer sysctls during the figure: the maxima let SIPp's request through
 * whole, the defaults give the lab's sockets what SIPp's get.
 */
const E2E_SOCKET_BUFFERS: SocketBufferValues = {
  rmem_max: SIPP_BUFFER_SIZE,
  wmem_max: SIPP_BUFFER_SIZE,
  rmem_default: SIPP_GRANTED_BUFFER,
  wmem_default: SIPP_GRANTED_BUFFER,
};

/**
 * The same search for both pairs; only the first rate differs, so that each pair's few steps
 * are spent near its own limit (SIPp's lies in the tens of thousands on this kind of machine).
 */
interface E2eMethod {
  settings: CallProbeSettings;
  search: Omit<RateSearchOptions, "startRate">;
  startRate: { sipp: number; lab: number };
}

const FULL: E2eMethod = {
  settings: { durationMs: 4000, uacCore: 0, uasCore: 1, sippBufferSize: SIPP_BUFFER_SIZE },
  search: { growth: 4, maxRate: 64_000, minRate: 25, maxSteps: 6, precision: 0.1 },
  startRate: { sipp: 2000, lab: 500 },
};

const QUICK: E2eMethod = {
  ...FULL,
  settings: { ...FULL.settings, durationMs: 1500 },
  search: { ...FULL.search, maxSteps: 5 },
};

/** How the lab UAC's CPU figure treats Deno's start-up, as a table note. */
const STARTUP_NOTES: Record<StartupCpuHandling, string | undefined> = {
  sampled: undefined,
  included: "lab UAC CPU includes Deno start-up",
};

async function sippVersion(): Promise<string> {
  const out = await new Deno.Command("sipp", { args: ["-v"], stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return /SIPp (v[\d.]+)/.exec(text)?.[1] ?? "(version unknown)";
}

/** `rate✓`, or `rate✗ (why)`: every reason for progress, the first in the table's note. */
function describeStep(step: RateSearchStep<CallProbe>, allReasons = false): string {
  if (step.sustained) return `${step.rate}✓`;
  const reasons = step.detail.verdict.reasons.map((r) => r.split("\n")[0]);
  return `${step.rate}✗ (${(allReasons ? reasons.join("; ") : reasons[0]) ?? "failed"})`;
}

function describeSearch(name: string, search: RateSearchResult<CallProbe>): string {
  const steps = search.steps.map((step) => describeStep(step)).join(", ");
  return `${name}: ${steps}${search.aborted === undefined ? "" : " — stopped"}`;
}

function stepAt(search: RateSearchResult<CallProbe> | undefined, rate: number | undefined) {
  if (search === undefined || rate === undefined) return undefined;
  return search.steps.find((s) => s.rate === rate && s.sustained)?.detail;
}

function bytes(n: number | undefined): string {
  return n === undefined ? "?" : `${n.toLocaleString("en-US")} B`;
}

/**
 * The socket buffers each pair ran with, for the table note: the lab's as read back from a
 * socket (`lab`; the sysctls' defaults when it could not be read), SIPp's as the kernel grants
 * `-buff_size`.
 *
 * @example
 * ```ts
 * describeSocketBuffers({ raised: false, why: "not root" }, undefined, 4194304);
 * ```
 */
export function describeSocketBuffers(
  scope: SocketBufferScope,
  lab: DatagramBuffers | undefined,
  sippBufferSize: number,
): string {
  const labReceive = lab?.receive ?? scope.values?.rmem_default;
  const labSend = lab?.send ?? scope.values?.wmem_default;
  const readBack = lab === undefined ? "" : ", read back with ss";
  const sipp = scope.values === undefined
    ? `SIPp -buff_size ${sippBufferSize}`
    : `SIPp -buff_size ${sippBufferSize} → ${
      bytes(grantedSocketBuffer(sippBufferSize, scope.values.rmem_max))
    } (kernel: 2 × min(size, rmem_max ${bytes(scope.values.rmem_max)}))`;
  const labText = scope.raised
    ? `lab ${bytes(labReceive)} rcv / ${bytes(labSend)} snd (net.core.rmem_default/` +
      `wmem_default raised for this figure, restored after${readBack})`
    : `lab ran with the default socket buffer: ${bytes(labReceive)} rcv / ${bytes(labSend)} ` +
      `snd (net.core.* unchanged: ${scope.why}${readBack})`;
  return `UDP socket buffers: ${labText}; ${sipp}`;
}

/** The e2e UDP figure. */
export const e2eUdpFigure: BenchFigure = {
  id: "e2e",
  title: "end-to-end calls over UDP: max sustained calls/s and CPU per call, lab vs SIPp",
  run(context: BenchContext): Promise<FigureOutcome> {
    return withSocketBuffers(E2E_SOCKET_BUFFERS, async (scope) => {
      const buffers = await measureDatagramBuffers();
      const note = describeSocketBuffers(scope, buffers, SIPP_BUFFER_SIZE);
      context.log(`  e2e ${note}`);
      return await runE2e(context, { note, scope, labSockets: buffers });
    });
  },
};

/** What the figure ran with, for its note and its JSON details. */
interface BufferSetting {
  note: string;
  scope: SocketBufferScope;
  labSockets: DatagramBuffers | undefined;
}

async function runE2e(context: BenchContext, buffers: BufferSetting): Promise<FigureOutcome> {
  const chosen = context.quick ? QUICK : FULL;
  const settings: CallProbeSettings = { ...chosen.settings };
  const search = chosen.search;
  const sipp = await sippAvailable();
  const lab = await labServeBuilt();
  const sippName = sipp ? `SIPp ${await sippVersion()} uac → uas` : "SIPp";
  const progress = (name: string) => (step: RateSearchStep<CallProbe>) =>
    context.log(`  e2e ${name} ${describeStep(step, true)}`);

  const run = async (
    name: string,
    probe: (rate: number, settings: CallProbeSettings) => Promise<RateProbeOutcome<CallProbe>>,
    startRate: number,
  ) => {
    const log = progress(name);
    return await searchSustainedRate(async (rate) => {
      const outcome = await probe(rate, settings);
      log({ rate, ...outcome });
      return outcome;
    }, { ...search, startRate });
  };
  const sippSearch = sipp ? await run("SIPp", probeSippPair, chosen.startRate.sipp) : undefined;
  let labSearch: RateSearchResult<CallProbe> | undefined;
  if (lab) {
    try {
      labSearch = await run("lab", probeLabPair, chosen.startRate.lab);
    } catch (error) {
      // The lab cannot even start: keep SIPp's figures, say why the lab has none.
      const why = error instanceof Error ? error.message : String(error);
      context.log(`  e2e lab: ${why}`);
      labSearch = { steps: [], aborted: why };
    }
  }

  // CPU per call at one common rate: the lab's best, else SIPp's best.
  const commonRate = labSearch?.bestRate ?? sippSearch?.bestRate;
  let sippAtCommon = stepAt(sippSearch, commonRate);
  if (sipp && sippAtCommon === undefined && commonRate !== undefined) {
    const extra = await probeSippPair(commonRate, settings);
    progress("SIPp")({ rate: commonRate, ...extra });
    sippAtCommon = extra.detail;
  }
  const labAtCommon = stepAt(labSearch, commonRate);

  const missing = [
    lab ? undefined : "lab: agents/serve.ts is not built yet",
    sipp ? undefined : "SIPp: not installed",
  ].filter((m) => m !== undefined);
  const notes = [
    buffers.note,
    ...missing,
    labSearch ? describeSearch("lab", labSearch) : undefined,
    sippSearch ? describeSearch("SIPp", sippSearch) : undefined,
    labSearch?.aborted ? `lab stopped: ${labSearch.aborted.split("\n")[0]}` : undefined,
    sippSearch?.aborted ? `SIPp stopped: ${sippSearch.aborted.split("\n")[0]}` : undefined,
  ].filter((n) => n !== undefined);

  const peer = (value: number | undefined): PeerSource =>
    value === undefined ? { kind: "none" } : { kind: "same-run", name: sippName, value };
  const at = commonRate === undefined ? "" : ` @ ${commonRate.toLocaleString("en-US")}/s`;
  const startupNote = labAtCommon === undefined
    ? undefined
    : STARTUP_NOTES[labAtCommon.uacStartupCpu];
  const rows: FigureRow[] = [
    {
      figure: `E2E UDP max sustained calls/s (${settings.durationMs / 1000} s steps)`,
      ours: labSearch?.bestRate,
      peer: peer(sippSearch?.bestRate),
      note: notes.join(" | ") || undefined,
    },
    {
      figure: `E2E UDP UAC CPU-ms/call${at}`,
      ours: labAtCommon?.uacCpuMsPerCall,
      peer: peer(sippAtCommon?.uacCpuMsPerCall),
      decimals: 3,
      note: startupNote,
    },
    {
      figure: `E2E UDP UAS CPU-ms/call${at}`,
      ours: labAtCommon?.uasCpuMsPerCall,
      peer: peer(sippAtCommon?.uasCpuMsPerCall),
      decimals: 3,
    },
  ];
  return {
    rows,
    details: {
      settings,
      search,
      startRate: chosen.startRate,
      commonRate,
      sipp: sippSearch,
      sippAtCommonRate: sippAtCommon,
      lab: labSearch,
      missing,
      socketBuffers: { sysctls: buffers.scope, labSocket: buffers.labSockets },
    },
  };
}
