import assert from "node:assert/strict";
import {
  AGENT_METRICS,
  METRIC_CATALOG,
  prometheusName,
  RUNNER_METRICS,
  SESSION_KPI_METRICS,
  TRANSACTION_METRICS,
  TRANSPORT_METRICS,
} from "./names.ts";
import { MetricsRegistry } from "./registry.ts";

const METRICS_MD = Deno.readTextFileSync(new URL("./METRICS.md", import.meta.url));

/** The rows of METRICS.md's catalogue tables: short name → [Prometheus name, kind, labels]. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of METRICS_MD.split("\n")) {
    const cells = line.split("|").map((c) => c.trim()).slice(1, -1);
    const name = /^`([a-z_]+)`$/.exec(cells[0] ?? "")?.[1];
    if (name !== undefined && cells.length === 5) rows.set(name, cells.slice(1, 4));
  }
  return rows;
}

Deno.test("prometheusName applies the suffix rules", () => {
  assert.equal(prometheusName("sip_requests_sent", "counter"), "sipfleet_sip_requests_sent_total");
  assert.equal(prometheusName("call_setup_time", "latency"), "sipfleet_call_setup_time_seconds");
  assert.equal(prometheusName("qoe_mos", "distribution"), "sipfleet_qoe_mos");
  assert.equal(prometheusName("active_users", "gauge"), "sipfleet_active_users");
  assert.equal(
    prometheusName("session_establishment_ratio", "ratio"),
    "sipfleet_session_establishment_ratio",
  );
  assert.equal(
    prometheusName("ineffective_session_attempts", "ratio"),
    "sipfleet_ineffective_session_attempts_ratio",
  );
});

Deno.test("METRICS.md documents every catalogued metric with its name, kind and labels", () => {
  const rows = documentedRows();
  for (const [name, definition] of Object.entries(METRIC_CATALOG)) {
    const row = rows.get(name);
    assert.ok(row !== undefined, `${name} is not documented in METRICS.md`);
    assert.equal(row[0], `\`${prometheusName(name, definition.kind)}\``, name);
    assert.equal(row[1], definition.kind, name);
    const labels = definition.labels.map((l) => `\`${l}\``).join(", ") || "—";
    assert.equal(row[2], labels, name);
  }
  assert.deepEqual([...rows.keys()].filter((n) => !(n in METRIC_CATALOG)), []);
});

Deno.test("the registry creates the layer and KPI families at once, under their kinds", () => {
  const registry = new MetricsRegistry();
  const kinds = new Map([...registry.families()].map((f) => [f.name, f.kind]));
  const builtIn = { ...TRANSACTION_METRICS, ...TRANSPORT_METRICS, ...SESSION_KPI_METRICS };
  for (const [name, definition] of Object.entries(builtIn)) {
    assert.equal(kinds.get(name), definition.kind, name);
  }
  for (const name of Object.keys({ ...AGENT_METRICS, ...RUNNER_METRICS })) {
    assert.equal(kinds.has(name), false, name);
  }
});

Deno.test("runner metrics take their catalogued kind, help and workload label", () => {
  const registry = new MetricsRegistry();
  const started = registry.counter("iterations_started");
  assert.equal(started.help, RUNNER_METRICS.iterations_started.help);
  assert.deepEqual(started.at1("call").labels, { workload: "call" });
  assert.equal(registry.latency("iteration_duration").kind, "latency");
  assert.throws(() => registry.counter("vus_active"), TypeError);
  assert.throws(() => registry.gauge("iterations_dropped"), TypeError);
});

Deno.test("agent metrics take their catalogued kind and help on first use", () => {
  const registry = new MetricsRegistry();
  assert.equal(registry.latency("sign_in_time").help, AGENT_METRICS.sign_in_time.help);
  assert.equal(registry.distribution("qoe_mos").kind, "distribution");
  assert.throws(() => registry.latency("qoe_mos"), TypeError);
  assert.throws(() => registry.counter("active_users"), TypeError);
  assert.equal(registry.counter("my_own_metric", "Mine.").help, "Mine.");
});
