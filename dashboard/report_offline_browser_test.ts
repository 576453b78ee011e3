/**
 * `report.html` as a person opens it: from disk, with no network. A short real run (lab UAC →
 * lab UAS over UDP on 127.0.0.1) writes its results folder and report; Chromium, offline and
 * with every non-file request aborted and recorded, opens the report by its file:// URL. Every
 * chart canvas must hold drawn pixels, and no request may have left the page.
 *
 * Needs `/usr/bin/chromium`; skipped without it, except under CI (see browser_support.ts).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { callWorkload } from "../agents/call_workload.ts";
import { labTarget } from "../agents/lab_target.ts";
import { runScenario } from "../lab/runner/mod.ts";
import { loadScenario } from "../lab/scenario/mod.ts";
import { INKED_PIXELS, launchChromium, skipBrowserTests } from "./browser_support.ts";

/** Calls at 20/s for 2 s, ringing 20 ms and held 100 ms. */
const SCENARIO = `name: report-offline
seed: 5
target:
  kind: lab
  transport: udp
  host: 127.0.0.1
  agents:
    uas:
      count: 1
      ringTime: 20ms
population:
  count: 50
  domain: lab.sipfleet.test
  naming: "caller{index:4}"
workloads:
  - kind: call
    callee: uas
    holdTime: 100ms
    answerTimeout: 2s
load:
  executor: constant-arrival-rate
  rate: 20
  duration: 2s
  preAllocatedUsers: 10
  maxUsers: 50
  gracefulStop: 3s
thresholds:
  call_setup_time: p(95) < 2s
`;

Deno.test({
  name: "report.html of a real run opens offline in Chromium and draws every chart",
  ignore: skipBrowserTests,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-report-offline-" });
    const browser = await launchChromium();
    try {
      const file = join(dir, "report-offline.yaml");
      await Deno.writeTextFile(file, SCENARIO);
      const result = await runScenario(await loadScenario(file), {
        workloads: [callWorkload()],
        labTarget: labTarget(),
        resultsDir: join(dir, "results"),
        progress: false,
        out: () => {},
      });
      assert.equal(result.exitCode, 0, result.error);
      const report = join(result.resultsDir, "report.html");

      await browser.context.setOffline(true);
      const left: string[] = [];
      await browser.context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        left.push(url);
        return route.abort("internetdisconnected");
      });
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) left.push(request.url());
      });
      await page.goto(pathToFileURL(report).href);
      assert.match(await page.title(), /^sipfleet run /);

      const canvases = await page.$$eval("#charts canvas", (nodes) => nodes.map((n) => n.id));
      // Throughput, call_setup_time and the other latencies per second, gauges, percentiles.
      assert.ok(canvases.length >= 4, `${canvases.length} charts: ${canvases}`);
      for (const id of canvases) {
        const inked = await page.evaluate(`${INKED_PIXELS}("${id}")`) as number;
        assert.ok(inked > 1_000, `${id} drew ${inked} pixels`);
      }
      assert.match(await page.textContent("body") ?? "", /call_setup_time/);
      assert.deepEqual(left, [], "requests that left the page");
      assert.deepEqual(pageErrors, []);
      await page.close();
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
