/**
 * The lab's own UAS and UAC as separate processes, started through the `lab serve` command
 * line (agents/serve.ts), for the interop tests and `deno task bench`:
 *
 * ```text
 * lab serve uas --listen udp:127.0.0.1:P             prints "listening udp:127.0.0.1:P", runs until SIGTERM
 * lab serve uac --listen udp:127.0.0.1:P --target udp:127.0.0.1:Q --rate R --calls N [--hold MS] --json
 *                                                    prints "listening udp:127.0.0.1:P", places N calls,
 *                                                    prints one JSON line (last), exit 0 iff none failed
 * ```
 *
 * Each process runs the same Deno binary as the caller (`Deno.execPath()`, so no npx wrapper
 * is in the way of its CPU time) under `timeout --foreground`, so it ends by itself even if the
 * caller dies, and under the lab/testing process-group harness (setsid, SIGKILL guard, CPU time
 * of the reaped process). CPU time spent starting Deno is sampled from `/proc` when either
 * agent says it is listening, and is left out of `cpuMsAfterReady`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { freeLoopbackPort, spawnToolGroup, type ToolGroup } from "../../lab/testing/mod.ts";

/** Transports the lab agents are driven over here. */
export type LabTransport = "udp" | "tcp";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = `${PROJECT_ROOT}lab/cli.ts`;
const CONFIG = `${PROJECT_ROOT}deno.json`;
const SERVE_MODULE = `${PROJECT_ROOT}agents/serve.ts`;
const CLOCK_TICKS_PER_SECOND = 100;
/** After `timeout` has sent SIGTERM, SIGKILL follows this many seconds later. */
const TIMEOUT_KILL_AFTER_S = 2;
const LISTENING = /listening (udp|tcp):127\.0\.0\.1:(\d+)/;

/**
 * True once agents/serve.ts exists (the module `lab serve` hands its arguments to).
 *
 * @example
 * ```ts
 * if (!(await labServeBuilt())) console.log("lab agents not built yet");
 * ```
 */
export async function labServeBuilt(): Promise<boolean> {
  try {
    return (await Deno.stat(SERVE_MODULE)).isFile;
  } catch {
    return false;
  }
}

/** `lab serve <args>` under `timeout`, which ends it after `lifetimeMs`. */
function serveCommand(args: string[], lifetimeMs: number, cliModule = CLI): string[] {
  return [
    "--foreground",
    "-k",
    String(TIMEOUT_KILL_AFTER_S),
    `${Math.max(1, Math.ceil(lifetimeMs / 1000))}s`,
    Deno.execPath(),
    "run",
    "-A",
    "--config",
    CONFIG,
    cliModule,
    "serve",
    ...args,
  ];
}

/**
 * utime + stime of the Deno process run by `timeout` (the only child of `timeoutPid`), from
 * `/proc/<pid>/stat` fields 14 and 15, in ms; undefined when it cannot be read.
 */
