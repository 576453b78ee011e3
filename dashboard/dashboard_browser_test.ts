/**
 * The dashboard tested as a person would use it: Debian's Chromium (headless, through
 * playwright-core) opens the page during a short synthetic run, sees the charts receive and
 * draw new points, pauses, resumes and changes the rate, opens a user's drill-down, and
 * saves a screenshot under `results/` that is checked not to be blank.
 *
 * Needs `/usr/bin/chromium` (Debian package `chromium`); skipped without it, except under CI
 * (`CI=true`), where a missing browser fails the test.
 */

import assert from "node:assert/strict";
import { basicCallUacChart } from "../agents/uac/basic_call_chart.ts";
import { MetricsRegistry } from "../lab/metrics/mod.ts";
import {
  assertNotBlank,
  eventually,
  INKED_PIXELS,
  launchChromium,
  type PageGlobals,
  skipBrowserTests,
} from "./browser_support.ts";
import { startDashboard } from "./server.ts";
import { SyntheticFleet } from "./synthetic_fleet.ts";

const SCREENSHOT = "results/dashboard-test.png";
const USERS = 300;

Deno.test({
  name: "dashboard in Chromium: live charts, controls, drill-down and a non-blank screenshot",
  ignore: skipBrowserTests,
  async fn() {
    const registry = new MetricsRegistry();
    const fleet = new SyntheticFleet({ registry, users: USERS, rate: 40, durationMs: 30_000 });
    const dashboard = await startDashboard({
      registry,
      control: fleet,
      users: fleet,
      errors: fleet.errors,
      charts: { uacCall: basicCallUacChart },
      thresholds: () => {
        const p95 = registry.metricView("call_setup_time")?.percentile(95);
        return [{
          metric: "call_setup_time",
          expression: "p(95) < 800ms",
          observed: p95 ?? null,
          passed: p95 !== undefined && p95 < 800,
        }];
      },
      title: "browser test",
      snapshotEveryMs: 200,
    });
    // Bounded: at most 600 steps of 50 ms (30 s), halted at the end of the test anyway.
    fleet.start(50, 600);
    const browser = await launchChromium();
    const context = browser.context;
    try {
      const page = context.pages()[0] ?? await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      await page.goto(dashboard.openUrl);
      // The token leaves the address bar once read.
      assert.equal(new URL(page.url()).hash, "");

      // Charts receive and draw new points.
      // Predicates are functions, not strings: the page's CSP forbids eval.
      const framesAtLeast = (n: number) =>
        ((globalThis as unknown as PageGlobals).sipfleet?.framesReceived() ?? 0) >= n;
      await page.waitForFunction(framesAtLeast, 2);
      const before = await page.evaluate("window.sipfleet.pointCounts()") as Record<
        string,
        number
      >;
      const frames = await page.evaluate("window.sipfleet.framesReceived()") as number;
      await page.waitForFunction(framesAtLeast, frames + 3);
      const after = await page.evaluate("window.sipfleet.pointCounts()") as Record<string, number>;
      for (const chart of ["requests", "responses", "latency"]) {
        assert.ok(after[chart] > before[chart], `${chart}: ${before[chart]} → ${after[chart]}`);
      }
      for (const canvas of ["chart-requests", "chart-responses", "chart-latency"]) {
        const inked = await page.evaluate(`${INKED_PIXELS}("${canvas}")`) as number;
        assert.ok(inked > 2_000, `${canvas} drew ${inked} pixels`);
      }

      // The state chart counts every simulated user.
      await page.waitForSelector('[data-machine="uacCall"] [data-state="idle"] .count');
      const stateTotal = await page.evaluate(`[...document.querySelectorAll(
        '[data-machine="uacCall"] [data-state] .count')].reduce((n, e) => n + Number(e.textContent), 0)`);
      assert.equal(stateTotal, USERS);
      assert.equal(await page.textContent("#thresholds .badge"), "pass");

      // Controls: pause, resume, change the rate.
      await page.click("#pause");
      await eventually("pause", () => fleet.controlCalls.includes("pause"));
      await page.waitForSelector("#run-state.paused");
      await page.click("#resume");
      await eventually("resume", () => fleet.controlCalls.includes("resume"));
      await page.waitForSelector("#run-state.running");
      await page.fill("#rate", "12");
      await page.click("#set-rate");
      await eventually("setRate", () => fleet.controlCalls.includes("setRate:12"));
      assert.equal(fleet.status().rate, 12);
      assert.deepEqual(fleet.controlCalls, ["pause", "resume", "setRate:12"]);

      // Drill-down into one user.
      await page.waitForFunction(() =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll("#user-list option")
          .length > 0
      );
      await page.fill("#user-id", "caller0001");
      await page.click("#inspect");
      await page.waitForSelector("#user-detail:not([hidden])");
      assert.equal(await page.textContent("#user-name"), "caller0001");
      assert.equal(await page.textContent("#user-machine"), "uacCall");
      const state = await page.textContent("#user-state");
      assert.ok(Object.keys(basicCallUacChart.root.states).includes(state ?? ""), `${state}`);
      await page.waitForSelector("#user-transactions tr");
      assert.match(await page.textContent("#user-transactions") ?? "", /INVITE/);

      // A screenshot that shows something.
      await Deno.mkdir("results", { recursive: true });
      await page.evaluate("window.scrollTo(0, 0)"); // the sticky header back at the top
      const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.equal((await Deno.stat(SCREENSHOT)).size, png.length);
      await assertNotBlank(context, png);
      assert.deepEqual(pageErrors, []);
    } finally {
      fleet.halt();
      await browser.close();
      await dashboard.close();
    }
  },
});
