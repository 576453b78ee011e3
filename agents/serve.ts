/**
 * `lab serve <agent>`: one lab agent on its own, so SIPp, Kamailio or a real client can talk
 * to it (and so benchmarks can pin it to a core).
 *
 * - `serve uas --listen udp:127.0.0.1:5060 [--ring <ms>]` answers calls until SIGINT/SIGTERM,
 *   like SIPp's built-in `uas` scenario.
 * - `serve uac --listen udp:127.0.0.1:5070 --target udp:127.0.0.1:5060 --rate <calls/s>
 *   --calls <n> [--hold <ms>] [--json] [--timeout <s>]` places `n` calls at `rate`, like SIPp's
 *   built-in `uac` with `-d`, then exits: 0 when every call completed, 1 otherwise.
 * - `serve frontend --listen ... --domain <d> --users <n> [--seed <n>]` runs the registrar
 *   (digest) for the lab's deterministic population (`lab population` prints it).
 *
 * Both first print `listening <proto>:<host>:<port>` once their endpoint is bound (before any
 * call is placed), so a harness can tell start-up from work; `serve uac --json` then prints its
 * report as the one JSON line, last.
 *
 * Over TLS or WSS the agents use this process's embedded lab CA; `serve uas` writes that CA to
 * a file and prints `lab CA: <file>`, which `serve uac --ca <file>` then trusts.
 *
 * @example
 * ```ts
 * const code = await serveAgent(["uas", "--listen", "udp:127.0.0.1:5060"]);
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { counterIn, histogramIn, MetricsRegistry } from "../lab/metrics/mod.ts";
import { TimerWheel } from "../lab/sip/timer/mod.ts";
import { serveFrontend } from "./frontend/serve_frontend.ts";
import { labTlsMaterial } from "./lab_trust.ts";
import { formatListenAddress, parseListenAddress } from "./sip_endpoint.ts";
import { BasicCaller, type CallOutcome } from "./uac/caller.ts";
import { UasAgent } from "./uas/uas_agent.ts";

/** Where `serveAgent` writes its lines. */
export interface ServeOutput {
  out(line: string): void;
  err(line: string): void;
}

const CONSOLE: ServeOutput = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs `argv` = `[agent, ...options]`; resolves to the process exit code (2 for a usage
 * error: unknown agent, missing or malformed option).
 */
export async function serveAgent(argv: string[], io: ServeOutput = CONSOLE): Promise<number> {
  const [agent, ...rest] = argv;
  try {
    switch (agent) {
      case "uas":
        return await serveUas(rest, io);
      case "uac":
        return await serveUac(rest, io);
      case "frontend":
        return await serveFrontend(rest, io);
      default:
        io.err(`lab serve: unknown agent '${agent}' (this build serves: uas, uac, frontend)`);
        return 2;
    }
  } catch (error) {
    io.err(`lab serve ${agent}: ${error instanceof Error ? error.message : error}`);
    return 2;
  }
}

function number(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`--${name} must be a non-negative number, got '${value}'`);
  }
  return n;
}

async function serveUas(args: string[], io: ServeOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { listen: { type: "string" }, ring: { type: "string" } },
    strict: true,
  });
  if (!values.listen) throw new Error("--listen <udp|tcp|tls|ws|wss>:<host>:<port> is required");
  const listen = parseListenAddress(values.listen);
  const ringMs = number(values.ring, "ring", 0);
  const secure = listen.protocol === "tls" || listen.protocol === "wss";
  const tls = secure ? await labTlsMaterial(listen.host) : undefined;
  const uas = await UasAgent.start({ listen, ringTimeMs: () => ringMs, tls });
  io.out(`listening ${formatListenAddress(uas.address)}`);
  if (tls?.caPem) {
    // Peers in other processes trust this process's lab CA through this file (`uac --ca`).
    const caFile = await Deno.makeTempFile({ prefix: "sipfleet-lab-ca-", suffix: ".pem" });
    await Deno.writeTextFile(caFile, tls.caPem);
    io.out(`lab CA: ${caFile}`);
  }
  io.out("lab uas: answers INVITE with 180 then 200 (SDP), ACK, BYE → 200; Ctrl-C stops");
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  await stopped;
  const c = uas.counts;
  await uas.stop();
  io.out(
    `lab uas: received ${c.received}, answered ${c.answered}, completed ${c.completed}, ` +
      `cancelled ${c.cancelled}, failed ${c.failed}`,
  );
  return 0;
}

/** What `serve uac --json` prints as its one JSON line, the last of its output. */
export interface UacRunReport {
  attempted: number;
  succeeded: number;
  failed: number;
  failedByStatus: Record<string, number>;
  elapsedMs: number;
  callsPerSec: number;
  setupMs: { p50: number; p95: number; p99: number };
  retransmissions: number;
}

