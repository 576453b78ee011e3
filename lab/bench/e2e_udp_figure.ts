/**
 * Figure: end-to-end calls over loopback UDP. The highest sustained call rate (see
 * sustained.ts) of the lab UAC → lab UAS and of SIPp uac → SIPp uas, searched the same way in
 * the same run (rate_search.ts), and the CPU-ms per call of each side of both pairs at one
 * common rate (the lab's best; SIPp is probed once more there if the search did not), since
 * per-call cost depends on the rate.
 *
 * @module
 */
import { labServeBuilt } from "../../agents/interop/mod.ts";
import { sippAvailable } from "../testing/mod.ts";
import {
  type CallProbe,
  type CallProbeSettings,
  measureLabUacStartupCpuMs,
  probeLabPair,
  probeSippPair,
  type StartupCpuHandling,
} from "./call_probe.ts";
import type { BenchContext, BenchFigure, FigureOutcome, FigureRow, PeerSource } from "./figure.ts";
import {
  type RateProbeOutcome,
  type RateSearchOptions,
  type RateSearchResult,
  type RateSearchStep,
  searchSustainedRate,
} from "./rate_search.ts";

/** SIPp's socket buffers (anchors.md: without them SIPp's UDP figure measures kernel drops). */
const SIPP_BUFFER_SIZE = 4_194_304;

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
  "baseline-subtracted": "lab UAC: the CPU of an idle run (Deno start-up, no call) subtracted",
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

/** The e2e UDP figure. */
export const e2eUdpFigure: BenchFigure = {
  id: "e2e",
  title: "end-to-end calls over UDP: max sustained calls/s and CPU per call, lab vs SIPp",
  async run(context: BenchContext): Promise<FigureOutcome> {
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
        settings.labUacStartupCpuMs = await measureLabUacStartupCpuMs(settings);
        context.log(`  e2e lab UAC start-up: ${settings.labUacStartupCpuMs} CPU-ms`);
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
      },
    };
  },
};
