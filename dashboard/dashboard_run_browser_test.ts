/**
 * The dashboard of a real run, tested as a person would use it: `lab run --dashboard` of a
 * basic-call scenario (lab UAC → lab UAS over UDP on 127.0.0.1, 10 calls/s), opened in
 * Chromium from the URL it prints. The charts get points and the state chart counts real
 * calls; pause stops the arrivals until resume; a new rate changes them; one real user's
 * recent calls show in the drill-down; a screenshot goes to `results/`; Stop ends the run.
 *
 * Needs `/usr/bin/chromium`; skipped without it, except under CI (see browser_support.ts).
 */

import assert from "node:assert/strict";
import { main } from "../lab/cli.ts";
import { basicCallUacChart } from "../agents/uac/basic_call_chart.ts";
import {
  assertNotBlank,
  eventually,
  INKED_PIXELS,
  launchChromium,
  type PageGlobals,
  skipBrowserTests,
} from "./browser_support.ts";

const SCREENSHOT = "results/dashboard-run-test.png";

/** Calls at 10/s, ringing 50 ms and held 300 ms, for up to 20 s (the test stops it sooner). */
const SCENARIO = `name: dashboard-run
seed: 11
target:
  kind: lab
  transport: udp
  host: 127.0.0.1
  agents:
    uas:
      count: 1
      ringTime: 50ms
population:
  count: 100
  domain: lab.sipfleet.test
  naming: "caller{index:4}"
workloads:
  - kind: call
    callee: uas
    holdTime: 300ms
    answerTimeout: 3s
load:
  executor: constant-arrival-rate
  rate: 10
  duration: 20s
  preAllocatedUsers: 20
  maxUsers: 100
  gracefulStop: 3s
  maxDuration: 30s
thresholds:
  call_setup_time: p(95) < 2s
`;

/** The total of `sipfleet_iterations_started_total` in a Prometheus text. */
function startedIn(text: string): number {
  return text.split("\n")
    .filter((line) => line.startsWith("sipfleet_iterations_started_total"))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name: "dashboard of a real lab run in Chromium: state chart, pause, rate, drill-down, stop",
  ignore: skipBrowserTests,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-dashboard-run-" });
    const file = `${dir}/dashboard-run.yaml`;
    await Deno.writeTextFile(file, SCENARIO);
    const output: string[] = [];
    const announced = Promise.withResolvers<string>();
    const io = {
      out: (text: string) => {
        output.push(text);
        const url = /^dashboard: (\S+)$/m.exec(text)?.[1];
        if (url !== undefined) announced.resolve(url);
      },
      err: (text: string) => output.push(text),
    };
    const run = main(
      ["run", file, "--dashboard", "--no-progress", "--results", `${dir}/results`],
      io,
    );
    let ended = false;
    run.finally(() => (ended = true));
    const browser = await launchChromium();
    try {
      const openUrl = await announced.promise;
      const base = new URL(openUrl).origin;
      const started = async () => startedIn(await (await fetch(`${base}/metrics`)).text());
      const page = browser.context.pages()[0] ?? await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("dialog", (dialog) => dialog.accept()); // Stop asks for confirmation
      await page.goto(openUrl);
      assert.equal(await page.textContent("#title"), "dashboard-run");

      // Charts get points from the run's own snapshots, one a second.
      const framesAtLeast = (n: number) =>
        ((globalThis as unknown as PageGlobals).sipfleet?.framesReceived() ?? 0) >= n;
      await page.waitForFunction(framesAtLeast, 2);
      const before = await page.evaluate("window.sipfleet.pointCounts()") as Record<
        string,
        number
      >;
      await page.waitForFunction(framesAtLeast, 4);
      const after = await page.evaluate("window.sipfleet.pointCounts()") as Record<string, number>;
      for (const chart of ["requests", "responses", "latency"]) {
        assert.ok(after[chart] > before[chart], `${chart}: ${before[chart]} → ${after[chart]}`);
      }
      for (const canvas of ["chart-requests", "chart-responses", "chart-latency"]) {
        const inked = await page.evaluate(`${INKED_PIXELS}("${canvas}")`) as number;
        assert.ok(inked > 2_000, `${canvas} drew ${inked} pixels`);
      }

      // The state charts of both sides count real calls (drawn from the XState machines).
      for (const machine of ["uacCall", "uasCall"]) {
        await page.waitForFunction((machine) => {
          const cells = (globalThis as unknown as PageGlobals).document.querySelectorAll(
            `[data-machine="${machine}"] [data-state] .count`,
          );
          let total = 0;
          for (let i = 0; i < cells.length; i++) total += Number(cells[i].textContent);
          return total > 0;
        }, machine);
      }
      assert.equal(await page.textContent("#thresholds .badge"), "pass");

      // Pause: no arrival while paused; resume: arrivals again.
      await page.click("#pause");
      await page.waitForSelector("#run-state.paused");
      const pausedAt = await started();
      await sleep(1_500);
      assert.equal(await started(), pausedAt, "arrivals while paused");
      await page.click("#resume");
      await page.waitForSelector("#run-state.running");
      await eventually("arrivals after resume", async () => await started() > pausedAt);

      // A new rate: 0 stops the arrivals, 40 / s brings them back faster than the 10 / s asked.
      await page.fill("#rate", "0");
      await page.click("#set-rate");
      await page.waitForSelector("#control-message:has-text('rate set to 0')");
      const atZero = await started();
      await sleep(1_200);
      assert.equal(await started(), atZero, "arrivals at rate 0");
      await page.fill("#rate", "40");
      await page.click("#set-rate");
      await page.waitForSelector("#control-message:has-text('rate set to 40')");
      const at40 = await started();
      await sleep(1_500);
      // Owed arrivals are started even when a tick is late: about 60 in 1.5 s (15 at 10 / s).
      assert.ok(await started() - at40 >= 30, `${await started() - at40} arrivals in 1.5 s`);

      // Drill-down: one real user's calls.
      await page.click("#refresh-users");
      await page.waitForFunction(() =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll("#user-list option")
          .length > 0
      );
      const user = await page.getAttribute("#user-list option", "value") ?? "";
      assert.match(user, /^caller\d{4}$/);
      await page.fill("#user-id", user);
      await page.click("#inspect");
      await page.waitForSelector("#user-detail:not([hidden])");
      assert.equal(await page.textContent("#user-name"), user);
      assert.equal(await page.textContent("#user-machine"), "uacCall");
      // A real state of the caller's chart, read from the machine definition itself.
      const state = await page.textContent("#user-state") ?? "";
      assert.ok(state in basicCallUacChart.root.states, `state "${state}"`);
      await page.waitForSelector("#user-transactions tr:has-text('200')");
      assert.match(await page.textContent("#user-transactions") ?? "", /INVITE/);

      await Deno.mkdir("results", { recursive: true });
      await page.evaluate("window.scrollTo(0, 0)");
      const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await assertNotBlank(browser.context, png);

      // Stop: a graceful interruption; the run ends and its dashboard closes.
      await page.click("#stop");
      assert.equal(await run, 130, output.join(""));
      assert.match(output.join(""), /stop asked for by the run's controls/);
      await assert.rejects(fetch(`${base}/metrics`));
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      if (!ended) await run; // the run stops by itself within maxDuration
      await Deno.remove(dir, { recursive: true });
    }
  },
});
