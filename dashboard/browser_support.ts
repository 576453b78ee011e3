/**
 * What the dashboard's Chromium tests share: Debian's Chromium launched headless through
 * playwright-core, polling helpers, and the checks that a canvas drew something and that a
 * screenshot is not blank (the browser decodes the PNG itself).
 *
 * The tests need `/usr/bin/chromium` (Debian package `chromium`); they are skipped without
 * it, except under CI (`CI=true`), where a missing browser fails them.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

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

/** Whether Chromium is installed here. */
export function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** Whether a browser test is skipped: no Chromium, and not under CI. */
export const skipBrowserTests = !chromiumInstalled() && Deno.env.get("CI") !== "true";

/** A headless Chromium with a throw-away profile; `close` removes both. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launch Chromium headless with a fresh profile and a 1400 × 1000 viewport.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = browser.context.pages()[0] ?? await browser.context.newPage();
 * await browser.close();
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  assert.ok(chromiumInstalled(), `${CHROMIUM} is missing: apt-get install chromium`);
  const profile = await Deno.makeTempDir({ prefix: "sipfleet-chromium-" });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 1000 },
    });
    context.setDefaultTimeout(15_000);
    return {
      context,
      async close() {
        await context.close();
        await Deno.remove(profile, { recursive: true });
      },
    };
  } catch (error) {
    await Deno.remove(profile, { recursive: true });
    throw error;
  }
}

/**
 * Wait until `check` holds, polling every 25 ms; fails after `ms`.
 *
 * @example
 * ```ts
 * await eventually("pause", () => fleet.controlCalls.includes("pause"));
 * ```
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What the page's checks read (`window.sipfleet` is the page's probe for tests). */
export interface PageGlobals {
  readonly sipfleet?: { framesReceived(): number };
  readonly document: {
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  };
}

/**
 * Page script: non-background pixels drawn in the canvas with id `id` (lines, axes, labels).
 * Evaluate as `${INKED_PIXELS}("chart-requests")`.
 */
export const INKED_PIXELS = `((id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) inked++;
  return inked;
})`;

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

/**
 * Check a PNG screenshot is the page, not a blank: a PNG, 1400 px wide, at least 1000 high,
 * many colours, none covering 90 % of it.
 */
export async function assertNotBlank(
  context: BrowserContext,
  png: Uint8Array & { toString(encoding: "base64"): string },
): Promise<void> {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const blank = await context.newPage();
  try {
    const stats = await blank.evaluate(`${PIXEL_STATS}("${png.toString("base64")}")`) as {
      width: number;
      height: number;
      colours: number;
      topShare: number;
    };
    assert.equal(stats.width, 1400);
    assert.ok(stats.height >= 1000, `height ${stats.height}`);
    assert.ok(stats.colours > 200, `${stats.colours} colours`);
    assert.ok(stats.topShare < 0.9, `one colour covers ${Math.round(stats.topShare * 100)}%`);
  } finally {
    await blank.close();
  }
}
