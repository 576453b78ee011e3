/**
 * `report.html`: a self-contained page made from a results folder alone (finished or
 * interrupted). Chart.js is inlined from the installed npm package, the data is embedded as
 * JSON, so the page works offline and loads nothing from the network.
 *
 * @module
 */

import { join } from "node:path";
import { formatSeriesName } from "./labels.ts";
import { decodeHistogramSeries, readResults, RESULT_FILES, type RunResults } from "./results.ts";
import type { RunSummary } from "./summary.ts";
import { formatLatency, formatNumber } from "./summary_table.ts";
import { diagnosticDefinition } from "../protocols/ocer/catalogue.ts";

/** Percentiles of the latency-by-percentile charts (from the HDR histogram files). */
const SPECTRUM_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

/** One line of a chart. */
interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** One chart. */
interface ChartSpec {
  readonly title: string;
  readonly yLabel: string;
  readonly x: readonly (number | string)[];
  readonly xLabel: string;
  readonly kind: "line" | "bar";
  readonly series: readonly ChartSeries[];
}

/**
 * The Chart.js UMD bundle's source, from the installed `chart.js` package.
 *
 * @example
 * ```ts
 * const source = await loadChartJs(); // "/*! Chart.js v4…"
 * ```
 */
export async function loadChartJs(): Promise<string> {
  const entry = new URL(import.meta.resolve("chart.js"));
  if (entry.protocol !== "file:") {
    throw new Error(`chart.js resolved to ${entry.href}; a local node_modules copy is needed`);
  }
  return await Deno.readTextFile(new URL("./chart.umd.min.js", entry));
}

/**
 * Escape text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** JSON safe inside a `<script>` element (no `</script>`, no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/** JavaScript source safe inside a `<script>` element. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1");
}

/** Per-second charts from the time series. */
function timeCharts(results: RunResults): ChartSpec[] {
  const seconds = results.seconds;
  const x = seconds.map((s) => Math.round(s.elapsedMs / 100) / 10);
  const line = (title: string, yLabel: string, series: ChartSeries[]): ChartSpec => ({
    title,
    yLabel,
    x,
    xLabel: "elapsed (s)",
    kind: "line",
    series,
  });
  const rateOf = (name: string, filter: (labels: Record<string, string>) => boolean) =>
    seconds.map((s) => {
      let rate = 0;
      for (const c of s.counters) if (c.name === name && filter(c.labels)) rate += c.rate;
      return rate;
    });
  const charts: ChartSpec[] = [];
  const any = () => true;
  const throughput: ChartSeries[] = [
    { label: "calls attempted/s", values: rateOf("session_attempts", any) },
    { label: "calls established/s", values: rateOf("sessions_established", any) },
    { label: "calls failed/s", values: rateOf("session_failures", any) },
    { label: "registrations/s", values: rateOf("registration_attempts", any) },
    { label: "SIP requests sent/s", values: rateOf("sip_requests_sent", any) },
  ].filter((s) => s.values.some((v) => v > 0));
  if (throughput.length > 0) charts.push(line("Throughput", "per second", throughput));

  const statuses = new Set<string>();
  for (const s of seconds) {
    for (const c of s.counters) if (c.name === "session_failures") statuses.add(c.labels.status);
  }
  if (statuses.size > 0) {
    charts.push(line(
      "Failed calls per second by status",
      "per second",
      [...statuses].sort().map((status) => ({
        label: status,
        values: rateOf("session_failures", (labels) => labels.status === status),
      })),
    ));
  }

  const latencySeries = new Map<string, "latency" | "distribution">();
  for (const s of seconds) {
    for (const l of s.latencies) {
      if (l.cumulative.count > 0) latencySeries.set(formatSeriesName(l.name, l.labels), l.kind);
    }
  }
  for (const [title, kind] of latencySeries) {
    const samples = seconds.map((s) =>
      s.latencies.find((l) => formatSeriesName(l.name, l.labels) === title)?.interval
    );
    charts.push(line(`${title} per second`, kind === "latency" ? "ms" : "value", [
      { label: "p50", values: samples.map((s) => s?.p50 ?? null) },
      { label: "p95", values: samples.map((s) => s?.p95 ?? null) },
      { label: "p99", values: samples.map((s) => s?.p99 ?? null) },
      { label: "max", values: samples.map((s) => s?.max ?? null) },
    ]));
  }

  const gaugeNames = new Set(seconds.flatMap((s) => s.gauges.map((g) => g.name)));
  for (const name of gaugeNames) {
    charts.push(line(name, "value", [{
      label: name,
      values: seconds.map((s) =>
        s.gauges.filter((g) => g.name === name).reduce((sum, g) => sum + g.value, 0)
      ),
    }]));
  }
  return charts;
}

