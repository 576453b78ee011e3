/**
 * Kamailio (Debian's `kamailio`, 5.6) as a real SIP proxy for tests: {@link startKamailio} runs
 * it in the foreground on 127.0.0.1 with the lab proxy configuration
 * ({@link KAMAILIO_PROXY_CONFIG}: stateful, record-routing, relays every request to its
 * Request-URI) and resolves once it answers an OPTIONS; `stop()` ends it with SIGTERM, then
 * SIGKILL for its whole process group.
 *
 * Bounded three ways: GNU `timeout` ends Kamailio after `lifetimeMs` even if the test process
 * dies, the process-group harness SIGKILLs the group a little later, and `stop()` in a finally.
 * Its counters (received requests per method, forwarded replies…) come from its JSON-RPC
 * interface over HTTP on its own TCP port.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { spawnToolGroup, type ToolExit, type ToolGroup } from "./process_group.ts";
import { freeLoopbackPort, isLoopbackHost, isPortBound } from "./loopback_ports.ts";

/**
 * The lab proxy configuration, also the one a person starts by hand
 * (`kamailio -f lab/testing/kamailio_proxy.cfg -DD -E`). It reads the defines `SIP_ADDRESS` and
 * `SIP_PORT` (default 127.0.0.1 and 5060).
 */
export const KAMAILIO_PROXY_CONFIG = fileURLToPath(
  new URL("./kamailio_proxy.cfg", import.meta.url),
);

/** Options of {@link startKamailio}. */
export interface KamailioOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port for both UDP and TCP; default a free one. */
  port?: number;
  /** Configuration file (default {@link KAMAILIO_PROXY_CONFIG}); gets `SIP_ADDRESS`, `SIP_PORT`. */
  configFile?: string;
  /**
   * Further configuration defines, each passed as `-A NAME=VALUE` (`-A NAME` when the value is
   * empty). A value the configuration uses as a string carries its own double quotes.
   */
  defines?: Readonly<Record<string, string>>;
  /** How long Kamailio may take to answer its first OPTIONS. Default 10 000 ms. */
  readyTimeoutMs?: number;
  /** Kamailio is ended by `timeout` after this long whatever happens. Default 300 000 ms. */
  lifetimeMs?: number;
}

/** A running Kamailio. */
export interface KamailioServer {
  readonly host: string;
  readonly port: number;
  /** `host:port`, for a scenario target or a SIPp remote. */
  readonly address: string;
  /**
   * Its statistics by name (`core.rcv_requests_bye`, `tmx.2xx_transactions`, …), fetched with
   * the JSON-RPC method `stats.fetch`.
   */
  statistics(): Promise<Record<string, number>>;
  /** SIGTERM, up to 3 s to exit, then SIGKILL to the group; resolves when it is gone. */
  stop(): Promise<ToolExit>;
  /** The end of its log (stderr) and stdout, for diagnostics. */
  output(): string;
}

/** After `timeout` has sent SIGTERM, SIGKILL follows this many seconds later. */
const TIMEOUT_KILL_AFTER_S = 2;
const STOP_GRACE_MS = 3000;

/**
 * Starts Kamailio on `host:port` (UDP and TCP) and resolves once it answers an OPTIONS over
 * UDP. Always `stop()` it in a finally.
 *
 * @example
 * ```ts
 * const proxy = await startKamailio();
 * try {
 *   // a UAC with proxy.address as its outbound proxy, Request-URI sip:service@127.0.0.1:<uas>
 * } finally {
 *   await proxy.stop();
 * }
 * ```
 */
