/**
 * Bench child: the simulated Lync clients in their own process (agents/client), for the sign-in
 * figures. Signs in `--users` endpoints (user00001 … / pw-1 …) to the front end at
 * `--port` over TLS with NTLM, at most `--concurrency` sign-ins in flight, as fast as they go.
 *
 * - `--mode rate`: prints one JSON line `{ signedIn, failed, seconds, rate, p50Ms, p95Ms,
 *   failures }` once every sign-in ended.
 * - `--mode steady`: once all are signed in prints `steady-start`, keeps them signed in for
 *   `--steady-seconds` (keep-alives every `--keepalive-ms`, refresh before `--expires`), then
 *   prints `{ …, cpuPercent, rssMb, reRegistrations }` for that window, measured in-process.
 *
 * Bounded: every wait has a deadline (`--deadline-s`, default 120).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { LyncClient } from "../../agents/client/mod.ts";
import type { LyncEndpoint } from "../../agents/client/mod.ts";
import { TimerWheel } from "../sip/timer/mod.ts";
import { NO_TRANSACTION_METRICS } from "../sip/transaction/mod.ts";

/** What a run prints as its last line. */
export interface SigninClientResult {
  signedIn: number;
  failed: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p95Ms: number;
  failures: Record<string, number>;
  cpuPercent?: number;
  rssMb?: number;
  /** V8 heap in use, MB (the rest of the RSS is native: sockets, TLS sessions). */
  heapMb?: number;
  /** REGISTER 2xx answers during the steady window (refreshes). */
  refreshes?: number;
  connections?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs the child with `args`; resolves to the result it printed. */
export async function runSigninClients(args: string[]): Promise<SigninClientResult> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      ca: { type: "string" },
      users: { type: "string" },
      domain: { type: "string" },
      concurrency: { type: "string" },
      mode: { type: "string" },
      expires: { type: "string" },
      "keepalive-ms": { type: "string" },
      "steady-seconds": { type: "string" },
      "deadline-s": { type: "string" },
    },
  });
  const users = Number(values.users ?? "1000");
  const domain = values.domain ?? "bench.test";
  const concurrency = Number(values.concurrency ?? "100");
  const steady = values.mode === "steady";
  const deadline = performance.now() + Number(values["deadline-s"] ?? "120") * 1000;
  const wheel = new TimerWheel();
  const times: number[] = [];
  const failures: Record<string, number> = {};
  let registersAnswered = 0;
  let inFlight = 0;
  let next = 1;
  let ended = 0;
  let wake: () => void = () => {};
  const client = LyncClient.start({
    server: { kind: "direct", protocol: "tls", host: "127.0.0.1", port: Number(values.port) },
    caCerts: [await Deno.readTextFile(values.ca!)],
    wheel,
    auth: "ntlm",
    expiresSeconds: values.expires === undefined ? undefined : Number(values.expires),
    keepAliveMs: values["keepalive-ms"] === undefined ? undefined : Number(values["keepalive-ms"]),
    retries: 0,
    metrics: {
      transaction: {
        ...NO_TRANSACTION_METRICS,
        responseReceived(method: string, status: number) {
          if (method === "REGISTER" && status >= 200 && status < 300) registersAnswered++;
        },
      },
    },
    connectTimeoutMs: 20_000,
    events: {
      online(_endpoint: LyncEndpoint, ms: number | undefined) {
        if (ms === undefined) return;
        times.push(ms);
        inFlight--;
        ended++;
        wake();
      },
      failed(_endpoint, failure) {
        failures[failure.kind] = (failures[failure.kind] ?? 0) + 1;
      },
      ended(endpoint) {
        if (endpoint.signInMs !== undefined) return;
        inFlight--;
        ended++;
        wake();
      },
    },
  });
  const started = performance.now();
  while (ended < users && performance.now() < deadline) {
    while (inFlight < concurrency && next <= users) {
      inFlight++;
      const index = next++;
      const name = `user${String(index).padStart(5, "0")}`;
      client.signIn({ name, aor: `sip:${name}@${domain}`, domain, password: `pw-${index}` });
    }
    let poll: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      poll = setTimeout(resolve, 1000);
    });
    clearTimeout(poll);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const result: SigninClientResult = {
    signedIn: times.length,
    failed: users - times.length,
    seconds,
    rate: times.length / seconds,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    failures,
  };
  if (steady) {
    const window = Number(values["steady-seconds"] ?? "20") * 1000;
    const before = process.cpuUsage();
    const from = performance.now();
    const registersBefore = registersAnswered;
    console.log("steady-start");
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(window, deadline - from)))
    );
    const used = process.cpuUsage(before);
    const wall = performance.now() - from;
    result.cpuPercent = ((used.user + used.system) / 1000 / wall) * 100;
    const memory = Deno.memoryUsage();
    result.rssMb = memory.rss / 1e6;
    result.heapMb = memory.heapUsed / 1e6;
    result.refreshes = registersAnswered - registersBefore;
    result.connections = client.connections;
  }
  console.log(JSON.stringify(result));
  await client.stop({ graceful: false });
  wheel.stop();
  return result;
}

if (import.meta.main) await runSigninClients(Deno.args);