/** Bar chart of failures by status, and latency-by-percentile charts from the HDR files. */
function summaryCharts(results: RunResults): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const failed = Object.entries(results.summary.sessions.failedByStatus);
  if (failed.length > 0) {
    charts.push({
      title: "Failed calls by status (whole run)",
      yLabel: "calls",
      x: failed.map(([status]) => status),
      xLabel: "status",
      kind: "bar",
      series: [{ label: "failed calls", values: failed.map(([, count]) => count) }],
    });
  }
  for (const file of results.histograms) {
    file.series.forEach((series, index) => {
      const histogram = decodeHistogramSeries(file, index);
      if (histogram.count === 0) return;
      charts.push({
        title: `${formatSeriesName(file.name, series.labels)} by percentile (whole run)`,
        yLabel: file.kind === "latency" ? "ms" : "value",
        x: SPECTRUM_PERCENTILES.map((p) => `p${p}`),
        xLabel: "percentile",
        kind: "line",
        series: [{
          label: file.name,
          values: SPECTRUM_PERCENTILES.map((p) => histogram.percentile(p) ?? null),
        }],
      });
    });
  }
  return charts;
}

/** Cells holding a number (or a percentage) are right-aligned. */
const NUMERIC = /^-?\d[\d.]*%?$/;

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const cell = (c: string) =>
    NUMERIC.test(c) ? `<td class="num">${c}</td>` : `<td>${escapeHtml(c)}</td>`;
  const body = rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function percentOf(part: number, whole: number): string {
  return whole > 0 ? `${(100 * part / whole).toFixed(1)}%` : "";
}

function summarySection(summary: RunSummary): string {
  const parts: string[] = [];
  const s = summary.sessions;
  if (s.attempted > 0) {
    const rows = [
      ["attempted", String(s.attempted), ""],
      ["succeeded", String(s.succeeded), percentOf(s.succeeded, s.attempted)],
      ["failed", String(s.failed), percentOf(s.failed, s.attempted)],
      ...Object.entries(s.failedByStatus).map(([status, n]) => [
        `failed: ${status}`,
        String(n),
        percentOf(n, s.attempted),
      ]),
      ["redirected (3xx)", String(s.redirected), percentOf(s.redirected, s.attempted)],
      ["completed (BYE)", String(s.completed), percentOf(s.completed, s.attempted)],
      ["rate (calls/s)", formatNumber(s.attemptsPerSecond), ""],
    ];
    parts.push(`<h2>Calls</h2>${htmlTable(["", "count", "%"], rows)}`);
  }
  const r = summary.registrations;
  if (r.attempted > 0) {
    const rows = [
      ["attempted", String(r.attempted), ""],
      ["registered", String(r.succeeded), percentOf(r.succeeded, r.attempted)],
      ["failed", String(r.failed), percentOf(r.failed, r.attempted)],
      ...Object.entries(r.failedByStatus).map(([status, n]) => [
        `failed: ${status}`,
        String(n),
        percentOf(n, r.attempted),
      ]),
    ];
    parts.push(`<h2>Registrations</h2>${htmlTable(["", "count", "%"], rows)}`);
  }
  if (summary.latencies.length > 0) {
    const rows = summary.latencies.map((l) => [
      formatSeriesName(l.name, l.labels),
      l.kind === "latency" ? "ms" : "",
      String(l.stats.count),
      ...[
        l.stats.min,
        l.stats.mean,
        l.stats.p50,
        l.stats.p95,
        l.stats.p99,
        l.stats.p999,
        l.stats.max,
      ]
        .map(formatLatency),
    ]);
    parts.push(
      `<h2>Latencies (whole run)</h2>${
        htmlTable(
          ["series", "unit", "count", "min", "mean", "p50", "p95", "p99", "p99.9", "max"],
          rows,
        )
      }`,
    );
  }
  const kpis = Object.entries(summary.kpis).filter(([, v]) => v !== null);
  if (kpis.length > 0) {
    const rows = kpis.map(([name, v]) => [name, `${(100 * (v ?? 0)).toFixed(2)}%`]);
    parts.push(`<h2>RFC 6076 KPIs</h2>${htmlTable(["metric", "value"], rows)}`);
  }
  return parts.join("\n");
}

function thresholdsSection(summary: RunSummary): string {
  if (summary.thresholds.length === 0) return "";
  const rows = summary.thresholds.map((t) => [
    t.passed ? "PASS" : "FAIL",
    t.metric,
    t.expression,
    formatNumber(t.observed),
  ]);
  return `<h2>Thresholds</h2>${htmlTable(["result", "metric", "expression", "observed"], rows)}`;
}

