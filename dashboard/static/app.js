// The sipfleet live dashboard: receives a `hello` and then one `frame` a second over the
// WebSocket, draws the charts, tables and state machines, and drives the run's controls and
// the user drill-down through the token-protected API. Plain ES module, no build step.

import { drawStateChart } from "./state_chart.js";

const MAX_POINTS = 300;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 10000;
const CLOSE_UNAUTHORIZED = 4401;
const PALETTE = [
  "#2f6fde",
  "#1f9d55",
  "#d64545",
  "#c77c02",
  "#7c4dff",
  "#00897b",
  "#e91e63",
  "#5d6d7e",
  "#8d6e63",
  "#43a047",
  "#f4511e",
  "#3949ab",
];
const CLASS_COLORS = {
  "1xx": "#7b8799",
  "2xx": "#1f9d55",
  "3xx": "#2f6fde",
  "4xx": "#c77c02",
  "5xx": "#d64545",
  "6xx": "#7c4dff",
};
const PERCENTILES = [
  { key: "p50", label: "p50", color: "#1f9d55" },
  { key: "p95", label: "p95", color: "#2f6fde" },
  { key: "p99", label: "p99", color: "#c77c02" },
  { key: "p999", label: "p99.9", color: "#d64545" },
];

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// token: from the URL fragment (#token=…), kept for the tab's lifetime, removed from the address bar

function takeToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get("token");
  if (fromUrl) {
    sessionStorage.setItem("sipfleet-token", fromUrl);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("sipfleet-token") ?? "";
}

let token = takeToken();

// ---------------------------------------------------------------------------------------------
// small DOM helpers (text only: error examples and messages come from the network)

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function cell(value, numeric = false) {
  return el("td", numeric ? { class: "num" } : {}, value);
}

function fmt(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return Number(value).toFixed(Number.isInteger(value) ? 0 : digits);
}

function fmtClock(ms) {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

function labelsText(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ");
}

// ---------------------------------------------------------------------------------------------
// time charts

class TimeChart {
  constructor(canvas, yTitle, colorOf) {
    this.colorOf = colorOf;
    this.chart = new Chart(canvas, {
      type: "line",
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.2 } },
        scales: {
          x: {
            type: "linear",
            title: { display: true, text: "seconds" },
            ticks: { maxTicksLimit: 8 },
          },
          y: { beginAtZero: true, title: { display: true, text: yTitle } },
        },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
    });
  }

  reset() {
    this.chart.data.datasets = [];
  }

  #dataset(label) {
    let dataset = this.chart.data.datasets.find((d) => d.label === label);
    if (dataset === undefined) {
      const color = this.colorOf(label, this.chart.data.datasets.length);
      dataset = { label, data: [], borderColor: color, backgroundColor: color };
      this.chart.data.datasets.push(dataset);
    }
    return dataset;
  }

  /** Add one point per series (label → value; null values are skipped). */
  add(t, values) {
    for (const [label, value] of Object.entries(values)) {
      if (value === null || value === undefined) continue;
      const data = this.#dataset(label).data;
      if (data.length > 0 && data[data.length - 1].x >= t) continue;
      data.push({ x: t, y: value });
      if (data.length > MAX_POINTS) data.splice(0, data.length - MAX_POINTS);
    }
  }

  draw() {
    this.chart.update("none");
  }

  points() {
    return this.chart.data.datasets.reduce((sum, d) => sum + d.data.length, 0);
  }
}

const paletteColor = (_label, index) => PALETTE[index % PALETTE.length];
const charts = {
  requests: new TimeChart($("chart-requests"), "requests / s", paletteColor),
  responses: new TimeChart(
    $("chart-responses"),
    "responses / s",
    (label, i) => CLASS_COLORS[label] ?? paletteColor(label, i),
  ),
  latency: new TimeChart(
    $("chart-latency"),
    "ms",
    (label, i) => PERCENTILES.find((p) => p.label === label)?.color ?? paletteColor(label, i),
  ),
};

/** The last chart points received, oldest first (to redraw the latency chart on a new choice). */
let points = [];
let latencyChoice = "";

function latencyValues(point) {
  const stats = point.latency[latencyChoice];
  if (stats === undefined) return {};
  return Object.fromEntries(PERCENTILES.map((p) => [p.label, stats[p.key]]));
}

