/**
 * SIPp (3.6.x) as a real peer for tests and benchmarks: one-shot runs ({@link runSipp}), a
 * long-running server ({@link startSippServer}) and an availability probe.
 *
 * Every run is bounded twice: SIPp's own `-timeout N -timeout_error` makes it exit by itself
 * (exit 255), and a harness guard SIGKILLs its process group `killAfterMs` later if it still has
 * not. Statistics come from `-trace_stat` (final CSV row, see sipp_stats.ts); CPU time from the
 * kernel's rusage of the reaped process (see process_group.ts). Only loopback addresses are
 * accepted.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { describeSippExit, parseSippStatsCsv, type SippStats } from "./sipp_stats.ts";
import { spawnToolGroup, type ToolExit, type ToolGroup } from "./process_group.ts";
import { freeLoopbackPort, isLoopbackHost, isPortBound } from "./loopback_ports.ts";

/** `-t`: u1 = UDP one socket, un = UDP one socket per call, t1 / tn = same for TCP. */
export type SippTransport = "u1" | "un" | "t1" | "tn";

/** A built-in scenario (`-sn`) or a scenario file (`-sf`). */
export type SippScenario = "uac" | "uas" | { file: string };

/** Options shared by {@link runSipp} and {@link startSippServer}. */
export interface SippOptions {
  /** Built-in `uac` / `uas` or `{ file }` (relative paths resolve against Deno.cwd()). */
  scenario: SippScenario;
  /** Remote `host:port` (loopback only); omitted for a pure server. */
  remote?: string;
  /** `-i`, default 127.0.0.1. */
  localIp?: string;
  /** `-p`; SIPp picks a free port when omitted (servers get one picked for them). */
  localPort?: number;
  /** `-t`, default u1. */
  transport?: SippTransport;
  /** `-r` calls per `-rp` period. */
  rate?: number;
  /** `-rp` in milliseconds. */
  ratePeriodMs?: number;
  /** `-m`: stop after this many calls. */
  maxCalls?: number;
  /** `-l`: maximum simultaneous calls. */
  maxConcurrentCalls?: number;
  /** `-d`: duration of scenario pauses without their own value, in ms. */
  callDurationMs?: number;
  /** `-recv_timeout` in ms: a call fails when an expected message does not arrive in time. */
  recvTimeoutMs?: number;
  /** `-max_retrans`: UDP retransmissions before a transaction fails. */
  maxRetrans?: number;
  /** `-buff_size` in bytes (socket send and receive buffers). */
  bufferSize?: number;
  /** `-max_socket`. */
  maxSockets?: number;
  /** `-timeout N -timeout_error`: SIPp exits (255) after N whole seconds. Default 30. */
  timeoutS?: number;
  /** Harness guard: SIGKILL the group after this many ms. Default (timeoutS + 10) s. */
  killAfterMs?: number;
  /** `-inf` injection files (relative paths resolve against Deno.cwd()). */
  injectionFiles?: string[];
  /** `-key name value` pairs (values for `[name]` in scenarios). */
  keys?: Record<string, string>;
  /** `-set name value` pairs (scenario variables). */
  sets?: Record<string, string>;
  /** `-trace_err` into the work directory; default true. */
  traceErrors?: boolean;
  /** Pin SIPp to this CPU core (`taskset -c`). */
  cpuCore?: number;
  /** More SIPp arguments, appended as given (e.g. `["-aa"]`). */
  extraArgs?: string[];
  /** Keep trace files here instead of a temporary directory that is removed afterwards. */
  workDir?: string;
}

/** The outcome of one SIPp process. */
export interface SippResult extends SippStats {
  /** SIPp's exit code (128 + n when killed by signal n). */
  exitCode: number;
  /** {@link describeSippExit} of the code. */
  exitMeaning: string;
  /** True when the harness guard had to SIGKILL it (its own -timeout did not stop it). */
  killedByHarness: boolean;
  /** False when SIPp left no complete statistics row (the counters are then 0). */
  statsFound: boolean;
  /** User + system CPU time of the SIPp process, ms (10 ms resolution). */
  cpuMs: number;
  /** The `-trace_err` log (first 16 KiB), "" when none. */
  errorLog: string;
  /** The end of SIPp's stdout/stderr (its last screen), for diagnostics. */
  output: string;
}

const STATS_FILE = "stats.csv";
const ERROR_FILE = "errors.log";
const DEFAULT_TIMEOUT_S = 30;

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(Deno.cwd(), path);
}

function hostOf(hostPort: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hostPort);
  if (bracketed) return bracketed[1];
  const colons = hostPort.split(":").length - 1;
  return colons === 1 ? hostPort.slice(0, hostPort.indexOf(":")) : hostPort;
}

