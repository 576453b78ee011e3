import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";
import { readResults, RESULT_FILES, ResultsWriter } from "./results.ts";
import { escapeHtml, loadChartJs, renderReportHtml, writeReport } from "./report.ts";

const SCENARIO = 'name: basic-call\ndescription: "<b>calls</b> & more"\n';

/**
 * Four seconds of calls written to a fresh results folder; `finish` decides complete or not,
 * `stopReason` is passed to `finish`.
 */
function writeRun(finish: boolean, stopReason?: string): { base: string; dir: string } {
  let now = Date.UTC(2025, 0, 2, 3, 4, 5);
  const registry = new MetricsRegistry({ clock: () => now });
  const base = Deno.makeTempDirSync({ prefix: "sipfleet-report-" });
  const writer = ResultsWriter.create(base, "20250102-030405-basic-call", SCENARIO, {
    startedAt: registry.startedAt,
    histograms: registry,
  });
  for (let second = 1; second <= 4; second++) {
    registry.gauge("active_users").set(10 * second);
    for (let i = 0; i < 10; i++) {
      registry.kpi.sessionAttempt();
      registry.requestSent("INVITE", false);
      if (i < 8) registry.kpi.sessionEstablished(20 + i + second);
      else registry.kpi.sessionFailed(i === 8 ? 486 : 503);
    }
    now += 1_000;
    writer.writeSecond(registry.snapshot());
  }
  writer.writeErrorExample("503", "SIP/2.0 503 Service Unavailable\r\nRetry-After: <5>");
  writer.setThresholds([
    { metric: "call_setup_time", expression: "p(95) < 300ms", observed: 31, passed: true },
  ]);
  if (finish) writer.finish(undefined, stopReason === undefined ? undefined : { stopReason });
  else writer.close();
  return { base, dir: writer.dir };
}

function embeddedCharts(html: string): { title: string; series: { label: string }[] }[] {
  const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  assert.ok(data !== null, "no embedded report data");
  return JSON.parse(data[1]).charts;
}

Deno.test("writeReport makes a self-contained report.html from the folder alone", async () => {
  const { base, dir } = writeRun(true);
  try {
    const path = await writeReport(dir);
    assert.equal(path, `${dir}/${RESULT_FILES.report}`);
    const html = Deno.readTextFileSync(path);
    // Chart.js is inlined, nothing is loaded from elsewhere.
    assert.match(html, /Chart\.js v4\.5\.0/);
    assert.doesNotMatch(html, /<script[^>]+src=/i);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
    assert.doesNotMatch(html, /<link[^>]+stylesheet/i);
    // Summary, thresholds, error examples and the escaped scenario are on the page.
    assert.match(html, /sipfleet run 20250102-030405-basic-call/);
    assert.match(html, /<td>attempted<\/td><td class="num">40<\/td>/);
    assert.match(html, /<td>failed: 486<\/td><td class="num">4<\/td><td class="num">10\.0%<\/td>/);
    assert.match(html, /<td>PASS<\/td><td>call_setup_time<\/td><td>p\(95\) &lt; 300ms<\/td>/);
    assert.match(html, /Retry-After: &lt;5&gt;/);
    assert.match(html, /description: &quot;&lt;b&gt;calls&lt;\/b&gt; &amp; more&quot;/);
    assert.doesNotMatch(html, /did not finish/);
    const titles = embeddedCharts(html).map((c) => c.title);
    assert.ok(titles.includes("Throughput"), titles.join(", "));
    assert.ok(titles.includes("Failed calls per second by status"));
    assert.ok(titles.includes("call_setup_time per second"));
    assert.ok(titles.includes("active_users"));
    assert.ok(titles.includes("Failed calls by status (whole run)"));
    assert.ok(titles.includes("call_setup_time by percentile (whole run)"));
    const throughput = embeddedCharts(html).find((c) => c.title === "Throughput");
    assert.deepEqual(throughput?.series.map((s) => s.label), [
      "calls attempted/s",
      "calls established/s",
      "calls failed/s",
      "SIP requests sent/s",
    ]);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("an interrupted run gets a report from its partial results", async () => {
  const { base, dir } = writeRun(false);
  try {
    const results = readResults(dir);
    assert.equal(results.summarySource, "partial");
    const html = renderReportHtml(results, await loadChartJs());
    assert.match(html, /did not finish: figures are those of its last complete second/);
    assert.match(html, /<td>attempted<\/td><td class="num">40<\/td>/);
    assert.equal(embeddedCharts(html).some((c) => c.title === "Throughput"), true);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("a run stopped early says why in its report", async () => {
  const { base, dir } = writeRun(true, "max-duration");
  try {
    const results = readResults(dir);
    assert.equal(results.summarySource, "final");
    const html = renderReportHtml(results, await loadChartJs());
    assert.match(html, /stopped early \(max-duration\): figures cover the time it ran/);
    assert.doesNotMatch(html, /did not finish/);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("inlined script text cannot close its script element", () => {
  const html = renderReportHtml(
    {
      dir: "/x",
      meta: { runId: "r", scenario: "s", startedAt: 0 },
      scenarioText: "</script>",
      seconds: [],
      events: [],
      summary: {
        runId: "r</script>",
        scenario: "s",
        startedAt: new Date(0).toISOString(),
        endedAt: new Date(0).toISOString(),
        durationS: 0,
        complete: true,
        sessions: {
          attempted: 0,
          succeeded: 0,
          failed: 0,
          failedByStatus: {},
          redirected: 0,
          completed: 0,
          attemptsPerSecond: 0,
        },
        registrations: {
          attempted: 0,
          succeeded: 0,
          failed: 0,
          failedByStatus: {},
          attemptsPerSecond: 0,
        },
        kpis: {},
        latencies: [],
        counters: [],
        thresholds: [],
      },
      summarySource: "final",
      histograms: [],
      skippedLines: 0,
    },
    'var s = "</script><script>alert(1)</script>";',
  );
  // Exactly the page's own three closing tags: the inlined library, the data, the page script.
  assert.equal(html.match(/<\/script>/g)?.length, 3);
  assert.match(html, /<\\\/script><script>alert/);
});

Deno.test("escapeHtml escapes the five HTML-special characters", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
});
