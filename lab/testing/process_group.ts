/**
 * Running an external tool (SIPp, tshark) so that it can never outlive the test that started
 * it, and so that its CPU time can be measured exactly.
 *
 * The tool runs inside its own session (`setsid`), under a tiny POSIX `sh` wrapper:
 *
 * ```sh
 * "$@" &                 # the tool, as a child of the wrapper
 * echo $! > tool.pid     # so signals can be sent to the tool itself
 * wait $!                # the wrapper reaps it ...
 * times > tool.times     # ... and the kernel's children-rusage is then complete
 * ```
 *
 * - Signals meant for the tool (SIGUSR1 soft exit, SIGINT, SIGTERM) go straight to its pid.
 * - The last-resort kill is SIGKILL to the whole process group (`kill(-pgid)`), which also takes
 *   down anything the tool forked (tshark's dumpcap) and the wrapper itself.
 * - CPU time: the second line of `times` is the user and system time of the reaped children
 *   (getrusage(RUSAGE_CHILDREN)), in clock ticks (10 ms on Linux). When the group has to be
 *   SIGKILLed the wrapper never writes it, so `utime + stime` from `/proc/<pid>/stat` is sampled
 *   just before the kill instead.
 *
 * @module
 */

/** POSIX sh wrapper; `$1` is the directory for the pid and times files, the rest is the tool. */
const WRAPPER = [
  "dir=$1; shift",
  '"$@" &',
  "child=$!",
  'echo "$child" > "$dir/tool.pid.part" && mv "$dir/tool.pid.part" "$dir/tool.pid"',
  'wait "$child"',
  "status=$?",
  'times > "$dir/tool.times"',
  'exit "$status"',
].join("\n");

/** The last `limit` characters written to a stream. */
class TextTail {
  #text = "";
  #waiters: { pattern: RegExp; resolve: () => void }[] = [];
  constructor(private readonly limit: number) {}

  get text(): string {
    return this.#text;
  }

