/**
 * A real Prometheus (Debian package `prometheus`) scrapes the dashboard's `/metrics` during a
 * short synthetic run; the test asks Prometheus's HTTP API for the request counter and sees
 * it rise. Skipped without `/usr/bin/prometheus`, except under CI (`CI=true`).
 */

import assert from "node:assert/strict";
import { MetricsRegistry } from "../lab/metrics/mod.ts";
import { startDashboard } from "./server.ts";
import { SyntheticFleet } from "./synthetic_fleet.ts";

const PROMETHEUS = "/usr/bin/prometheus";
const QUERY = 'sipfleet_sip_requests_sent_total{job="sipfleet",method="INVITE"}';

function prometheusInstalled(): boolean {
  try {
    return Deno.statSync(PROMETHEUS).isFile;
  } catch {
    return false;
  }
}

/** A loopback port free at the time of asking. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface QueryReply {
  status: string;
  data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** The counter's value as Prometheus last scraped it, or undefined before the first scrape. */
async function scraped(prometheus: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(QUERY)}`);
    const reply = await response.json() as QueryReply;
    const sample = reply.data?.result[0];
    return sample === undefined ? undefined : Number(sample.value[1]);
  } catch {
    return undefined; // Prometheus still starting
  }
}

Deno.test({
  name: "Prometheus scrapes /metrics and sees the request counter rise",
  ignore: !prometheusInstalled() && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(prometheusInstalled(), `${PROMETHEUS} is missing: apt-get install prometheus`);
    const registry = new MetricsRegistry();
    const fleet = new SyntheticFleet({ registry, users: 100, rate: 40 });
    fleet.start(50, 400); // at most 20 s
    const dashboard = await startDashboard({ registry, control: fleet });
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-prometheus-" });
    const config = `${dir}/prometheus.yml`;
    await Deno.writeTextFile(
      config,
      [
        "global:",
        "  scrape_interval: 250ms",
        "  scrape_timeout: 200ms",
        "scrape_configs:",
        "  - job_name: sipfleet",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${dashboard.port}"]`,
        "",
      ].join("\n"),
    );
    const port = freePort();
    const child = new Deno.Command(PROMETHEUS, {
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const log = new Response(child.stderr).text();
    let passed = false;
    try {
      const values: number[] = [];
      const deadline = Date.now() + 20_000;
      while (values.length < 3 && Date.now() < deadline) {
        const value = await scraped(`http://127.0.0.1:${port}`);
        if (value !== undefined && value !== values.at(-1)) values.push(value);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(values.length >= 3, `Prometheus saw ${JSON.stringify(values)}`);
      assert.ok(values[0] > 0);
      assert.ok(values[1] > values[0] && values[2] > values[1], JSON.stringify(values));
      passed = true;
    } finally {
      child.kill("SIGTERM");
      await child.status;
      const text = await log;
      if (!passed) console.error(text);
      fleet.halt();
      await dashboard.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
