/**
 * Figures: the Lync sign-in path (issue 3), clients and front end in separate processes (each
 * holds one socket per signed-in user; the fd limit is per process).
 *
 * (a) Full sign-ins per second — TLS connect, REGISTER → 401, the NTLM three-way handshake
 *     (MS-SIPAE), the signed 200 OK, the provisioning SUBSCRIBE (MS-SIPREGE) — of the lab client
 *     (agents/client, at most 200 sign-ins in flight) against the lab front end, with the p95
 *     sign-in time. Reference peer: Microsoft's Lync Server stress tool (LSS) signs users in at
 *     about 12 per second.
 * (b) The steady cost of keeping 10,000 users signed in: after they all signed in, 20 s of
 *     keep-alives every 5 s and re-registrations (Expires 20 s, refreshed at 90 %): CPU % of one
 *     core and resident memory of the client process and of the front end process.
 *
 * Children: signin_frontend_child.ts and signin_client_child.ts, each under the process-group
 * harness (SIGKILL guard). Bounded: about 90 s (about 40 s with `--quick`, 2,000 users).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { spawnToolGroup, type ToolGroup } from "../testing/mod.ts";
import type { BenchContext, BenchFigure, FigureOutcome, FigureRow } from "./figure.ts";
import type { SigninClientResult } from "./signin_client_child.ts";

const FRONTEND_CHILD = fileURLToPath(new URL("./signin_frontend_child.ts", import.meta.url));
const CLIENT_CHILD = fileURLToPath(new URL("./signin_client_child.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** Microsoft's stress tool sign-in ramp (LSS user sign-in), sign-ins per second. */
const MICROSOFT_SIGN_IN_RATE = 12;
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime (ms) and resident set (MB) of a live process, from /proc. */
async function procUsage(pid: number): Promise<{ cpuMs: number; rssMb: number }> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return { cpuMs, rssMb: rssKb / 1024 };
}

function denoChild(script: string, args: string[], dir: string, killAfterMs: number): ToolGroup {
  return spawnToolGroup(
    Deno.execPath(),
    ["run", "-A", "--config", CONFIG, script, ...args],
    { workDir: dir, killAfterMs },
  );
}

/** Starts the front end child; resolves with its port and CA file. */
async function startFrontend(
  dir: string,
  users: number,
): Promise<{ tool: ToolGroup; port: number; caFile: string }> {
  const tool = denoChild(
    FRONTEND_CHILD,
    ["--users", String(users), "--dir", dir, "--min-expires", "10"],
    dir,
    240_000,
  );
  await tool.waitForOutput(/listening \d+ \S+/, 60_000);
  const m = /listening (\d+) (\S+)/.exec(tool.stdout())!;
  return { tool, port: Number(m[1]), caFile: m[2] };
}

/** The JSON result line a client child printed. */
function clientResult(tool: ToolGroup): SigninClientResult {
  const line = tool.stdout().trim().split("\n").findLast((l) => l.startsWith("{"));
  if (line === undefined) {
    throw new Error(`client child printed no result: ${tool.stderr().slice(-400)}`);
  }
  return JSON.parse(line) as SigninClientResult;
}

interface SteadyFigures {
  client: SigninClientResult;
  frontendCpuPercent: number;
  frontendRssMb: number;
}

async function signInRate(dir: string, users: number, log: (l: string) => void) {
  const frontend = await startFrontend(dir, users);
  try {
    log(`sign-in: ${users} sign-ins (TLS + NTLM + REGISTER + provisioning), 200 in flight`);
    const client = denoChild(
      CLIENT_CHILD,
      [
        "--port",
        String(frontend.port),
        "--ca",
        frontend.caFile,
        "--users",
        String(users),
        "--concurrency",
        "200",
        "--mode",
        "rate",
        "--deadline-s",
        "90",
      ],
      dir,
      150_000,
    );
    await client.exited;
    return clientResult(client);
  } finally {
    await frontend.tool.signal("SIGTERM");
    await Promise.race([frontend.tool.exited, new Promise((r) => setTimeout(r, 3000))]);
    if (!frontend.tool.done) await frontend.tool.killGroup();
  }
}