async function serveUac(args: string[], io: ServeOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      listen: { type: "string" },
      target: { type: "string" },
      rate: { type: "string" },
      calls: { type: "string" },
      hold: { type: "string" },
      timeout: { type: "string" },
      ca: { type: "string" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  if (!values.target) throw new Error("--target <udp|tcp|tls|ws|wss>:<host>:<port> is required");
  const target = parseListenAddress(values.target);
  const listen = values.listen
    ? parseListenAddress(values.listen)
    : { protocol: target.protocol, host: "127.0.0.1", port: 0 };
  const rate = number(values.rate, "rate", 10);
  const calls = Math.floor(number(values.calls, "calls", 100));
  const holdMs = number(values.hold, "hold", 0);
  const timeoutMs = number(values.timeout, "timeout", calls / Math.max(rate, 0.001) + 30) * 1000;
  if (rate <= 0) throw new Error("--rate must be above 0");

  const wheel = new TimerWheel();
  const metrics = new MetricsRegistry();
  const secure = target.protocol === "tls" || target.protocol === "wss";
  // TLS/WSS: this endpoint's own certificate (it accepts connections too) from this process's
  // lab CA, trusting the CA file a `serve uas` printed (`--ca`), else this process's own CA.
  const own = secure ? await labTlsMaterial(listen.host) : undefined;
  const tls = own && values.ca ? { ...own, caPem: await Deno.readTextFile(values.ca) } : own;
  const caller = await BasicCaller.start({
    listen,
    target,
    holdTimeMs: () => holdMs,
    wheel,
    metrics,
    kpi: metrics.kpi,
    tls,
  });
  io.out(`listening ${formatListenAddress(caller.address)}`);
  if (!values.json) {
    io.out(
      `lab uac ${formatListenAddress(caller.address)} → ${
        formatListenAddress(target)
      }: ${calls} calls at ${rate}/s`,
    );
  }
  const outcomes: CallOutcome[] = [];
  const started = performance.now();
  let placed = 0;
  const finished = new Promise<void>((resolve) => {
    const onDone = (outcome: CallOutcome) => {
      outcomes.push(outcome);
      if (outcomes.length === calls) resolve();
    };
    // Arrivals on the wheel: every millisecond, place the calls that are due (constant rate).
    const tick = () => {
      const due = Math.min(calls, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      while (placed < due) {
        caller.call(
          { aor: `sip:uac${placed}@sipfleet.lab`, displayName: `Caller ${placed}` },
          onDone,
        );
        placed++;
      }
      if (placed < calls) wheel.schedule(1, tick);
    };
    if (calls === 0) resolve();
    else tick();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const end = await Promise.race([finished, timedOut]);
  clearTimeout(timer);
  const elapsedMs = performance.now() - started;
  await caller.stop();
  wheel.stop();

  const snapshot = metrics.snapshot();
  const setup = histogramIn(snapshot, "call_setup_time");
  const failedByStatus: Record<string, number> = {};
  for (const o of outcomes) {
    if (!o.ok) {
      failedByStatus[String(o.status ?? "none")] =
        (failedByStatus[String(o.status ?? "none")] ?? 0) + 1;
    }
  }
  const unfinished = calls - outcomes.length;
  if (unfinished > 0) failedByStatus["unfinished"] = unfinished;
  const succeeded = outcomes.filter((o) => o.ok).length;
  const report: UacRunReport = {
    attempted: placed,
    succeeded,
    failed: calls - succeeded,
    failedByStatus,
    elapsedMs: Math.round(elapsedMs),
    callsPerSec: Math.round((succeeded / (elapsedMs / 1000)) * 10) / 10,
    setupMs: {
      p50: setup?.cumulative.p50 ?? 0,
      p95: setup?.cumulative.p95 ?? 0,
      p99: setup?.cumulative.p99 ?? 0,
    },
    retransmissions: counterIn(snapshot, "sip_retransmissions").total,
  };
  if (values.json) io.out(JSON.stringify(report));
  else {
    io.out(
      `${
        end === "timeout" ? "timed out: " : ""
      }attempted ${report.attempted}, succeeded ${succeeded}, ` +
        `failed ${report.failed} ${
          JSON.stringify(failedByStatus)
        }, ${report.callsPerSec} calls/s, ` +
        `setup p50/p95/p99 ${report.setupMs.p50}/${report.setupMs.p95}/${report.setupMs.p99} ms, ` +
        `retransmissions ${report.retransmissions}`,
    );
  }
  return report.failed === 0 ? 0 : 1;
}