/**
 * The SIPp command line for `options` (without the program name). Throws on non-loopback
 * addresses and invalid numbers.
 *
 * @example
 * ```ts
 * buildSippArgs({ scenario: "uac", remote: "127.0.0.1:5060", maxCalls: 1 });
 * // ["127.0.0.1:5060", "-sn", "uac", "-i", "127.0.0.1", "-t", "u1", "-m", "1", ...]
 * ```
 */
export function buildSippArgs(options: SippOptions): string[] {
  const localIp = options.localIp ?? "127.0.0.1";
  if (!isLoopbackHost(localIp)) throw new Error(`sipp: -i ${localIp} is not a loopback address`);
  const args: string[] = [];
  if (options.remote !== undefined) {
    if (!isLoopbackHost(hostOf(options.remote))) {
      throw new Error(`sipp: remote ${options.remote} is not a loopback address`);
    }
    args.push(options.remote);
  }
  const scenario = options.scenario;
  if (typeof scenario === "string") args.push("-sn", scenario);
  else args.push("-sf", absolute(scenario.file));
  args.push("-i", localIp);
  const numeric = (flag: string, value: number | undefined) => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < 0) throw new Error(`sipp: ${flag} ${value} is invalid`);
    args.push(flag, String(value));
  };
  numeric("-p", options.localPort);
  args.push("-t", options.transport ?? "u1");
  numeric("-r", options.rate);
  numeric("-rp", options.ratePeriodMs);
  numeric("-m", options.maxCalls);
  numeric("-l", options.maxConcurrentCalls);
  numeric("-d", options.callDurationMs);
  numeric("-recv_timeout", options.recvTimeoutMs);
  numeric("-max_retrans", options.maxRetrans);
  numeric("-buff_size", options.bufferSize);
  numeric("-max_socket", options.maxSockets);
  // SIPp reads -timeout in whole seconds ("2500ms" is cut to 2 s): round up.
  const timeoutS = Math.max(1, Math.ceil(options.timeoutS ?? DEFAULT_TIMEOUT_S));
  args.push("-timeout", `${timeoutS}s`, "-timeout_error");
  args.push("-nostdin", "-trace_stat", "-stf", STATS_FILE);
  if (options.traceErrors ?? true) args.push("-trace_err", "-error_file", ERROR_FILE);
  for (const file of options.injectionFiles ?? []) args.push("-inf", absolute(file));
  for (const [name, value] of Object.entries(options.keys ?? {})) args.push("-key", name, value);
  for (const [name, value] of Object.entries(options.sets ?? {})) args.push("-set", name, value);
  args.push(...(options.extraArgs ?? []));
  return args;
}

/** One SIPp process from spawn to parsed result; the work directory is removed at the end. */
class SippProcess {
  readonly tool: ToolGroup;
  readonly result: Promise<SippResult>;