async function agentCpuMs(timeoutPid: number): Promise<number | undefined> {
  try {
    const children = await Deno.readTextFile(`/proc/${timeoutPid}/task/${timeoutPid}/children`);
    const pid = Number(children.trim().split(/\s+/)[0]);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // The command name (field 2) is parenthesised and may contain spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** The CPU time of a finished agent process. */
export interface LabAgentCpu {
  /** User + system CPU ms of the whole process, Deno start-up included (10 ms resolution). */
  cpuMs: number;
  /** CPU ms spent after it printed its `listening` line; undefined if that was not sampled. */
  cpuMsAfterReady?: number;
}

/** How a lab agent process ended. */
export interface LabAgentExit extends LabAgentCpu {
  /** Exit code (124: ended by `timeout`; 128 + n: killed by signal n). */
  exitCode: number;
  /** True when the harness had to SIGKILL its process group. */
  killedByHarness: boolean;
  /** The end of its stdout and stderr, for diagnostics. */
  output: string;
}

/** Text without ANSI colour sequences (Deno colours its error messages). */
function withoutColours(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

async function collectCpu(
  tool: ToolGroup,
  readyCpuMs: number | undefined,
): Promise<LabAgentExit> {
  const exit = await tool.exited;
  return {
    exitCode: exit.code,
    killedByHarness: exit.killedByHarness,
    cpuMs: exit.cpuMs,
    cpuMsAfterReady: readyCpuMs === undefined || exit.killedByHarness
      ? undefined
      : Math.max(0, exit.cpuMs - readyCpuMs),
    output: withoutColours(tool.stdout() + tool.stderr()).slice(-4096),
  };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What both agent runners accept. */
interface LabProcessOptions {
  /** Pin the process to this core (`taskset -c`). */
  cpuCore?: number;
  /**
   * The module run as `lab` (absolute path); default lab/cli.ts. Tests of this harness put a
   * scripted stand-in here.
   */
  cliModule?: string;
}

/** Options for {@link startLabUas}. */
export interface LabUasOptions extends LabProcessOptions {
  transport: LabTransport;
  /** Port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** The process ends by itself after this long. Default 120 s. */
  lifetimeMs?: number;
  /** How long Deno may take to start and print `listening`. Default 30 s. */
  readyTimeoutMs?: number;
}

/** A running lab UAS. */
export interface LabUas {
  readonly transport: LabTransport;
  readonly port: number;
  /** `127.0.0.1:<port>`, as SIPp takes it. */
  readonly address: string;
  /** `<transport>:127.0.0.1:<port>`, as `lab serve --target` takes it. */
  readonly target: string;
  /** SIGTERM, then SIGKILL of the group after `graceMs` (default 3000); resolves on exit. */
  stop(graceMs?: number): Promise<LabAgentExit>;
}

/**
 * Starts `lab serve uas` and resolves once it prints `listening <transport>:127.0.0.1:<port>`.
 * Always `stop()` it in a finally.
 *
 * @example
 * ```ts
 * const uas = await startLabUas({ transport: "udp" });
 * try {
 *   await runSipp({ scenario: "uac", remote: uas.address, maxCalls: 10 });
 * } finally {
 *   await uas.stop();
 * }
 * ```
 */
export async function startLabUas(options: LabUasOptions): Promise<LabUas> {
  const transport = options.transport;
  const port = options.port ?? freeLoopbackPort(transport);
  const lifetimeMs = options.lifetimeMs ?? 120_000;
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-lab-uas-" });
  const removeDir = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  const listen = `${transport}:127.0.0.1:${port}`;
  const tool = spawnToolGroup(
    "timeout",
    serveCommand(
      ["uas", "--listen", listen],
      lifetimeMs,
      options.cliModule,
    ),
    {
      workDir: dir,
      cpuCore: options.cpuCore,
      killAfterMs: lifetimeMs + (TIMEOUT_KILL_AFTER_S + 3) * 1000,
    },
  );
  let readyCpuMs: number | undefined;
  try {
    await tool.waitForOutput(LISTENING, options.readyTimeoutMs ?? 30_000);
    readyCpuMs = await agentCpuMs(await tool.toolPid());
  } catch (error) {
    await tool.killGroup();
    const exit = await collectCpu(tool, undefined);
    await removeDir();
    throw new Error(
      `lab uas on ${listen} did not start: ${
        error instanceof Error ? error.message : error
      }\n${exit.output}`,
    );
  }
  let stopped: Promise<LabAgentExit> | undefined;
  return {
    transport,
    port,
    address: `127.0.0.1:${port}`,
    target: listen,
    stop(graceMs = 3000) {
      return stopped ??= (async () => {
        try {
          await tool.signal("SIGTERM");
          if (!(await settlesWithin(tool.exited, graceMs))) await tool.killGroup();
          return await collectCpu(tool, readyCpuMs);
        } finally {
          await removeDir();
        }
      })();
    },
  };
}

/** The final JSON line of `lab serve uac --json`. */
export interface LabUacSummary {
  attempted: number;
  succeeded: number;
  failed: number;
  /** Failed calls by final status code ("timeout" and the like for calls without one). */
  failedByStatus: Record<string, number>;
  elapsedMs: number;
  callsPerSec: number;
  setupMs: { p50: number; p95: number; p99: number };
  retransmissions: number;
}

function numberField(record: Record<string, unknown>, name: string, where = ""): number {
  const value = record[name];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`lab uac summary: ${where}${name} is not a number: ${JSON.stringify(value)}`);
  }
  return value;
}

function objectField(record: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = record[name];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`lab uac summary: ${name} is not an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Finds and checks the summary in the UAC's stdout: the last line that is a JSON object.
 * Throws when there is none or a field is missing or of the wrong type.
 *
 * @example
 * ```ts
 * parseLabUacSummary('{"attempted":1,"succeeded":1,"failed":0,"failedByStatus":{},' +
 *   '"elapsedMs":5,"callsPerSec":200,"setupMs":{"p50":1,"p95":1,"p99":1},"retransmissions":0}');
 * ```
 */
export function parseLabUacSummary(stdout: string): LabUacSummary {
  const line = stdout.split("\n").map((l) => l.trim()).findLast((l) =>
    l.startsWith("{") && l.endsWith("}")
  );
  if (line === undefined) throw new Error("lab uac summary: no JSON line in the output");
  const record = JSON.parse(line) as Record<string, unknown>;
  const failedByStatus: Record<string, number> = {};
  for (const [status, count] of Object.entries(objectField(record, "failedByStatus"))) {
    if (typeof count !== "number") {
      throw new Error(`lab uac summary: failedByStatus.${status} is not a number`);
    }
    failedByStatus[status] = count;
  }
  const setup = objectField(record, "setupMs");
  return {
    attempted: numberField(record, "attempted"),
    succeeded: numberField(record, "succeeded"),
    failed: numberField(record, "failed"),
    failedByStatus,
    elapsedMs: numberField(record, "elapsedMs"),
    callsPerSec: numberField(record, "callsPerSec"),
    setupMs: {
      p50: numberField(setup, "p50", "setupMs."),
      p95: numberField(setup, "p95", "setupMs."),
      p99: numberField(setup, "p99", "setupMs."),
    },
    retransmissions: numberField(record, "retransmissions"),
  };
}

/** Options for {@link runLabUac}. */
export interface LabUacOptions extends LabProcessOptions {
  transport: LabTransport;
  /** `<transport>:127.0.0.1:<port>` of the UAS. */
  target: string;
  /** Calls per second. */
  rate: number;
  /** Calls to place. */
  calls: number;
  /** Time between 200 and BYE, ms (default 0). */
  holdMs?: number;
  /** `--timeout`: the UAC gives up on unfinished calls after this many seconds of calling. */
  timeoutS?: number;
  /** Local port on 127.0.0.1; a free one is picked when omitted. */
  listenPort?: number;
  /**
   * The process is ended (SIGTERM, then SIGKILL) after this long, start-up included. Default:
   * the UAC's own limit (calls / rate + 30 s) plus 15 s for Deno to start.
   */
  deadlineMs?: number;
  /**
   * A tighter bound counted from its `listening` line (start-up excluded): SIGTERM when it is
   * still running this long after it got ready, SIGKILL of its group 2 s later.
   */
  runDeadlineMs?: number;
}

/** The outcome of one `lab serve uac` run. */
export interface LabUacRun extends LabAgentExit {
  /** Its JSON summary; undefined when it printed none (then see `summaryProblem`). */
  summary?: LabUacSummary;
  /** Why no summary could be read. */
  summaryProblem?: string;
  /** True when it was still running at `deadlineMs` (or `runDeadlineMs`) and was ended. */
  hitDeadline: boolean;
}

/**
 * Runs `lab serve uac ... --json` to the end and reads its summary. The process never outlives
 * the returned promise.
 *
 * @example
 * ```ts
 * const run = await runLabUac({ transport: "udp", target: "udp:127.0.0.1:5060", rate: 100, calls: 50 });
 * run.summary?.failed; // 0
 * ```
 */
export async function runLabUac(options: LabUacOptions): Promise<LabUacRun> {
  if (!(options.rate > 0) || !Number.isInteger(options.calls) || options.calls < 0) {
    throw new Error(`lab uac: bad rate ${options.rate} or calls ${options.calls}`);
  }
  const port = options.listenPort ?? freeLoopbackPort(options.transport);
  const deadlineMs = options.deadlineMs ??
    (options.calls / options.rate) * 1000 + 30_000 + 15_000;
  const args = [
    "uac",
    "--listen",
    `${options.transport}:127.0.0.1:${port}`,
    "--target",
    options.target,
    "--rate",
    String(options.rate),
    "--calls",
    String(options.calls),
    "--hold",
    String(options.holdMs ?? 0),
    "--json",
    ...(options.timeoutS === undefined ? [] : ["--timeout", String(options.timeoutS)]),
  ];
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-lab-uac-" });
  try {
    const tool = spawnToolGroup("timeout", serveCommand(args, deadlineMs, options.cliModule), {
      workDir: dir,
      cpuCore: options.cpuCore,
      killAfterMs: deadlineMs + (TIMEOUT_KILL_AFTER_S + 3) * 1000,
    });
    // Deno's start-up CPU is left out when the UAC says when it is ready.
    let readyCpuMs: number | undefined;
    let runTimer: ReturnType<typeof setTimeout> | undefined;
    let endedAtRunDeadline = false;
    const endAtRunDeadline = () => {
      endedAtRunDeadline = true;
      runTimer = setTimeout(() => void tool.killGroup(), TIMEOUT_KILL_AFTER_S * 1000);
      void tool.signal("SIGTERM");
    };
    const ready = tool.waitForOutput(LISTENING, deadlineMs).then(
      async () => {
        if (options.runDeadlineMs !== undefined && !tool.done) {
          runTimer = setTimeout(endAtRunDeadline, options.runDeadlineMs);
        }
        readyCpuMs = await agentCpuMs(await tool.toolPid());
      },
      () => undefined,
    );
    let exit: LabAgentExit;
    try {
      exit = await collectCpu(tool, undefined);
      await ready;
    } finally {
      clearTimeout(runTimer);
    }
    const cpuMsAfterReady = readyCpuMs === undefined || exit.killedByHarness
      ? undefined
      : Math.max(0, exit.cpuMs - readyCpuMs);
    // GNU timeout exits 124 when it had to end the command.
    const hitDeadline = exit.exitCode === 124 || exit.killedByHarness || endedAtRunDeadline;
    let summary: LabUacSummary | undefined;
    let summaryProblem: string | undefined;
    try {
      summary = parseLabUacSummary(tool.stdout());
    } catch (error) {
      summaryProblem = error instanceof Error ? error.message : String(error);
    }
    return { ...exit, cpuMsAfterReady, summary, summaryProblem, hitDeadline };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