export async function startKamailio(options: KamailioOptions = {}): Promise<KamailioServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host) || host.includes(":") || host === "localhost") {
    throw new Error(`kamailio: ${host} is not an IPv4 loopback address`);
  }
  const port = options.port ?? await freeUdpAndTcpPort();
  // Another server on the port would answer the readiness OPTIONS in Kamailio's place.
  for (const transport of ["udp", "tcp"] as const) {
    if (await isPortBound(port, transport)) {
      throw new Error(`kamailio: ${transport} port ${port} is already in use`);
    }
  }
  const lifetimeMs = options.lifetimeMs ?? 300_000;
  const workDir = await Deno.makeTempDir({ prefix: "sipfleet-kamailio-" });
  const args = [
    "--foreground",
    "-k",
    String(TIMEOUT_KILL_AFTER_S),
    `${Math.max(1, Math.ceil(lifetimeMs / 1000))}s`,
    "kamailio",
    "-f",
    options.configFile ?? KAMAILIO_PROXY_CONFIG,
    // Foreground with its worker processes, log to stderr, runtime files in the work dir.
    "-DD",
    "-E",
    "-Y",
    workDir,
    "-A",
    `SIP_ADDRESS=${host}`,
    "-A",
    `SIP_PORT=${port}`,
    ...Object.entries(options.defines ?? {}).flatMap(([name, value]) => [
      "-A",
      value === "" ? name : `${name}=${value}`,
    ]),
  ];
  const tool = spawnToolGroup("timeout", args, {
    workDir,
    killAfterMs: lifetimeMs + (TIMEOUT_KILL_AFTER_S + 3) * 1000,
  });
  const output = () => tool.stdout() + tool.stderr();
  const cleanUp = () => Deno.remove(workDir, { recursive: true }).catch(() => {});
  try {
    await waitUntilAnswering(tool, host, port, options.readyTimeoutMs ?? 10_000);
  } catch (error) {
    await shutdown(tool);
    await cleanUp();
    throw error;
  }
  return {
    host,
    port,
    address: `${host}:${port}`,
    statistics: () => fetchStatistics(host, port),
    async stop() {
      try {
        return await shutdown(tool);
      } finally {
        await cleanUp();
      }
    },
    output,
  };
}

/**
 * A port free for both UDP and TCP on 127.0.0.1 (Kamailio listens on both), for a
 * configuration that must know its port before {@link startKamailio} runs.
 *
 * @example
 * ```ts
 * const port = await freeUdpAndTcpPort();
 * ```
 */
export async function freeUdpAndTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = freeLoopbackPort("udp");
    if (!(await tcpPortInAnyUse(port))) return port;
  }
  throw new Error("kamailio: no port free for both UDP and TCP after 20 tries");
}

/**
 * True when some TCP socket holds `port` locally in any state. Not only listeners: Kamailio's
 * TCP bind also fails on a port still held by a connection (TIME-WAIT included), which a busy
 * machine has by the thousand in the ephemeral range the UDP port came from.
 */
async function tcpPortInAnyUse(port: number): Promise<boolean> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = await Deno.readTextFile(table);
    } catch {
      continue;
    }
    // "  sl  local_address rem_address   st ...": local_address is ADDR:PORT in hex.
    for (const line of text.split("\n").slice(1)) {
      if (line.trim().split(/\s+/)[1]?.endsWith(hexPort)) return true;
    }
  }
  return false;
}

async function waitUntilAnswering(
  tool: ToolGroup,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (tool.done) {
      const exit = await tool.exited;
      throw new Error(
        `kamailio exited (code ${exit.code}) before answering on ${host}:${port}:\n` +
          (tool.stdout() + tool.stderr()).slice(-4096),
      );
    }
    const status = await optionsStatus({ transport: "udp", host, port, timeoutMs: 200 });
    if (status !== undefined && await isPortBound(port, "tcp")) return;
  }
  throw new Error(
    `kamailio did not answer OPTIONS on ${host}:${port} in ${timeoutMs} ms:\n` +
      (tool.stdout() + tool.stderr()).slice(-4096),
  );
}

async function shutdown(tool: ToolGroup): Promise<ToolExit> {
  // `timeout` passes SIGTERM on to Kamailio, whose main process then ends its workers.
  await tool.signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((
    resolve,
  ) => (timer = setTimeout(() => resolve("late"), STOP_GRACE_MS)));
  try {
    if (await Promise.race([tool.exited.then(() => "exited" as const), late]) === "late") {
      await tool.killGroup();
    }
  } finally {
    clearTimeout(timer);
  }
  return await tool.exited;
}

/** Where {@link optionsStatus} sends its OPTIONS. */
export interface OptionsProbe {
  transport: "udp" | "tcp";
  host: string;
  port: number;
  /** Give up after this long. */
  timeoutMs: number;
}

/**
 * Sends one OPTIONS (RFC 3261 §11) for the server itself (`sip:host:port`, no user part) and
 * returns the status code of the answer, or undefined when none came in time. A fresh socket
 * each time, closed before returning.
 *
 * @example
 * ```ts
 * await optionsStatus({ transport: "udp", host: "127.0.0.1", port: 5060, timeoutMs: 500 }); // 200
 * ```
 */
export async function optionsStatus(probe: OptionsProbe): Promise<number | undefined> {
  if (!isLoopbackHost(probe.host)) throw new Error(`${probe.host} is not a loopback address`);
  return probe.transport === "udp" ? await udpOptions(probe) : await tcpOptions(probe);
}

