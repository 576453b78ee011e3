/**
 * The live dashboard's HTTP server: the page, Prometheus `/metrics`, the run's frames over a
 * WebSocket once a second, the controls and the user drill-down behind a bearer token. Binds
 * 127.0.0.1 unless told otherwise.
 *
 * | route                | token | what                                                            |
 * | -------------------- | ----- | --------------------------------------------------------------- |
 * | `GET /`, `/static/*` | no    | the page (chart.js served from node_modules: works offline)     |
 * | `GET /metrics`       | no    | Prometheus text exposition                                      |
 * | `GET /ws`            | yes   | WebSocket: `hello` (graphs, history), then one `frame` a second |
 * | `GET /api/snapshot`  | yes   | the `hello` payload as JSON                                     |
 * | `POST /api/control`  | yes   | `{ action: pause / resume / stop / setRate, rate? }`            |
 * | `GET /api/users`     | yes   | `?limit=` ids worth inspecting                                  |
 * | `GET /api/users/:id` | yes   | one user's state and recent transactions and messages          |
 *
 * The token goes in `Authorization: Bearer <token>` (RFC 6750 §2.1); the WebSocket takes it
 * as `?token=` or as its first message `{ "type": "auth", "token": … }`.
 *
 * @module
 */

import type { AnyStateMachine } from "xstate";
import {
  loadChartJs,
  type MetricsRegistry,
  type MetricsSnapshot,
  type ThresholdOutcome,
} from "../lab/metrics/mod.ts";
import type { ErrorSource, RunControl, RunStatus, UserInspector } from "./control.ts";
import { buildFrame, type ChartPoint, type DashboardFrame, PointHistory } from "./frame.ts";
import { baseUrl, DEFAULT_LISTEN, isLoopback, type ListenAddress } from "./listen.ts";
import { machineGraph, type StateGraph } from "./state_graph.ts";
import { bearerToken, newToken, tokensEqual } from "./token.ts";

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  readonly registry: MetricsRegistry;
  readonly control: RunControl;
  /** Default 127.0.0.1, any free port. */
  readonly listen?: Partial<ListenAddress>;
  /** The control token (default: a fresh 128-bit one). */
  readonly token?: string;
  /** Machines to draw, by the machine name their actors report in `stateCounts`. */
  readonly charts?: Readonly<Record<string, AnyStateMachine>>;
  /** The drill-down's source; without it the user panel says there is none. */
  readonly users?: UserInspector;
  /** Counts by status and ms-diagnostics code, and recent examples. */
  readonly errors?: ErrorSource;
  /** The thresholds' latest outcomes (read once per frame). */
  readonly thresholds?: () => readonly ThresholdOutcome[];
  /** Shown in the page header (the scenario's name). */
  readonly title?: string;
  /**
   * Take `registry.snapshot()` itself every this many ms. Only when nothing else snapshots the
   * registry (each snapshot starts a new interval). Default: frames come from
   * {@link Dashboard.publish}, which the runner calls with its own snapshot every second.
   */
  readonly snapshotEveryMs?: number;
  /** Chart points kept for pages opened mid-run (default 300: five minutes). */
  readonly historyPoints?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The URL with the token in its fragment (never sent to the server, nor logged by it). */
  readonly openUrl: string;
  readonly token: string;
  readonly hostname: string;
  readonly port: number;
  /** Push one snapshot's frame to every page (the runner, once per second). */
  publish(snapshot: MetricsSnapshot): void;
  /** Pages connected and authenticated now. */
  readonly clients: number;
  /** Close every page's socket and stop listening. */
  close(): Promise<void>;
}

/** What a page gets first: the static parts and the recent history. */
export interface DashboardHello {
  readonly type: "hello";
  readonly title: string;
  readonly graphs: readonly StateGraph[];
  /** Whether the drill-down has a source. */
  readonly users: boolean;
  readonly history: readonly ChartPoint[];
  readonly frame: DashboardFrame | null;
}

/** WebSocket close code for a missing or wrong token (private-use range, RFC 6455 §7.4.2). */
export const CLOSE_UNAUTHORIZED = 4401;
/** A page must authenticate within this long after connecting. */
const AUTH_TIMEOUT_MS = 5_000;
/** A page this far behind skips frames instead of queueing them. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How long closing waits for pages to answer the WebSocket closing handshake. */
const CLOSE_WAIT_MS = 1_000;
/** The most ids the user list returns. */
const MAX_USER_LIST = 1_000;

