/**
 * lab/metrics: the registry every layer reports into (transaction and transport sinks, agent
 * counters, HDR latencies, RFC 6076 KPIs), per-second snapshots and threshold views,
 * Prometheus text, the results folder, the terminal summary and progress line, and the
 * offline HTML report. Metric names are catalogued in `names.ts` and documented in
 * `METRICS.md`.
 *
 * @example
 * ```ts
 * import { formatRunId, formatSummaryTable, MetricsRegistry, ResultsWriter, writeReport }
 *   from "./mod.ts";
 * const metrics = new MetricsRegistry();
 * const writer = ResultsWriter.create("results", formatRunId("basic-call"), yaml,
 *   { histograms: metrics });
 * writer.writeSecond(metrics.snapshot()); // every second
 * console.log(formatSummaryTable(writer.finish(metrics.snapshot())));
 * await writeReport(writer.dir);
 * ```
 *
 * @module
 */

export {
  DEFAULT_RESOLUTION,
  EMPTY_STATS,
  type HistogramStats,
  LatencyHistogram,
  mergeEncoded,
} from "./histogram.ts";
export {
  formatSeriesName,
  type Labels,
  labelsMatch,
  type MetricSelector,
  NO_LABELS,
  parseSelector,
} from "./labels.ts";
export {
  CounterFamily,
  CounterSeries,
  GaugeFamily,
  GaugeSeries,
  HistogramFamily,
  HistogramSeries,
  type MetricFamily,
  RatioFamily,
  RatioSeries,
} from "./families.ts";
export {
  AGENT_METRICS,
  METRIC_CATALOG,
  type MetricDefinition,
  type MetricKind,
  PROMETHEUS_PREFIX,
  prometheusName,
  RUNNER_METRICS,
  SESSION_KPI_METRICS,
  TRANSACTION_METRICS,
  TRANSPORT_METRICS,
} from "./names.ts";
export { type FailureCause, Rfc6076Kpis, type SessionEnd } from "./rfc6076.ts";
export { type EncodedHistogram, MetricsRegistry, type MetricsRegistryOptions } from "./registry.ts";
export { EXPORTED_QUANTILES, PROMETHEUS_CONTENT_TYPE } from "./prometheus.ts";
export {
  counterIn,
  type CounterSample,
  gaugeIn,
  type GaugeSample,
  histogramIn,
  type HistogramSample,
  type MetricsSnapshot,
  type MetricView,
  ratioIn,
  type RatioSample,
  type StateSample,
} from "./snapshot.ts";
export {
  type AttemptTotals,
  buildSummary,
  KPI_RATIO_NAMES,
  type RunInfo,
  type RunSummary,
  type SessionTotals,
  type SummaryCounter,
  type SummaryLatency,
  type ThresholdOutcome,
} from "./summary.ts";
export { type NdjsonRead, parseNdjson } from "./ndjson.ts";
export { snapshotsFromLines, type TimeseriesLine } from "./timeseries.ts";
export {
  decodeHistogramSeries,
  formatRunId,
  type HistogramFile,
  type HistogramSource,
  readResults,
  RESULT_FILES,
  type ResultEvent,
  ResultsWriter,
  type ResultsWriterOptions,
  type RunEnd,
  type RunMeta,
  type RunResults,
  type SummarySource,
} from "./results.ts";
export {
  formatLatency,
  formatNumber,
  formatSummaryTable,
  progressFromSnapshot,
  type ProgressIterations,
  ProgressLine,
  type ProgressLineOptions,
  type ProgressState,
  renderProgress,
} from "./summary_table.ts";
export { escapeHtml, loadChartJs, renderReportHtml, writeReport } from "./report.ts";