  private constructor(readonly workDir: string, ownsDir: boolean, options: SippOptions) {
    const args = buildSippArgs(options);
    const timeoutS = Math.max(1, Math.ceil(options.timeoutS ?? DEFAULT_TIMEOUT_S));
    this.tool = spawnToolGroup("sipp", args, {
      workDir,
      cpuCore: options.cpuCore,
      killAfterMs: options.killAfterMs ?? (timeoutS + 10) * 1000,
    });
    this.result = this.tool.exited.then((exit) => this.#collect(exit)).finally(async () => {
      if (ownsDir) await Deno.remove(workDir, { recursive: true }).catch(() => {});
    });
  }

  static async start(options: SippOptions): Promise<SippProcess> {
    const ownsDir = options.workDir === undefined;
    const dir = options.workDir ?? await Deno.makeTempDir({ prefix: "sipfleet-sipp-" });
    try {
      return new SippProcess(dir, ownsDir, options);
    } catch (error) {
      if (ownsDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  async #collect(exit: ToolExit): Promise<SippResult> {
    const read = (name: string) => Deno.readTextFile(`${this.workDir}/${name}`).catch(() => "");
    const stats = parseSippStatsCsv(await read(STATS_FILE));
    const errorLog = (await read(ERROR_FILE)).slice(0, 16 * 1024);
    const empty: SippStats = {
      created: 0,
      successful: 0,
      failed: 0,
      retransmissions: 0,
      elapsedMs: 0,
      callRate: 0,
      responseTimeMs: 0,
      raw: {},
    };
    return {
      ...(stats ?? empty),
      exitCode: exit.code,
      exitMeaning: exit.killedByHarness
        ? `killed by the harness guard (${describeSippExit(exit.code)})`
        : describeSippExit(exit.code),
      killedByHarness: exit.killedByHarness,
      statsFound: stats !== undefined,
      cpuMs: exit.cpuMs,
      errorLog,
      output: (this.tool.stdout() + this.tool.stderr()).slice(-4096),
    };
  }

  /** Ends the process if it is still running and waits for the result. */
  async shutdown(signals: { signal: Deno.Signal; waitMs: number }[]): Promise<SippResult> {
    for (const { signal, waitMs } of signals) {
      if (this.tool.done) break;
      await this.tool.signal(signal);
      if (await settlesWithin(this.tool.exited, waitMs)) break;
    }
    if (!this.tool.done) await this.tool.killGroup();
    return await this.result;
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs SIPp to completion (its `-m` count, its scenario end, or its timeout) and returns the
 * parsed outcome. The process never outlives the returned promise.
 *
 * @example
 * ```ts
 * const r = await runSipp({ scenario: "uac", remote: "127.0.0.1:5060", maxCalls: 20, rate: 50 });
 * if (r.failed > 0) console.log(r.exitMeaning, r.errorLog);
 * ```
 */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  const sipp = await SippProcess.start(options);
  try {
    return await sipp.result;
  } finally {
    // Only reached early when awaiting threw: make sure nothing is left running.
    if (!sipp.tool.done) await sipp.shutdown([]).catch(() => {});
  }
}

/** Options for {@link startSippServer}. */
export interface SippServerOptions extends Omit<SippOptions, "scenario"> {
  /** Default: the built-in `uas`. */
  scenario?: SippScenario;
  /** How long to wait for SIPp to bind its port. Default 5000 ms. */
  readyTimeoutMs?: number;
}

/** How {@link SippServer.stop} ends SIPp. */
export interface SippStopOptions {
  /**
   * true (default): SIGUSR1, SIPp's soft exit — no new calls, ongoing ones (including the
   * built-in uas's 4 s timewait after BYE) finish, final statistics written. false: SIGTERM,
   * immediate exit, final statistics still written (unfinished calls stay in CurrentCall).
   */
  graceful?: boolean;
  /** How long the soft exit may take before SIGTERM follows. Default 8000 ms. */
  graceMs?: number;
}

/** A running SIPp server. */
export interface SippServer {
  /** The port it listens on. */
  readonly port: number;
  /** `host:port` to give to clients. */
  readonly address: string;
  /** Stops it (see {@link SippStopOptions}) and returns its outcome. */
  stop(options?: SippStopOptions): Promise<SippResult>;
  /** Settles when SIPp exits for any reason (its own -m / -timeout, or stop()). */
  readonly finished: Promise<SippResult>;
}

/**
 * Starts a long-running SIPp server (default scenario `uas`) and resolves once its SIP port is
 * bound. Always `stop()` it (in a finally); it also exits by itself at its `timeoutS`.
 *
 * @example
 * ```ts
 * const uas = await startSippServer({ transport: "u1", timeoutS: 20 });
 * try {
 *   await runSipp({ scenario: "uac", remote: uas.address, maxCalls: 5 });
 * } finally {
 *   const served = await uas.stop();
 * }
 * ```
 */
export async function startSippServer(options: SippServerOptions = {}): Promise<SippServer> {
  const transport = options.transport ?? "u1";
  const portKind = transport.startsWith("t") ? "tcp" : "udp";
  const port = options.localPort ?? freeLoopbackPort(portKind);
  const localIp = options.localIp ?? "127.0.0.1";
  const sipp = await SippProcess.start({
    ...options,
    scenario: options.scenario ?? "uas",
    localPort: port,
    localIp,
    transport,
  });
  const readyTimeoutMs = options.readyTimeoutMs ?? 5000;
  try {
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await isPortBound(port, portKind))) {
      if (sipp.tool.done) {
        const result = await sipp.result;
        throw new Error(
          `sipp server exited before binding ${portKind} ${port}: ${result.exitMeaning}\n` +
            result.output,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(`sipp server did not bind ${portKind} ${port} in ${readyTimeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (error) {
    await sipp.shutdown([]).catch(() => {});
    throw error;
  }
  const host = localIp.includes(":") ? `[${localIp}]` : localIp;
  return {
    port,
    address: `${host}:${port}`,
    finished: sipp.result,
    stop({ graceful = true, graceMs = 8000 } = {}) {
      const plan = graceful
        ? [{ signal: "SIGUSR1" as const, waitMs: graceMs }, {
          signal: "SIGTERM" as const,
          waitMs: 2000,
        }]
        : [{ signal: "SIGTERM" as const, waitMs: 2000 }];
      return sipp.shutdown(plan);
    },
  };
}

/**
 * True when a runnable `sipp` is on PATH (`sipp -v` prints its version and exits 99).
 *
 * @example
 * ```ts
 * const available = await sippAvailable();
 * Deno.test({ name: "...", ignore: !available && Deno.env.get("CI") !== "true", fn() {} });
 * ```
 */
export async function sippAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("sipp", { args: ["-v"], stdout: "piped", stderr: "piped" })
      .output();
    return /SIPp v\d/.test(
      new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
    );
  } catch {
    return false;
  }
}