function addPoint(point) {
  points.push(point);
  if (points.length > MAX_POINTS) points.splice(0, points.length - MAX_POINTS);
  charts.requests.add(point.t, point.requests);
  charts.responses.add(point.t, point.responses);
  charts.latency.add(point.t, latencyValues(point));
}

function redrawLatency() {
  charts.latency.reset();
  for (const point of points) charts.latency.add(point.t, latencyValues(point));
  charts.latency.draw();
}

function updateLatencyChoices(keys) {
  const select = $("latency-series");
  const known = new Set([...select.options].map((o) => o.value));
  for (const key of keys) {
    if (!known.has(key)) select.append(el("option", { value: key }, key));
  }
  if (latencyChoice === "" && select.options.length > 0) {
    // Prefer a per-workload or call metric; otherwise the first series seen.
    const preferred = [...select.options].find((o) =>
      /^(call_setup_time|iteration_duration)/.test(o.value)
    );
    latencyChoice = (preferred ?? select.options[0]).value;
    select.value = latencyChoice;
    redrawLatency();
  }
}

$("latency-series").addEventListener("change", (event) => {
  latencyChoice = event.target.value;
  redrawLatency();
});

// ---------------------------------------------------------------------------------------------
// state charts

const stateCharts = new Map();

function setGraphs(graphs) {
  const container = $("state-charts");
  container.replaceChildren();
  stateCharts.clear();
  for (const graph of graphs) {
    const box = el(
      "div",
      { class: "state-chart", "data-machine": graph.machine },
      el("h3", {}, graph.machine),
    );
    container.append(box);
    stateCharts.set(graph.machine, drawStateChart(box, graph));
  }
  if (graphs.length === 0) {
    container.append(el("p", { class: "muted" }, "No state machine reported yet."));
  }
}

/** A machine reported without a chart to draw: its counts as a table. */
function countTable(machine) {
  const body = el("tbody");
  const box = el(
    "div",
    { class: "state-chart", "data-machine": machine },
    el("h3", {}, machine),
    el(
      "table",
      { class: "data" },
      el("thead", {}, el("tr", {}, el("th", {}, "state"), el("th", { class: "num" }, "actors"))),
      body,
    ),
  );
  const container = $("state-charts");
  if (stateCharts.size === 0) container.replaceChildren();
  container.append(box);
  return (counts) =>
    body.replaceChildren(
      ...Object.entries(counts).map(([state, n]) =>
        el("tr", { "data-state": state }, cell(state), cell(fmt(n, 0), true))
      ),
    );
}

function showStates(states) {
  for (const [machine, counts] of Object.entries(states)) {
    let update = stateCharts.get(machine);
    if (update === undefined) stateCharts.set(machine, update = countTable(machine));
    update(counts);
  }
}

// ---------------------------------------------------------------------------------------------
// frame → page

function showRun(run) {
  const badge = $("run-state");
  const state = run.stopping ? "stopping" : run.paused ? "paused" : "running";
  badge.textContent = state;
  badge.className = `badge ${state}`;
  $("pause").disabled = run.paused || run.stopping;
  $("resume").disabled = !run.paused || run.stopping;
  $("stop").disabled = Boolean(run.stopping);
  const rateInput = $("rate");
  if (run.rate !== undefined && document.activeElement !== rateInput) {
    rateInput.placeholder = `now ${fmt(run.rate, 2)}`;
  }
  const progress = $("progress");
  if (run.durationMs) {
    progress.hidden = false;
    progress.value = Math.min(1, run.elapsedMs / run.durationMs);
    $("elapsed").textContent = `${fmtClock(run.elapsedMs)} / ${fmtClock(run.durationMs)}`;
  } else {
    progress.hidden = true;
    $("elapsed").textContent = fmtClock(run.elapsedMs);
  }
}

function showHeadline(h) {
  $("stat-users").textContent = fmt(h.activeUsers, 0);
  $("stat-rps").textContent = fmt(h.requestsPerSecond);
  $("stat-sessions").textContent = `${fmt(h.sessionsEstablished, 0)} / ${
    fmt(h.sessionsAttempted, 0)
  }`;
  $("stat-iterations").textContent = `${fmt(h.iterationsCompleted, 0)} / ${
    fmt(h.iterationsStarted, 0)
  }`;
  $("stat-failed").textContent = fmt(h.iterationsFailed, 0);
}

