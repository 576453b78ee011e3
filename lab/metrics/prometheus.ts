/**
 * Prometheus exposition through prom-client, fed lazily: the recording path never touches
 * prom-client. At scrape time each family gets (or keeps) a prom-client metric whose
 * `collect()` copies the plain counters in, and HDR-backed families are exposed as summaries
 * whose quantiles come straight from the HDR histograms (0.5, 0.9, 0.95, 0.99, 0.999, over
 * the whole run; latencies in seconds).
 *
 * @module
 */

import { Counter, Gauge, type MetricType, Registry, Summary } from "prom-client";
import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  type MetricFamily,
  RatioFamily,
} from "./families.ts";
import { AGENT_STATES_PROMETHEUS_NAME, prometheusName } from "./names.ts";

/** Content-Type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Quantiles every HDR-backed summary exposes. */
export const EXPORTED_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99, 0.999];

/** What the exporter reads at scrape time. */
export interface ExportSource {
  families(): Iterable<MetricFamily>;
  states(): ReadonlyMap<string, Readonly<Record<string, number>>>;
}

type SummaryResult = Awaited<ReturnType<Summary<string>["get"]>>;
type SummaryValue = SummaryResult["values"][number];

/** A prom-client Summary whose values come from an HDR family instead of prom-client's digest. */
class HdrSummary extends Summary<string> {
  readonly #family: HistogramFamily;
  readonly #exposedName: string;
  readonly #help: string;

  constructor(family: HistogramFamily, exposedName: string, labelNames: string[]) {
    super({ name: exposedName, help: family.help, labelNames, registers: [] });
    this.#family = family;
    this.#exposedName = exposedName;
    this.#help = family.help;
  }

  override get(): Promise<SummaryResult> {
    // Latencies are recorded in ms and exposed in seconds (Prometheus base unit).
    const scale = this.#family.kind === "latency" ? 1 / 1000 : 1;
    const values: SummaryValue[] = [];
    for (const series of this.#family.series.values()) {
      const histogram = series.cumulative;
      for (const quantile of EXPORTED_QUANTILES) {
        const value = histogram.percentile(quantile * 100);
        if (value === undefined) continue;
        values.push({ labels: { ...series.labels, quantile }, value: value * scale });
      }
      values.push({
        metricName: `${this.#exposedName}_sum`,
        labels: series.labels,
        value: histogram.sum * scale,
      });
      values.push({
        metricName: `${this.#exposedName}_count`,
        labels: series.labels,
        value: histogram.count,
      });
    }
    return Promise.resolve({
      name: this.#exposedName,
      help: this.#help,
      // prom-client's typings declare a numeric enum; its formatter reads the text form.
      type: "summary" as unknown as MetricType,
      aggregator: "sum",
      collect: () => {},
      values,
    });
  }
}

interface Exported {
  readonly labelNames: string;
}

/**
 * Renders the registry's families as Prometheus text.
 *
 * @example
 * ```ts
 * const exporter = new PrometheusExporter({ families: () => fams, states: () => new Map() });
 * const body = await exporter.text();
 * ```
 */
export class PrometheusExporter {
  readonly #registry = new Registry();
  readonly #exported = new Map<string, Exported>();

  constructor(readonly source: ExportSource) {
    this.#registry.registerMetric(
      new Gauge({
        name: AGENT_STATES_PROMETHEUS_NAME,
        help: "Actors of each agent state machine in each state (from stateCounts).",
        labelNames: ["machine", "state"],
        registers: [],
        collect() {
          this.reset();
          for (const [machine, counts] of source.states()) {
            for (const [state, count] of Object.entries(counts)) {
              this.set({ machine, state }, count);
            }
          }
        },
      }),
    );
  }

  /** The text exposition of every metric now. */
  text(): Promise<string> {
    for (const family of this.source.families()) this.#sync(family);
    return this.#registry.metrics();
  }

  /** Create (or recreate, when new label names appeared) the prom-client metric of a family. */
  #sync(family: MetricFamily): void {
    // A family without series has nothing to say (prom-client would print a bare 0).
    if (family.series.size === 0) return;
    const name = prometheusName(family.name, family.kind);
    const labelNameSet = new Set<string>();
    for (const series of family.series.values()) {
      for (const label of Object.keys(series.labels)) labelNameSet.add(label);
    }
    const labelNames = [...labelNameSet].sort();
    const key = labelNames.join(",");
    const previous = this.#exported.get(name);
    if (previous?.labelNames === key) return;
    if (previous !== undefined) this.#registry.removeSingleMetric(name);
    this.#registry.registerMetric(exposedMetric(family, name, labelNames));
    this.#exported.set(name, { labelNames: key });
  }
}

interface CommonConfig {
  readonly name: string;
  readonly help: string;
  readonly labelNames: string[];
  readonly registers: Registry[];
}

function exposedMetric(family: MetricFamily, name: string, labelNames: string[]) {
  const common: CommonConfig = { name, help: family.help, labelNames, registers: [] };
  if (family instanceof CounterFamily) {
    return new Counter({
      ...common,
      collect() {
        this.reset();
        for (const s of family.series.values()) this.inc(s.labels, s.value);
      },
    });
  }
  if (family instanceof GaugeFamily) {
    return new Gauge({
      ...common,
      collect() {
        this.reset();
        for (const s of family.series.values()) this.set(s.labels, s.value);
      },
    });
  }
  if (family instanceof HistogramFamily) return new HdrSummary(family, name, labelNames);
  return ratioGauge(family, common);
}

function ratioGauge(family: RatioFamily, common: CommonConfig) {
  return new Gauge({
    ...common,
    collect() {
      this.reset();
      family.refresh();
      // 0 of 0 is no ratio at all: NaN, as Prometheus writes undefined values.
      for (const s of family.series.values()) {
        this.set(s.labels, s.total > 0 ? s.hits / s.total : NaN);
      }
    },
  });
}
