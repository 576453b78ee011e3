/**
 * Wireshark's dissector as an independent judge of what the lab puts on the wire: capture
 * loopback traffic on given ports with `tshark -w`, then dissect the file as SIP and report each
 * message with its method / status, malformed flag and expert infos. What counts as a wire
 * error is decided in sip_wire_check.ts ({@link assertWireClean}).
 *
 * Capturing needs root or a dumpcap with CAP_NET_RAW (`tsharkAvailable()` checks).
 *
 * @module
 */
import { spawnToolGroup, type ToolGroup } from "./process_group.ts";
import {
  type Dissection,
  dissectionFromTsharkJson,
  type SipTransportFilter,
} from "./sip_wire_check.ts";

export {
  assertWireClean,
  type Dissection,
  type DissectionSummary,
  type SipPacket,
  type SipTransportFilter,
} from "./sip_wire_check.ts";

/** Options for {@link startCapture}. */
export interface CaptureOptions {
  /** SIP ports to capture (either end of a packet matching is enough). */
  ports: number[];
  /** Which transports; default "both". */
  protocol?: SipTransportFilter;
  /** Capture interface; default "lo" (the lab only ever uses loopback). */
  interface?: string;
  /** tshark stops by itself after this many seconds (`-a duration:`). Default 60. */
  maxSeconds?: number;
  /** How long to wait for tshark to report it is capturing. Default 10000 ms. */
  readyTimeoutMs?: number;
}

/** A running capture. Use `await using`, or call {@link Capture.close} in a finally. */
export interface Capture {
  /** The pcapng file being written (complete once stopped). */
  readonly file: string;
  /**
   * Waits `settleMs` (default 250) so the last packets reach the file, stops tshark (SIGINT:
   * it closes the file properly) and returns the file path.
   */
  stop(options?: { settleMs?: number }): Promise<string>;
  /** Stops if needed and deletes the capture directory. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The BPF capture filter for `ports`.
 *
 * @example
 * ```ts
 * captureFilter([5060], "udp"); // "udp port 5060"
 * ```
 */
export function captureFilter(ports: number[], protocol: SipTransportFilter = "both"): string {
  if (ports.length === 0) throw new Error("tshark: at least one port is needed");
  const transports = protocol === "both" ? ["udp", "tcp"] : [protocol];
  const terms: string[] = [];
  for (const port of ports) {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new Error(`tshark: bad port ${port}`);
    }
    for (const t of transports) terms.push(`${t} port ${port}`);
  }
  return terms.join(" or ");
}

async function finish(tool: ToolGroup, signal: Deno.Signal, waitMs: number): Promise<void> {
  if (!tool.done) {
    await tool.signal(signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), waitMs)));
    const outcome = await Promise.race([tool.exited, late]);
    clearTimeout(timer);
    if (outcome === "late") await tool.killGroup();
  }
  await tool.exited;
}

/**
 * Starts `tshark -i lo -f <filter> -w <tmp>/capture.pcapng` and resolves once it reports
 * "Capturing on", plus a short delay for the capture socket to be live.
 *
 * @example
 * ```ts
 * await using capture = await startCapture({ ports: [5060], protocol: "udp" });
 * // ... send traffic ...
 * const { packets } = await dissect(await capture.stop(), { ports: [5060] });
 * ```
 */
export async function startCapture(options: CaptureOptions): Promise<Capture> {
  const filter = captureFilter(options.ports, options.protocol);
  const maxSeconds = Math.max(1, Math.ceil(options.maxSeconds ?? 60));
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-capture-" });
  const file = `${dir}/capture.pcapng`;
  const tool = spawnToolGroup(
    "tshark",
    [
      "-i",
      options.interface ?? "lo",
      "-f",
      filter,
      "-w",
      file,
      "-q",
      "-a",
      `duration:${maxSeconds}`,
    ],
    { workDir: dir, killAfterMs: (maxSeconds + 10) * 1000 },
  );
  const removeDir = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    await tool.waitForOutput(/Capturing on/, options.readyTimeoutMs ?? 10_000);
    // "Capturing on" is printed as dumpcap opens the device; give the socket a moment.
    await new Promise((r) => setTimeout(r, 150));
  } catch (error) {
    await tool.killGroup();
    await tool.exited;
    await removeDir();
    throw error;
  }
  let stopped: Promise<string> | undefined;
  const stop = ({ settleMs = 250 } = {}) =>
    stopped ??= (async () => {
      if (!tool.done) await new Promise((r) => setTimeout(r, settleMs));
      await finish(tool, "SIGINT", 5000);
      return file;
    })();
  const close = async () => {
    await stop({ settleMs: 0 });
    await removeDir();
  };
  return { file, stop, close, [Symbol.asyncDispose]: close };
}

/** Options for {@link dissect}. */
export interface DissectOptions {
  /** Ports whose traffic is decoded as SIP (`-d udp.port==P,sip -d tcp.port==P,sip`). */
  ports: number[];
  /** Which transports to decode and report; default "both". */
  protocol?: SipTransportFilter;
}

async function runTshark(args: string[]): Promise<string> {
  const out = await new Deno.Command("tshark", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(`tshark ${args.join(" ")} failed (${out.code}): ${decoder.decode(out.stderr)}`);
  }
  return decoder.decode(out.stdout);
}

/**
 * Dissects a capture as SIP on `ports` and judges every message (see sip_wire_check.ts).
 * Runs `tshark -T json` for the per-packet view and `tshark -z expert` for a readable summary.
 *
 * @example
 * ```ts
 * const result = await dissect("/tmp/capture.pcapng", { ports: [5060] });
 * assertWireClean(result);
 * ```
 */
export async function dissect(file: string, options: DissectOptions): Promise<Dissection> {
  const protocol = options.protocol ?? "both";
  const transports = protocol === "both" ? ["udp", "tcp"] : [protocol];
  const decodeAs: string[] = [];
  for (const port of options.ports) {
    for (const t of transports) decodeAs.push("-d", `${t}.port==${port},sip`);
  }
  // Plain `||` terms: set syntax changed between tshark 3.x and 4.x.
  const displayFilter = transports
    .flatMap((t) => options.ports.map((port) => `${t}.port == ${port}`))
    .join(" || ");
  const common = ["-r", file, "-n", ...decodeAs];
  const [json, expertReport] = await Promise.all([
    // -2: two passes, so a TCP segment knows the frame that completes its message.
    runTshark([...common, "-2", "-Y", displayFilter, "-T", "json", "--no-duplicate-keys"]),
    runTshark([...common, "-q", "-z", "expert"]),
  ]);
  return dissectionFromTsharkJson(json, expertReport.trim());
}

/**
 * True when tshark is installed and may capture on `lo` (root, or dumpcap capabilities).
 *
 * @example
 * ```ts
 * const ignore = !(await tsharkAvailable()) && Deno.env.get("CI") !== "true";
 * ```
 */
export async function tsharkAvailable(): Promise<boolean> {
  try {
    const [version, linkTypes] = await Promise.all([
      new Deno.Command("tshark", { args: ["-v"], stdout: "null", stderr: "null" }).output(),
      // Listing the link types opens the device: fails without capture permission.
      new Deno.Command("dumpcap", { args: ["-i", "lo", "-L"], stdout: "null", stderr: "null" })
        .output(),
    ]);
    return version.success && linkTypes.success;
  } catch {
    return false;
  }
}
