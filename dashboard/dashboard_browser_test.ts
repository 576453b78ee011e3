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
import { chromium } from "playwright-core";
import { basicCallUacChart } from "../agents/uac/basic_call_chart.ts";
import { MetricsRegistry } from "../lab/metrics/mod.ts";
import { startDashboard } from "./server.ts";
import { SyntheticFleet } from "./synthetic_fleet.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = "results/dashboard-test.png";
const USERS = 300;

function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** What the checks read in the page (`window.sipfleet` is the page's probe for tests). */
interface PageGlobals {
  readonly sipfleet?: { framesReceived(): number };
  readonly document: { querySelectorAll(selector: string): { length: number } };
}

/** Wait until `check` holds, polling; fails after `ms`. */
async function eventually(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Distinct colours and the share of the most common one, decoded by the browser itself. */
const PIXEL_STATS = `(async (base64) => {
  const image = new Image();
  image.src = "data:image/png;base64," + base64;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return {
    width: canvas.width,
    height: canvas.height,
    colours: counts.size,
    topShare: Math.max(...counts.values()) / (data.length / 4),
  };
})`;

/** Non-background pixels drawn in a canvas (the chart's lines, axes and labels). */
const INKED_PIXELS = `((id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) inked++;
  return inked;
})`;

Deno.test({
  name: "dashboard in Chromium: live charts, controls, drill-down and a non-blank screenshot",
  ignore: !chromiumInstalled() && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(chromiumInstalled(), `${CHROMIUM} is missing: apt-get install chromium`);
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
    const profile = await Deno.makeTempDir({ prefix: "sipfleet-chromium-" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 1000 },
    });
    try {
      context.setDefaultTimeout(15_000);
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
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const blank = await context.newPage();
      const stats = await blank.evaluate(
        `${PIXEL_STATS}("${png.toString("base64")}")`,
      ) as { width: number; height: number; colours: number; topShare: number };
      assert.equal(stats.width, 1400);
      assert.ok(stats.height >= 1000, `height ${stats.height}`);
      assert.ok(stats.colours > 200, `${stats.colours} colours`);
      assert.ok(stats.topShare < 0.9, `one colour covers ${Math.round(stats.topShare * 100)}%`);
      assert.deepEqual(pageErrors, []);
    } finally {
      fleet.halt();
      await context.close();
      await dashboard.close();
      await Deno.remove(profile, { recursive: true });
    }
  },
});