/**
 * Failed iterations by final status and ms-diagnostics ErrorId (the `errors` counter), largest
 * first; the reason is the catalogue's for that ErrorId (MS-OCER §2.2.1.1).
 */
function errorsSection(summary: RunSummary): string {
  const rows = summary.counters
    .filter((c) => c.name === "errors" && c.total > 0)
    .sort((a, b) => b.total - a.total)
    .map((c) => {
      const code = c.labels.diagnostic ?? "none";
      const errorId = Number.parseInt(code, 10);
      const reason = Number.isNaN(errorId) ? "" : diagnosticDefinition(errorId)?.reason ?? "";
      return [c.labels.status ?? "none", code, reason, String(c.total)];
    });
  if (rows.length === 0) return "";
  return `<h2>Errors by status and ms-diagnostics code</h2>${
    htmlTable(["status", "ms-diagnostics", "reason", "iterations"], rows)
  }`;
}

function errorExamplesSection(results: RunResults): string {
  const examples = results.events.filter((e) => e.type === "error-example");
  if (examples.length === 0) return "";
  const items = examples.map((e) =>
    `<li><b>${escapeHtml(String(e.kind))}</b> (#${escapeHtml(String(e.occurrence))})<pre>${
      escapeHtml(String(e.example))
    }</pre></li>`
  ).join("\n");
  return `<h2>Error examples</h2><ul>${items}</ul>`;
}

const PAGE_STYLE = `
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warning { background: #fff3cd; border: 1px solid #e0c36a; padding: 0.6em; }
.chart { height: 300px; margin: 1em 0 2em; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
`;

const CHART_SCRIPT = `
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];
  const host = document.getElementById("charts");
  data.charts.forEach(function (chart, i) {
    const title = document.createElement("h3");
    title.textContent = chart.title;
    const box = document.createElement("div");
    box.className = "chart";
    const canvas = document.createElement("canvas");
    canvas.id = "chart-" + i;
    box.appendChild(canvas);
    host.appendChild(title);
    host.appendChild(box);
    new Chart(canvas, {
      type: chart.kind,
      data: {
        labels: chart.x,
        datasets: chart.series.map(function (s, j) {
          const color = colors[j % colors.length];
          return { label: s.label, data: s.values, borderColor: color, backgroundColor: color,
            pointRadius: 0, borderWidth: 1.5, spanGaps: true };
        }),
      },
      options: {
        animation: false, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { title: { display: true, text: chart.xLabel } },
          y: { beginAtZero: true, title: { display: true, text: chart.yLabel } },
        },
      },
    });
  });
})();
`;

/**
 * The report page for loaded results.
 *
 * @example
 * ```ts
 * const html = renderReportHtml(readResults(dir), await loadChartJs());
 * ```
 */
export function renderReportHtml(results: RunResults, chartJs: string): string {
  const summary = results.summary;
  const charts = [...timeCharts(results), ...summaryCharts(results)];
  const interrupted = summary.complete
    ? ""
    : results.summarySource === "final"
    ? `<p class="warning">This run was stopped early (${
      escapeHtml(summary.stopReason ?? "unknown reason")
    }): figures cover the time it ran.</p>`
    : `<p class="warning">This run did not finish: ${
      results.summarySource === "partial"
        ? "figures are those of its last complete second"
        : "figures were rebuilt from its time series"
    }${
      results.skippedLines > 0 ? ` (${results.skippedLines} cut or corrupt line(s) skipped)` : ""
    }.</p>`;
  const title = `sipfleet run ${summary.runId}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
<script>${inlineScript(chartJs)}</script>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Scenario <b>${escapeHtml(summary.scenario)}</b>, started ${escapeHtml(summary.startedAt)}, ${
    formatNumber(summary.durationS)
  } s.</p>
${interrupted}
${summarySection(summary)}
${thresholdsSection(summary)}
<h2>Charts</h2>
<div id="charts"></div>
${errorsSection(summary)}
${errorExamplesSection(results)}
<h2>Scenario</h2>
<pre>${escapeHtml(results.scenarioText ?? "(scenario.yaml missing)")}</pre>
<script type="application/json" id="report-data">${scriptJson({ charts })}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Make `report.html` in a results folder from the folder alone; returns its path.
 *
 * @example
 * ```ts
 * const path = await writeReport("results/20250102-030405-basic-call");
 * ```
 */
export async function writeReport(resultsDir: string): Promise<string> {
  const html = renderReportHtml(readResults(resultsDir), await loadChartJs());
  const path = join(resultsDir, RESULT_FILES.report);
  const temporary = `${path}.tmp`;
  await Deno.writeTextFile(temporary, html);
  await Deno.rename(temporary, path);
  return path;
}