function showThresholds(thresholds) {
  const list = $("thresholds");
  list.replaceChildren();
  if (thresholds.length === 0) list.append(el("li", { class: "muted" }, "None defined."));
  for (const t of thresholds) {
    list.append(el(
      "li",
      {},
      el("span", { class: `badge ${t.passed ? "pass" : "fail"}` }, t.passed ? "pass" : "fail"),
      el("code", {}, t.metric),
      el("span", {}, t.expression),
      el("span", { class: "observed" }, t.observed === null ? "no samples" : fmt(t.observed, 3)),
    ));
  }
}

function showLatencyTable(rows) {
  $("latency-table").replaceChildren(
    ...rows.map((r) =>
      el(
        "tr",
        {},
        cell(r.key),
        cell(fmt(r.count, 0), true),
        cell(fmt(r.p50), true),
        cell(fmt(r.p95), true),
        cell(fmt(r.p99), true),
        cell(fmt(r.p999), true),
        cell(fmt(r.max), true),
      )
    ),
  );
}

function showErrors(errors) {
  $("error-codes").replaceChildren(
    ...(errors.byCode.length === 0
      ? [el("tr", {}, el("td", { colspan: "4", class: "muted" }, "none"))]
      : errors.byCode.map((e) =>
        el(
          "tr",
          {},
          cell(e.status),
          cell(e.code ?? "–"),
          cell(e.reason ?? ""),
          cell(fmt(e.count, 0), true),
        )
      )),
  );
  $("failures").replaceChildren(
    ...(errors.failures.length === 0
      ? [el("tr", {}, el("td", { colspan: "4", class: "muted" }, "none"))]
      : errors.failures.map((f) =>
        el(
          "tr",
          {},
          cell(f.metric),
          cell(labelsText(f.labels)),
          cell(fmt(f.total, 0), true),
          cell(fmt(f.delta, 0), true),
        )
      )),
  );
  $("latest-errors").replaceChildren(
    ...errors.latest.map((e) =>
      el(
        "li",
        {},
        `${new Date(e.at).toLocaleTimeString()} ${e.status}${e.code ? ` [${e.code}]` : ""} `,
        `${e.method ?? ""} ${e.user ?? ""} ${e.text ?? e.reason ?? ""}`.trim(),
      )
    ),
  );
}

let framesReceived = 0;
let lastFrame = null;

function showFrame(frame) {
  framesReceived++;
  lastFrame = frame;
  showRun(frame.run);
  showHeadline(frame.headline);
  updateLatencyChoices(Object.keys(frame.point.latency).concat(frame.latencies.map((r) => r.key)));
  addPoint(frame.point);
  for (const chart of Object.values(charts)) chart.draw();
  showStates(frame.states);
  showThresholds(frame.thresholds);
  showLatencyTable(frame.latencies);
  showErrors(frame.errors);
}

function showHello(hello) {
  $("title").textContent = hello.title;
  document.title = hello.title ? `sipfleet — ${hello.title}` : "sipfleet — live run";
  setGraphs(hello.graphs);
  $("users-panel").hidden = !hello.users;
  if (hello.users && $("user-list").options.length === 0) loadUserList();
  points = [];
  latencyChoice = "";
  $("latency-series").replaceChildren();
  for (const chart of Object.values(charts)) chart.reset();
  const keys = new Set(hello.history.flatMap((p) => Object.keys(p.latency)));
  updateLatencyChoices([...keys]);
  for (const point of hello.history) addPoint(point);
  for (const chart of Object.values(charts)) chart.draw();
  if (hello.frame !== null) {
    lastFrame = hello.frame;
    showRun(hello.frame.run);
    showHeadline(hello.frame.headline);
    showStates(hello.frame.states);
    showThresholds(hello.frame.thresholds);
    showLatencyTable(hello.frame.latencies);
    showErrors(hello.frame.errors);
  }
}

// ---------------------------------------------------------------------------------------------
// live connection, with reconnect

let socket;
let reconnectDelay = RECONNECT_MIN_MS;

function setConnection(online) {
  const badge = $("connection");
  badge.textContent = online ? "live" : "offline";
  badge.className = `connection ${online ? "online" : "offline"}`;
}

function askToken() {
  const dialog = $("token-dialog");
  if (!dialog.open) dialog.showModal();
}

