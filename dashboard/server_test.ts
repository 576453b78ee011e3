import assert from "node:assert/strict";
import { basicCallUacChart } from "../agents/uac/basic_call_chart.ts";
import { MetricsRegistry } from "../lab/metrics/mod.ts";
import type { DashboardFrame } from "./frame.ts";
import {
  CLOSE_UNAUTHORIZED,
  type Dashboard,
  type DashboardOptions,
  startDashboard,
} from "./server.ts";
import { SyntheticFleet } from "./synthetic_fleet.ts";

interface Setup {
  readonly dashboard: Dashboard;
  readonly fleet: SyntheticFleet;
  readonly registry: MetricsRegistry;
}

async function withDashboard(
  options: Partial<DashboardOptions>,
  body: (setup: Setup) => Promise<void>,
): Promise<void> {
  const registry = new MetricsRegistry();
  const fleet = new SyntheticFleet({ registry, users: 20, rate: 50 });
  const dashboard = await startDashboard({
    registry,
    control: fleet,
    users: fleet,
    errors: fleet.errors,
    charts: { uacCall: basicCallUacChart },
    ...options,
  });
  try {
    await body({ dashboard, fleet, registry });
  } finally {
    fleet.halt();
    await dashboard.close();
  }
}

/** A WebSocket client that queues what it receives. */
class Page {
  readonly socket: WebSocket;
  readonly closed: Promise<CloseEvent>;
  readonly #messages: unknown[] = [];
  #wake: (() => void) | undefined;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.onmessage = (event) => {
      this.#messages.push(JSON.parse(String(event.data)));
      this.#wake?.();
    };
    this.closed = new Promise((resolve) => {
      this.socket.onclose = (event) => {
        this.#wake?.();
        resolve(event);
      };
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("socket failed"));
    });
  }

  // deno-lint-ignore no-explicit-any
  async next(): Promise<any> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      while (this.#messages.length === 0) {
        if (this.socket.readyState === WebSocket.CLOSED) throw new Error("socket closed");
        await new Promise<void>((resolve, reject) => {
          this.#wake = resolve;
          timer = setTimeout(() => reject(new Error("no message within 5 s")), 5_000);
        });
        clearTimeout(timer);
      }
      return this.#messages.shift();
    } finally {
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

function wsUrl(dashboard: Dashboard, query = ""): string {
  return `${dashboard.url.replace("http:", "ws:")}ws${query}`;
}

function post(dashboard: Dashboard, body: unknown, token?: string): Promise<Response> {
  return fetch(`${dashboard.url}api/control`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function get(dashboard: Dashboard, path: string, token?: string): Promise<Response> {
  return fetch(`${dashboard.url}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

Deno.test("startDashboard: binds 127.0.0.1 by default, unreachable on other addresses", async () => {
  await withDashboard({}, async ({ dashboard }) => {
    assert.equal(dashboard.hostname, "127.0.0.1");
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(dashboard.openUrl, `${dashboard.url}#token=${dashboard.token}`);
    assert.match(dashboard.token, /^[A-Za-z0-9_-]{22}$/);
    // 127.0.0.2 is this host too, but nothing listens there.
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.2", port: dashboard.port }),
      Deno.errors.ConnectionRefused,
    );
    const response = await get(dashboard, "metrics");
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});

Deno.test("startDashboard: /metrics serves the Prometheus text without a token", async () => {
  await withDashboard({}, async ({ dashboard, fleet }) => {
    for (let i = 0; i < 5; i++) fleet.step(100);
    const response = await get(dashboard, "metrics");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const invites = /^sipfleet_sip_requests_sent_total\{method="INVITE"\} (\d+)$/m.exec(text);
    assert.ok(invites !== null && Number(invites[1]) > 0, "INVITE counter exposed");
    assert.match(text, /^sipfleet_agent_states\{machine="uacCall",state="idle"\} \d+$/m);
  });
});

Deno.test("startDashboard: the control API wants the bearer token and calls the run", async () => {
  await withDashboard({ token: "secret-token-1234" }, async ({ dashboard, fleet }) => {
    const missing = await post(dashboard, { action: "pause" });
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer /);
    await missing.body?.cancel();
    const wrong = await post(dashboard, { action: "pause" }, "secret-token-1235");
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.deepEqual(fleet.controlCalls, []);

    const paused = await post(dashboard, { action: "pause" }, "secret-token-1234");
    assert.equal(paused.status, 200);
    assert.equal((await paused.json()).status.paused, true);
    const rate = await post(dashboard, { action: "setRate", rate: 7.5 }, dashboard.token);
    assert.deepEqual((await rate.json()).status.rate, 7.5);
    const resumed = await post(dashboard, { action: "resume" }, dashboard.token);
    assert.equal((await resumed.json()).status.paused, false);
    const stopped = await post(dashboard, { action: "stop" }, dashboard.token);
    assert.equal((await stopped.json()).status.stopping, true);
    assert.deepEqual(fleet.controlCalls, ["pause", "setRate:7.5", "resume", "stop"]);

    for (const bad of [{ action: "setRate" }, { action: "setRate", rate: -1 }, { action: "x" }]) {
      const response = await post(dashboard, bad, dashboard.token);
      assert.equal(response.status, 400, JSON.stringify(bad));
      await response.body?.cancel();
    }
    const notJson = await post(dashboard, "{", dashboard.token);
    assert.equal(notJson.status, 400);
    await notJson.body?.cancel();
    const viaGet = await get(dashboard, "api/control", dashboard.token);
    assert.equal(viaGet.status, 405);
    await viaGet.body?.cancel();
    assert.equal(fleet.controlCalls.length, 4);
  });
});

Deno.test("startDashboard: the WebSocket wants the token, then pushes frames", async () => {
  await withDashboard({ snapshotEveryMs: 40 }, async ({ dashboard, fleet }) => {
    fleet.start(20, 200);
    const intruder = new Page(wsUrl(dashboard, "?token=wrong"));
    assert.equal((await intruder.closed).code, CLOSE_UNAUTHORIZED);
    const silent = new Page(wsUrl(dashboard));
    await silent.opened();
    silent.socket.send(JSON.stringify({ type: "auth", token: "wrong" }));
    assert.equal((await silent.closed).code, CLOSE_UNAUTHORIZED);

    const page = new Page(wsUrl(dashboard, `?token=${dashboard.token}`));
    try {
      const hello = await page.next();
      assert.equal(hello.type, "hello");
      assert.equal(hello.users, true);
      assert.deepEqual(hello.graphs.map((g: { machine: string }) => g.machine), ["uacCall"]);
      const frames: DashboardFrame[] = [];
      while (frames.length < 4) {
        const message = await page.next();
        if (message.type === "frame") frames.push(message);
      }
      const elapsed = frames.map((f) => f.elapsedMs);
      assert.deepEqual([...elapsed].sort((a, b) => a - b), elapsed);
      assert.ok(elapsed[3] > elapsed[0]);
      const last = frames[3];
      assert.deepEqual(Object.keys(last).sort(), [
        "at",
        "elapsedMs",
        "errors",
        "headline",
        "intervalMs",
        "latencies",
        "point",
        "run",
        "states",
        "thresholds",
        "type",
      ]);
      assert.deepEqual(Object.keys(last.point).sort(), ["latency", "requests", "responses", "t"]);
      assert.equal(typeof last.point.requests.INVITE, "number");
      assert.equal(last.run.rate, 50);
      const users = Object.values(last.states.uacCall).reduce((a, b) => a + b, 0);
      assert.equal(users, 20);
      assert.equal(dashboard.clients, 1);
    } finally {
      await page.close();
    }

    // The token can also come as the first message.
    const second = new Page(wsUrl(dashboard));
    await second.opened();
    second.socket.send(JSON.stringify({ type: "auth", token: dashboard.token }));
    try {
      const hello = await second.next();
      assert.equal(hello.type, "hello");
      assert.ok(hello.history.length > 0, "a late page gets the history");
    } finally {
      await second.close();
    }
  });
});

Deno.test("startDashboard: publish pushes the runner's snapshots; /api/snapshot wants the token", async () => {
  await withDashboard({}, async ({ dashboard, fleet, registry }) => {
    const page = new Page(wsUrl(dashboard, `?token=${dashboard.token}`));
    try {
      const hello = await page.next();
      assert.equal(hello.frame, null);
      assert.deepEqual(hello.history, []);
      fleet.step(100);
      dashboard.publish(registry.snapshot());
      const frame = await page.next();
      assert.equal(frame.type, "frame");
      assert.ok(frame.headline.sessionsAttempted > 0);
    } finally {
      await page.close();
    }
    const refused = await get(dashboard, "api/snapshot");
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    const snapshot = await (await get(dashboard, "api/snapshot", dashboard.token)).json();
    assert.equal(snapshot.type, "hello");
    assert.equal(snapshot.history.length, 1);
    assert.equal(snapshot.frame.type, "frame");
  });
});

Deno.test("startDashboard: user drill-down, 404 for an unknown user", async () => {
  await withDashboard({}, async ({ dashboard, fleet }) => {
    fleet.step(100);
    const anonymous = await get(dashboard, "api/users/caller0001");
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const unknown = await get(dashboard, "api/users/nobody", dashboard.token);
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const list = await (await get(dashboard, "api/users?limit=5", dashboard.token)).json();
    assert.equal(list.users.length, 5);
    const detail = await (await get(dashboard, `api/users/${list.users[0]}`, dashboard.token))
      .json();
    assert.equal(detail.id, list.users[0]);
    assert.equal(detail.machine, "uacCall");
    assert.notEqual(detail.state, "idle"); // busy users are listed first
    assert.equal(detail.recent.transactions[0].method, "INVITE");
    assert.ok(Array.isArray(detail.recent.messages));
  });
  await withDashboard({ users: undefined }, async ({ dashboard }) => {
    const none = await get(dashboard, "api/users/caller0001", dashboard.token);
    assert.equal(none.status, 404);
    await none.body?.cancel();
  });
});

async function rawGet(port: number, host: string): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `GET /metrics HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    await connection.write(new TextEncoder().encode(request));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(16_384);
    for (let n = await connection.read(buffer); n !== null; n = await connection.read(buffer)) {
      chunks.push(buffer.slice(0, n));
    }
    return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  } finally {
    connection.close();
  }
}

Deno.test("startDashboard: on loopback, refuses requests for other host names", async () => {
  await withDashboard({}, async ({ dashboard }) => {
    assert.match(await rawGet(dashboard.port, "rebound.example:80"), /^HTTP\/1\.1 403 /);
    assert.match(await rawGet(dashboard.port, `localhost:${dashboard.port}`), /^HTTP\/1\.1 200 /);
  });
});

Deno.test("startDashboard: serves the page and chart.js from local files", async () => {
  await withDashboard({}, async ({ dashboard }) => {
    const page = await get(dashboard, "");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/static\/app\.js">/);
    assert.match(html, /<script src="\/static\/chart\.umd\.min\.js">/);
    const chart = await get(dashboard, "static/chart.umd.min.js");
    assert.match(chart.headers.get("content-type") ?? "", /^text\/javascript/);
    const source = await chart.text();
    assert.match(source, /Chart\.js v4/);
    for (const path of ["static/app.js", "static/state_chart.js", "static/style.css"]) {
      const response = await get(dashboard, path);
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
    const missing = await get(dashboard, "static/../server.ts");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("startDashboard: close ends the pages' sockets", async () => {
  const registry = new MetricsRegistry();
  const fleet = new SyntheticFleet({ registry, users: 5 });
  const dashboard = await startDashboard({ registry, control: fleet });
  const page = new Page(wsUrl(dashboard, `?token=${dashboard.token}`));
  assert.equal((await page.next()).type, "hello");
  await dashboard.close();
  assert.equal((await page.closed).code, 1001);
  await assert.rejects(fetch(`${dashboard.url}metrics`));
});