async function steadyState(
  dir: string,
  users: number,
  seconds: number,
  log: (l: string) => void,
): Promise<SteadyFigures> {
  const frontend = await startFrontend(dir, users);
  try {
    log(`sign-in: ${users} users signed in, then ${seconds} s of keep-alives and refreshes`);
    const client = denoChild(
      CLIENT_CHILD,
      [
        "--port",
        String(frontend.port),
        "--ca",
        frontend.caFile,
        "--users",
        String(users),
        "--concurrency",
        "300",
        "--mode",
        "steady",
        "--expires",
        "20",
        "--keepalive-ms",
        "5000",
        "--steady-seconds",
        String(seconds),
        "--deadline-s",
        "120",
      ],
      dir,
      200_000,
    );
    const pid = await frontend.tool.toolPid();
    await client.waitForOutput(/steady-start/, 150_000);
    const before = await procUsage(pid);
    const from = performance.now();
    await client.exited;
    const after = await procUsage(pid);
    const wall = performance.now() - from;
    return {
      client: clientResult(client),
      frontendCpuPercent: ((after.cpuMs - before.cpuMs) / wall) * 100,
      frontendRssMb: after.rssMb,
    };
  } finally {
    await frontend.tool.signal("SIGTERM");
    await Promise.race([frontend.tool.exited, new Promise((r) => setTimeout(r, 3000))]);
    if (!frontend.tool.done) await frontend.tool.killGroup();
  }
}

/** The sign-in figures. */
export const signInFigure: BenchFigure = {
  id: "sign-in",
  title: "Lync sign-ins per second (TLS + NTLM + REGISTER + provisioning); cost of 10,000 online",
  async run(context: BenchContext): Promise<FigureOutcome> {
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-bench-signin-" });
    try {
      const rateUsers = context.quick ? 1000 : 3000;
      const steadyUsers = context.quick ? 2000 : 10_000;
      const steadySeconds = context.quick ? 10 : 20;
      const rate = await signInRate(dir, rateUsers, context.log);
      const steady = await steadyState(dir, steadyUsers, steadySeconds, context.log);
      const failedNote = (r: SigninClientResult) =>
        r.failed === 0 ? undefined : `${r.failed} failed: ${JSON.stringify(r.failures)}`;
      const rows: FigureRow[] = [
        {
          figure: `sign-ins/s, ${rateUsers} users (TLS+NTLM+REGISTER+provisioning)`,
          ours: rate.rate,
          peer: {
            kind: "reference",
            name: "Microsoft stress tool",
            value: MICROSOFT_SIGN_IN_RATE,
            source: "Lync Server Stress and Performance Tool sign-in ramp, ~12 users/s",
          },
          decimals: 0,
          note: failedNote(rate),
        },
        {
          figure: "sign-in time p95 (ms)",
          ours: rate.p95Ms,
          peer: { kind: "none" },
          decimals: 0,
        },
        {
          figure: `${steady.client.signedIn} online: client CPU (% of a core)`,
          ours: steady.client.cpuPercent,
          peer: { kind: "none" },
          decimals: 1,
          note: failedNote(steady.client) ??
            `${steady.client.refreshes} refreshes in ${steadySeconds} s, pings every 5 s`,
        },
        {
          figure: `${steady.client.signedIn} online: client RSS (MB)`,
          ours: steady.client.rssMb,
          peer: { kind: "none" },
        },
        {
          figure: `${steady.client.signedIn} online: front end CPU (% of a core)`,
          ours: steady.frontendCpuPercent,
          peer: { kind: "none" },
          decimals: 1,
        },
        {
          figure: `${steady.client.signedIn} online: front end RSS (MB)`,
          ours: steady.frontendRssMb,
          peer: { kind: "none" },
        },
      ];
      return { rows, details: { rate, steady } };
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
};