$("token-form").addEventListener("submit", () => {
  token = $("token-input").value.trim();
  sessionStorage.setItem("sipfleet-token", token);
  connect();
});

function connect() {
  if (!token) {
    askToken();
    return;
  }
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/ws`);
  socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "auth", token })));
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "hello") {
      setConnection(true);
      reconnectDelay = RECONNECT_MIN_MS;
      showHello(message);
    } else if (message.type === "frame") {
      showFrame(message);
    }
  });
  socket.addEventListener("close", (event) => {
    setConnection(false);
    if (event.code === CLOSE_UNAUTHORIZED) {
      askToken();
      return;
    }
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
  });
}

// ---------------------------------------------------------------------------------------------
// controls

async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` },
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) askToken();
  return { ok: response.ok, status: response.status, body };
}

async function control(action, extra = {}) {
  const message = $("control-message");
  message.textContent = `${action}…`;
  const reply = await api("/api/control", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action, ...extra }),
  });
  if (reply.ok) {
    showRun(reply.body.status);
    message.textContent = action === "setRate"
      ? `rate set to ${extra.rate} / s`
      : `${action}: done`;
  } else {
    message.textContent = `${action} refused: ${reply.body.error ?? reply.status}`;
  }
}

$("pause").addEventListener("click", () => control("pause"));
$("resume").addEventListener("click", () => control("resume"));
$("stop").addEventListener("click", () => {
  if (confirm("Stop the run? Running iterations get their graceful stop time.")) control("stop");
});
$("rate-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const rate = Number($("rate").value);
  if ($("rate").value === "" || !Number.isFinite(rate) || rate < 0) {
    $("control-message").textContent = "enter a rate ≥ 0";
    return;
  }
  control("setRate", { rate });
});

// ---------------------------------------------------------------------------------------------
// user drill-down

let inspected = "";
let inspectTimer;

async function loadUserList() {
  const reply = await api("/api/users?limit=200");
  if (!reply.ok) {
    $("user-message").textContent = reply.body.error ?? `error ${reply.status}`;
    return;
  }
  $("user-list").replaceChildren(...reply.body.users.map((id) => el("option", { value: id })));
  $("user-message").textContent = `${reply.body.users.length} users listed`;
}

function showUser(detail) {
  $("user-detail").hidden = false;
  $("user-name").textContent = detail.id;
  $("user-state").textContent = detail.state;
  $("user-machine").textContent = detail.machine;
  $("user-transactions").replaceChildren(
    ...detail.recent.transactions.slice().reverse().map((t) =>
      el(
        "tr",
        {},
        cell(new Date(t.at).toLocaleTimeString()),
        cell(t.direction ?? ""),
        cell(t.method),
        // No status: still running ("…"), or ended without one the agent knows ("–").
        cell(t.status ?? (t.durationMs === undefined ? "…" : "–")),
        cell(fmt(t.durationMs), true),
      )
    ),
  );
  $("user-messages").replaceChildren(
    ...detail.recent.messages.slice().reverse().map((m) =>
      el(
        "li",
        {},
        `${new Date(m.at).toLocaleTimeString()} ${m.direction === "in" ? "←" : "→"} ${m.summary}`,
        ...(m.text ? [el("pre", {}, m.text)] : []),
      )
    ),
  );
}

async function inspect() {
  if (!inspected) return;
  const reply = await api(`/api/users/${encodeURIComponent(inspected)}`);
  if (reply.ok) {
    $("user-message").textContent = "";
    showUser(reply.body);
  } else {
    $("user-message").textContent = reply.body.error ?? `error ${reply.status}`;
    $("user-detail").hidden = true;
    clearInterval(inspectTimer);
  }
}

$("user-form").addEventListener("submit", (event) => {
  event.preventDefault();
  inspected = $("user-id").value.trim();
  clearInterval(inspectTimer);
  inspect();
  inspectTimer = setInterval(inspect, 1000);
});
$("refresh-users").addEventListener("click", loadUserList);

// ---------------------------------------------------------------------------------------------
// start, and a small window for automated checks of what the page drew

globalThis.sipfleet = {
  charts: Object.fromEntries(Object.entries(charts).map(([name, c]) => [name, c.chart])),
  pointCounts: () =>
    Object.fromEntries(Object.entries(charts).map(([name, c]) => [name, c.points()])),
  framesReceived: () => framesReceived,
  lastFrame: () => lastFrame,
};

connect();