function optionsRequest(probe: OptionsProbe, local: Deno.NetAddr): Uint8Array {
  const tag = crypto.randomUUID().slice(0, 8);
  const target = `sip:${probe.host}:${probe.port}${
    probe.transport === "tcp" ? ";transport=tcp" : ""
  }`;
  const text = [
    `OPTIONS ${target} SIP/2.0`,
    // RFC 3261 §8.1.1.7: the branch starts with the magic cookie z9hG4bK.
    `Via: SIP/2.0/${probe.transport.toUpperCase()} ${local.hostname}:${local.port};branch=z9hG4bK${tag}`,
    "Max-Forwards: 70",
    `From: <sip:probe@${local.hostname}>;tag=${tag}`,
    `To: <${target}>`,
    `Call-ID: ${crypto.randomUUID()}`,
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return new TextEncoder().encode(text);
}

/** The status code of a SIP response's status line (RFC 3261 §7.2). */
function statusOf(text: string): number | undefined {
  const match = /^SIP\/2\.0 (\d{3}) /.exec(text);
  return match ? Number(match[1]) : undefined;
}

async function udpOptions(probe: OptionsProbe): Promise<number | undefined> {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const timer = setTimeout(() => socket.close(), probe.timeoutMs);
  try {
    await socket.send(optionsRequest(probe, socket.addr as Deno.NetAddr), {
      transport: "udp",
      hostname: probe.host,
      port: probe.port,
    });
    const [bytes] = await socket.receive();
    return statusOf(new TextDecoder().decode(bytes));
  } catch {
    // Closed by the timer (no answer in time) or refused (nothing listens yet).
    return undefined;
  } finally {
    clearTimeout(timer);
    try {
      socket.close();
    } catch {
      // Already closed by the timer.
    }
  }
}

/** Writes `request` on a new TCP connection and reads until `complete` says the answer is whole. */
async function tcpExchange(
  host: string,
  port: number,
  request: Uint8Array | ((local: Deno.NetAddr) => Uint8Array),
  complete: (text: string) => boolean,
  timeoutMs: number,
): Promise<string | undefined> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: host, port });
  } catch {
    return undefined;
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    conn.close();
  };
  const timer = setTimeout(close, timeoutMs);
  try {
    const bytes = typeof request === "function" ? request(conn.localAddr) : request;
    for (let written = 0; written < bytes.length;) {
      written += await conn.write(bytes.subarray(written));
    }
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(64 * 1024);
    let text = "";
    while (!complete(text)) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
    }
    return complete(text) ? text : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    close();
  }
}

/** True once `text` holds a whole message framed by its Content-Length (RFC 3261 §18.3). */
function wholeMessage(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /^content-length:\s*(\d+)/im.exec(text.slice(0, end));
  const body = new TextEncoder().encode(text.slice(end + 4)).length;
  return body >= Number(length?.[1] ?? 0);
}

async function tcpOptions(probe: OptionsProbe): Promise<number | undefined> {
  const answer = await tcpExchange(
    probe.host,
    probe.port,
    (local) => optionsRequest(probe, local),
    wholeMessage,
    probe.timeoutMs,
  );
  return answer === undefined ? undefined : statusOf(answer);
}

async function fetchStatistics(host: string, port: number): Promise<Record<string, number>> {
  const body = JSON.stringify({ jsonrpc: "2.0", method: "stats.fetch", params: ["all"], id: 1 });
  const request = new TextEncoder().encode(
    `POST /RPC HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${new TextEncoder().encode(body).length}\r\nConnection: close\r\n\r\n` +
      body,
  );
  const answer = await tcpExchange(host, port, request, wholeMessage, 5000);
  if (answer === undefined) throw new Error(`kamailio ${host}:${port}: no answer to stats.fetch`);
  const json = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as {
    result?: Record<string, string>;
    error?: { message?: string };
  };
  if (json.result === undefined) {
    throw new Error(`kamailio stats.fetch failed: ${json.error?.message ?? answer.slice(0, 200)}`);
  }
  return Object.fromEntries(
    Object.entries(json.result).map(([name, value]) => [name, Number(value)]),
  );
}

/**
 * True when a runnable `kamailio` is on PATH (`kamailio -v` prints its version).
 *
 * @example
 * ```ts
 * const available = await kamailioAvailable();
 * Deno.test({ name: "...", ignore: !available && Deno.env.get("CI") !== "true", fn() {} });
 * ```
 */
export async function kamailioAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("kamailio", {
      args: ["-v"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return /version: kamailio \d/.test(new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
}