  push(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > this.limit) this.#text = this.#text.slice(-this.limit);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.pattern.test(this.#text)) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when `pattern` matches the retained text. */
  until(pattern: RegExp): { promise: Promise<void>; cancel: () => void } {
    const { promise, resolve } = Promise.withResolvers<void>();
    if (pattern.test(this.#text)) {
      resolve();
      return { promise, cancel: () => {} };
    }
    const waiter = { pattern, resolve };
    this.#waiters.push(waiter);
    return { promise, cancel: () => (this.#waiters = this.#waiters.filter((w) => w !== waiter)) };
  }
}

async function drain(stream: ReadableStream<Uint8Array>, tail: TextTail): Promise<void> {
  const textStream = stream.pipeThrough(new TextDecoderStream());
  for await (const chunk of textStream) tail.push(chunk);
}

/** How a supervised tool ended. */
export interface ToolExit {
  /** Exit code; 128 + n when the tool (or the whole group) died from signal n. */
  code: number;
  /** The signal that ended the wrapper, when it was killed (the harness guard). */
  signal: Deno.Signal | null;
  /** True when the harness had to SIGKILL the process group. */
  killedByHarness: boolean;
  /** User + system CPU time of the tool in milliseconds (10 ms resolution). */
  cpuMs: number;
}

/** Options for {@link spawnToolGroup}. */
export interface ToolGroupOptions {
  /** Directory for the wrapper's bookkeeping files (must exist); also the tool's cwd. */
  workDir: string;
  /** Pin the tool to one CPU core with `taskset -c`. */
  cpuCore?: number;
  /** SIGKILL the whole group after this many milliseconds (the second guard). */
  killAfterMs: number;
  /** Characters of stdout / stderr retained (the tail). Default 64 KiB each. */
  outputLimit?: number;
}

/** A running tool. */
export interface ToolGroup {
  /** The tool's own pid (not the wrapper's), once known. */
  toolPid(): Promise<number>;
  /** Sends `signal` to the tool itself. No-op once it has exited. */
  signal(signal: Deno.Signal): Promise<void>;
  /** SIGKILLs the whole process group (CPU sampled from /proc first). */
  killGroup(): Promise<void>;
  /** Resolves when a pattern appears on stderr (or stdout); rejects on exit or timeout. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Settles when the wrapper has exited and both output streams are drained. */
  readonly exited: Promise<ToolExit>;
  /** True once {@link exited} has settled. */
  readonly done: boolean;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a live process, from /proc/<pid>/stat (fields 14 and 15), in ms. */
async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // The command name (field 2) is parenthesised and may contain spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Children user + system time, in ms, from the second line of POSIX `times` output.
 *
 * @example
 * ```ts
 * parseShellTimes("0m0.000000s 0m0.000000s\n0m0.180000s 0m0.310000s\n"); // 490
 * ```
 */
export function parseShellTimes(text: string): number | undefined {
  const children = text.trim().split("\n")[1];
  if (children === undefined) return undefined;
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) return undefined;
  let ms = 0;
  for (const [, minutes, seconds] of parts) ms += Number(minutes) * 60_000 + Number(seconds) * 1000;
  return Math.round(ms);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts `command args...` in its own session under the measuring wrapper, with a SIGKILL
 * guard after `killAfterMs`.
 *
 * @example
 * ```ts
 * const dir = await Deno.makeTempDir();
 * const tool = spawnToolGroup("sleep", ["10"], { workDir: dir, killAfterMs: 500 });
 * const exit = await tool.exited; // exit.killedByHarness === true
 * ```
 */
export function spawnToolGroup(
  command: string,
  args: string[],
  options: ToolGroupOptions,
): ToolGroup {
  const argv = options.cpuCore === undefined
    ? [command, ...args]
    : ["taskset", "-c", String(options.cpuCore), command, ...args];
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", WRAPPER, "sh", options.workDir, ...argv],
    cwd: options.workDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // `setsid` only forks when its caller leads a process group, which a freshly spawned child
  // never does: the wrapper keeps this pid and it is also the group and session id.
  const groupId = child.pid;
  const limit = options.outputLimit ?? 64 * 1024;
  const out = new TextTail(limit);
  const err = new TextTail(limit);
  let finished = false;
  let killedByHarness = false;
  let sampledCpuMs: number | undefined;
  let knownPid: number | undefined;

  const pidFile = `${options.workDir}/tool.pid`;
  async function readToolPid(): Promise<number | undefined> {
    if (knownPid !== undefined) return knownPid;
    try {
      const pid = Number((await Deno.readTextFile(pidFile)).trim());
      if (Number.isInteger(pid) && pid > 0) knownPid = pid;
    } catch {
      // Not written yet.
    }
    return knownPid;
  }

  async function killGroup(): Promise<void> {
    if (finished) return;
    const pid = await readToolPid();
    if (pid !== undefined) sampledCpuMs = await procCpuMs(pid);
    killedByHarness = true;
    try {
      Deno.kill(-groupId, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  }

  const guard = setTimeout(() => void killGroup(), options.killAfterMs);

  const exited = (async (): Promise<ToolExit> => {
    try {
      const [status] = await Promise.all([
        child.status,
        drain(child.stdout, out),
        drain(child.stderr, err),
      ]);
      finished = true;
      let cpuMs = sampledCpuMs;
      if (!killedByHarness) {
        const times = await Deno.readTextFile(`${options.workDir}/tool.times`).catch(() => "");
        cpuMs = parseShellTimes(times) ?? cpuMs;
      }
      return { code: status.code, signal: status.signal, killedByHarness, cpuMs: cpuMs ?? 0 };
    } finally {
      finished = true;
      clearTimeout(guard);
    }
  })();

  return {
    async toolPid() {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !finished) {
        const pid = await readToolPid();
        if (pid !== undefined) return pid;
        await sleep(10);
      }
      const pid = await readToolPid();
      if (pid === undefined) throw new Error(`${command}: pid file never appeared`);
      return pid;
    },
    async signal(signal) {
      if (finished) return;
      const pid = await readToolPid();
      if (pid === undefined || finished) return;
      try {
        Deno.kill(pid, signal);
      } catch {
        // Exited between the check and the kill.
      }
    },
    killGroup,
    async waitForOutput(pattern, timeoutMs) {
      const onErr = err.until(pattern);
      const onOut = out.until(pattern);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${command}: no ${pattern} after ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      const died = exited.then((exit) => {
        throw new Error(
          `${command} exited (code ${exit.code}) before printing ${pattern}:\n${err.text}`,
        );
      });
      try {
        await Promise.race([onErr.promise, onOut.promise, timeout, died]);
      } finally {
        clearTimeout(timer);
        onErr.cancel();
        onOut.cancel();
        died.catch(() => {});
      }
    },
    exited,
    get done() {
      return finished;
    },
    stdout: () => out.text,
    stderr: () => err.text,
  };
}