interface StaticFile {
  readonly type: string;
  readonly body: string;
}

async function loadStatic(): Promise<Map<string, StaticFile>> {
  const read = (name: string) => Deno.readTextFile(new URL(`./static/${name}`, import.meta.url));
  const js = "text/javascript; charset=utf-8";
  return new Map<string, StaticFile>([
    ["/", { type: "text/html; charset=utf-8", body: await read("index.html") }],
    ["/static/app.js", { type: js, body: await read("app.js") }],
    ["/static/state_chart.js", { type: js, body: await read("state_chart.js") }],
    ["/static/style.css", { type: "text/css; charset=utf-8", body: await read("style.css") }],
    ["/static/chart.umd.min.js", { type: js, body: await loadChartJs() }],
  ]);
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const PAGE_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json", ...headers },
  });
}

function unauthorized(): Response {
  // RFC 6750 §3: a protected resource answers 401 with a Bearer challenge.
  return json({ error: "missing or wrong token" }, 401, {
    "www-authenticate": 'Bearer realm="sipfleet"',
  });
}

const CONTROL_ACTIONS = new Set(["pause", "resume", "stop", "setRate"]);

/**
 * Start the dashboard.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ registry, control, charts: { uacCall: basicCallUacChart } });
 * console.log(`dashboard: ${dashboard.openUrl}`);
 * // every second: dashboard.publish(snapshot)
 * await dashboard.close();
 * ```
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const files = await loadStatic();
  const token = options.token ?? newToken();
  const graphs = new Map<string, StateGraph>(
    Object.entries(options.charts ?? {}).map(([name, machine]) => [
      name,
      { ...machineGraph(machine), machine: name },
    ]),
  );
  const history = new PointHistory(options.historyPoints ?? 300);
  const sockets = new Set<WebSocket>();
  const pending = new Set<WebSocket>();
  let latest: DashboardFrame | null = null;
  let closed = false;

  const hello = (): DashboardHello => ({
    type: "hello",
    title: options.title ?? "",
    graphs: [...graphs.values()],
    users: options.users !== undefined,
    history: history.points(),
    frame: latest,
  });

  const publish = (snapshot: MetricsSnapshot) => {
    if (closed) return;
    latest = buildFrame(snapshot, {
      run: options.control.status(),
      graphs,
      thresholds: options.thresholds?.() ?? [],
      errors: options.errors,
    });
    history.push(latest.point);
    if (sockets.size === 0) return;
    const text = JSON.stringify(latest);
    for (const socket of sockets) {
      if (socket.readyState === WebSocket.OPEN && socket.bufferedAmount < MAX_BUFFERED_BYTES) {
        socket.send(text);
      }
    }
  };

  const authorized = (request: Request) => {
    const presented = bearerToken(request.headers.get("authorization"));
    return presented !== undefined && tokensEqual(presented, token);
  };

  const acceptSocket = (request: Request, url: URL): Response => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    const queryToken = url.searchParams.get("token");
    const admit = () => {
      pending.delete(socket);
      sockets.add(socket);
      socket.send(JSON.stringify(hello()));
    };
    let authTimer: ReturnType<typeof setTimeout> | undefined;
    socket.onopen = () => {
      if (queryToken !== null) {
        if (tokensEqual(queryToken, token)) admit();
        else socket.close(CLOSE_UNAUTHORIZED, "unauthorized");
        return;
      }
      pending.add(socket);
      authTimer = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, "no token"), AUTH_TIMEOUT_MS);
    };
    socket.onmessage = (event) => {
      if (!pending.has(socket)) return; // pages send nothing else; controls go through the API
      clearTimeout(authTimer);
      let presented: unknown;
      try {
        presented = JSON.parse(String(event.data))?.token;
      } catch {
        presented = undefined;
      }
      if (typeof presented === "string" && tokensEqual(presented, token)) admit();
      else socket.close(CLOSE_UNAUTHORIZED, "unauthorized");
    };
    socket.onclose = () => {
      clearTimeout(authTimer);
      pending.delete(socket);
      sockets.delete(socket);
    };
    socket.onerror = () => {};
    return response;
  };

  const control = async (request: Request): Promise<Response> => {
    if (request.method !== "POST") return json({ error: "use POST" }, 405, { allow: "POST" });
    if (!authorized(request)) return unauthorized();
    let body: { action?: unknown; rate?: unknown };
    try {
      body = await request.json();
    } catch {
      return json({ error: "the body must be JSON" }, 400);
    }
    const action = body?.action;
    if (typeof action !== "string" || !CONTROL_ACTIONS.has(action)) {
      return json({ error: "action must be pause, resume, stop or setRate" }, 400);
    }
    const run = options.control;
    try {
      if (action === "setRate") {
        const rate = body.rate;
        if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) {
          return json({ error: "setRate needs a rate: a finite number ≥ 0 (per second)" }, 400);
        }
        run.setRate(rate);
      } else if (action === "pause") run.pause();
      else if (action === "resume") run.resume();
      else run.stop();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const refused = error instanceof RangeError || error instanceof TypeError;
      return json({ error: message }, refused ? 400 : 500);
    }
    const status: RunStatus = run.status();
    return json({ ok: true, status });
  };

  const users = (request: Request, url: URL): Response => {
    if (!authorized(request)) return unauthorized();
    const inspector = options.users;
    if (inspector === undefined) return json({ error: "this run has no user drill-down" }, 404);
    const rest = url.pathname.slice("/api/users".length);
    if (rest === "" || rest === "/") {
      const asked = Number(url.searchParams.get("limit") ?? 100);
      const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_USER_LIST) : 100;
      return json({ users: inspector.list(limit) });
    }
    let id: string;
    try {
      id = decodeURIComponent(rest.slice(1));
    } catch {
      return json({ error: "bad user id" }, 400);
    }
    const detail = inspector.inspect(id);
    return detail === undefined ? json({ error: `no user ${id}` }, 404) : json(detail);
  };

  const listen = { ...DEFAULT_LISTEN, ...options.listen };
  const loopbackOnly = isLoopback(listen.hostname);

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    // Bound to loopback, refuse requests addressed to another host name: a web page cannot
    // then reach the dashboard through DNS rebinding.
    if (loopbackOnly && !isLoopback(url.hostname.replace(/^\[|\]$/g, ""))) {
      return json({ error: "this dashboard answers on loopback addresses only" }, 403);
    }
    const path = url.pathname;
    if (path === "/metrics") {
      return new Response(await options.registry.prometheusText(), {
        headers: { ...SECURITY_HEADERS, "content-type": options.registry.prometheusContentType },
      });
    }
    if (path === "/ws") {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return json({ error: "WebSocket only" }, 426, { upgrade: "websocket" });
      }
      return acceptSocket(request, url);
    }
    if (path === "/api/control") return await control(request);
    if (path === "/api/snapshot") return authorized(request) ? json(hello()) : unauthorized();
    if (path === "/api/users" || path.startsWith("/api/users/")) return users(request, url);
    const file = files.get(path === "/index.html" ? "/" : path);
    if (file !== undefined && (request.method === "GET" || request.method === "HEAD")) {
      const headers: Record<string, string> = { ...SECURITY_HEADERS, "content-type": file.type };
      if (path === "/" || path === "/index.html") headers["content-security-policy"] = PAGE_POLICY;
      return new Response(request.method === "HEAD" ? null : file.body, { headers });
    }
    return json({ error: "not found" }, 404);
  };

  const bound = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: listen.hostname,
    port: listen.port,
    onListen: (addr) => bound.resolve(addr),
  }, handler);
  const addr = await bound.promise;

  const ticker = options.snapshotEveryMs === undefined
    ? undefined
    : setInterval(() => publish(options.registry.snapshot()), options.snapshotEveryMs);

  const url = baseUrl(listen.hostname, addr.port);
  return {
    url,
    openUrl: `${url}#token=${token}`,
    token,
    hostname: addr.hostname,
    port: addr.port,
    publish,
    get clients() {
      return sockets.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      const closing = [...sockets, ...pending].map((socket) => {
        if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
        const done = new Promise<void>((resolve) =>
          socket.addEventListener("close", () => resolve(), { once: true })
        );
        socket.close(1001, "dashboard closing");
        return done;
      });
      // A page that does not answer the closing handshake is not waited for long.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const patience = new Promise<void>((resolve) => timer = setTimeout(resolve, CLOSE_WAIT_MS));
      await Promise.race([Promise.all(closing), patience]);
      clearTimeout(timer);
      await server.shutdown();
    },
  };
}
