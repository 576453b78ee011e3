/**
 * `MetricsRegistry`: the one object the whole lab reports into. It is the transaction
 * layer's and the transports' metrics sink (plain structural typing: the method names those
 * layers declare), the agents' recording API (`counter`, `latency`, `distribution`, `gauge`,
 * `ratio`, `stateCounts`, `kpi`), and the source of snapshots, threshold views, HDR
 * histograms and the Prometheus text.
 *
 * @module
 */

import {
  CounterFamily,
  DerivedRatioFamily,
  GaugeFamily,
  HistogramFamily,
  type MetricFamily,
  RatioFamily,
  type RatioParts,
} from "./families.ts";
import { assertMetricName, type Labels, type MetricSelector, parseSelector } from "./labels.ts";
import { METRIC_CATALOG, type MetricKind } from "./names.ts";
import { PROMETHEUS_CONTENT_TYPE, PrometheusExporter } from "./prometheus.ts";
import { Rfc6076Kpis } from "./rfc6076.ts";
import { type MetricsSnapshot, type MetricView, takeSnapshot, viewOf } from "./snapshot.ts";

/** One series' cumulative HDR histogram, encoded (compressed base64 HDR). */
export interface EncodedHistogram {
  readonly name: string;
  readonly labels: Labels;
  /** `latency`: ticks are microseconds; `distribution`: ticks are thousandths. */
  readonly kind: "latency" | "distribution";
  readonly hdr: string;
}

/** Options of a registry. */
export interface MetricsRegistryOptions {
  /** Wall clock in ms since the epoch (default `Date.now`); injectable for tests. */
  readonly clock?: () => number;
  /** When the run started, on that clock (default: now). */
  readonly startedAt?: number;
}

/** Status class labels of SIP status codes (RFC 3261 §7.2: 1xx–6xx). */
const STATUS_CLASSES = ["other", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx"];

function statusClass(status: number): string {
  return STATUS_CLASSES[Math.floor(status / 100)] ?? "other";
}

type FamilyOf<K extends MetricKind> = K extends "counter" ? CounterFamily
  : K extends "gauge" ? GaugeFamily
  : K extends "ratio" ? RatioFamily
  : HistogramFamily;

/**
 * The lab's metrics registry.
 *
 * @example
 * ```ts
 * const metrics = new MetricsRegistry();
 * const layer = new TransactionLayer({ transport, metrics }); // the sink methods below
 * metrics.kpi.sessionAttempt();
 * metrics.latency("sign_in_time").record(840, { auth: "ntlm" });
 * const second = metrics.snapshot();          // once per second
 * const body = await metrics.prometheusText(); // for /metrics
 * ```
 */
export class MetricsRegistry {
  readonly #families = new Map<string, MetricFamily>();
  readonly #states = new Map<string, Readonly<Record<string, number>>>();
  readonly #clock: () => number;
  readonly #exporter: PrometheusExporter;
  readonly startedAt: number;
  #lastSnapshotAt: number;

  // Sink families, held directly for the hot path.
  readonly #requestsSent: CounterFamily;
  readonly #retransmissions: CounterFamily;
  readonly #responsesReceived: CounterFamily;
  readonly #responsesSent: CounterFamily;
  readonly #timeouts: CounterFamily;
  readonly #transportErrors: CounterFamily;
  readonly #requestDuration: HistogramFamily;
  readonly #bytes: CounterFamily;
  readonly #messages: CounterFamily;
  readonly #dropped: CounterFamily;
  readonly #parseErrors: CounterFamily;
  readonly #connectionsOpened: CounterFamily;
  readonly #connectionsClosed: CounterFamily;
  readonly #connectionsOpen: GaugeFamily;

  /** RFC 6076 KPIs and session/registration outcomes. */
  readonly kpi: Rfc6076Kpis;

  constructor(options: MetricsRegistryOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.startedAt = options.startedAt ?? this.#clock();
    this.#lastSnapshotAt = this.startedAt;
    this.#requestsSent = this.counter("sip_requests_sent");
    this.#retransmissions = this.counter("sip_retransmissions");
    this.#responsesReceived = this.counter("sip_responses_received");
    this.#responsesSent = this.counter("sip_responses_sent");
    this.#timeouts = this.counter("sip_transaction_timeouts");
    this.#transportErrors = this.counter("transport_errors");
    this.#requestDuration = this.latency("sip_request_duration");
    this.#bytes = this.counter("transport_bytes");
    this.#messages = this.counter("transport_messages");
    this.#dropped = this.counter("transport_dropped");
    this.#parseErrors = this.counter("transport_parse_errors");
    this.#connectionsOpened = this.counter("transport_connections_opened");
    this.#connectionsClosed = this.counter("transport_connections_closed");
    this.#connectionsOpen = this.gauge("transport_connections_open");
    this.kpi = new Rfc6076Kpis({
      counter: (name) => this.counter(name),
      latency: (name) => this.latency(name),
      derivedRatio: (name, compute) => this.#derivedRatio(name, compute),
    });
    this.#exporter = new PrometheusExporter({
      families: () => this.#families.values(),
      states: () => this.#states,
    });
  }

  // -------------------------------------------------------------------------------------------
  // transaction layer sink (lab/sip/transaction TransactionMetricsSink)

  /** A request left through a client transaction; `retransmit` for RFC 3261 §17 resends. */
  requestSent(method: string, retransmit: boolean): void {
    this.#requestsSent.at1(method).value++;
    if (retransmit) this.#retransmissions.at1(method).value++;
  }

  /** A response reached the TU; final ones also record the request duration. */
  responseReceived(method: string, status: number, latencyMs: number): void {
    this.#responsesReceived.at2(method, statusClass(status)).value++;
    if (status >= 200) this.#requestDuration.at1(method).record(latencyMs);
  }

  /** A server transaction sent a response. */
  responseSent(method: string, status: number): void {
    this.#responsesSent.at2(method, statusClass(status)).value++;
  }

  /** A transaction timed out by `timer` (B, F or H). */
  timeout(method: string, timer: string): void {
    this.#timeouts.at2(method, timer).value++;
  }

  /** The transport failed to send a transaction's message. */
  transportError(method: string): void {
    this.#transportErrors.at1(method).value++;
  }

  // -------------------------------------------------------------------------------------------
  // transport sink (lab/sip/transport TransportMetricsSink; `protocol` is udp, tcp, tls, ws…)

  bytesIn(protocol: string, bytes: number): void {
    this.#bytes.at2(protocol, "in").value += bytes;
  }

  bytesOut(protocol: string, bytes: number): void {
    this.#bytes.at2(protocol, "out").value += bytes;
  }

  messageIn(protocol: string): void {
    this.#messages.at2(protocol, "in").value++;
  }

  messageOut(protocol: string): void {
    this.#messages.at2(protocol, "out").value++;
  }

  dropped(protocol: string, reason: string): void {
    this.#dropped.at2(protocol, reason).value++;
  }

  connectionOpened(protocol: string): void {
    this.#connectionsOpened.at1(protocol).value++;
    this.#connectionsOpen.at1(protocol).add(1);
  }

  connectionClosed(protocol: string): void {
    this.#connectionsClosed.at1(protocol).value++;
    this.#connectionsOpen.at1(protocol).add(-1);
  }

  parseError(protocol: string, status: number): void {
    this.#parseErrors.at2(protocol, String(status)).value++;
  }

  // -------------------------------------------------------------------------------------------
  // agent API

  /** The counter family `name` (created on first use). */
  counter(name: string, help?: string): CounterFamily {
    return this.#family(name, "counter", help);
  }

  /** The latency family `name`: values in milliseconds, HDR-backed. */
  latency(name: string, help?: string): HistogramFamily {
    return this.#family(name, "latency", help);
  }

  /** An HDR-backed family of unitless values (a MOS score, a loss fraction). */
  distribution(name: string, help?: string): HistogramFamily {
    return this.#family(name, "distribution", help);
  }

  /** The gauge family `name`. */
  gauge(name: string, help?: string): GaugeFamily {
    return this.#family(name, "gauge", help);
  }

  /** The ratio family `name`: hits out of a total, e.g. failed out of attempted. */
  ratio(name: string, help?: string): RatioFamily {
    return this.#family(name, "ratio", help);
  }

  /** How many actors of `machine` are in each state now (for the live state chart). */
  stateCounts(machine: string, counts: Readonly<Record<string, number>>): void {
    this.#states.set(machine, counts);
  }

  #derivedRatio(name: string, compute: () => RatioParts): DerivedRatioFamily {
    assertMetricName(name);
    if (this.#families.has(name)) throw new RangeError(`metric "${name}" already exists`);
    const family = new DerivedRatioFamily(name, METRIC_CATALOG[name]?.help ?? name, compute);
    this.#families.set(name, family);
    return family;
  }

  #family<K extends MetricKind>(name: string, kind: K, help?: string): FamilyOf<K> {
    const existing = this.#families.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind) {
        throw new TypeError(`metric "${name}" is a ${existing.kind}, not a ${kind}`);
      }
      return existing as FamilyOf<K>;
    }
    assertMetricName(name);
    const catalogued = METRIC_CATALOG[name];
    if (catalogued !== undefined && catalogued.kind !== kind) {
      throw new TypeError(`metric "${name}" is catalogued as a ${catalogued.kind}, not a ${kind}`);
    }
    const text = help ?? catalogued?.help ?? name;
    const labels = catalogued?.labels ?? [];
    const family = kind === "counter"
      ? new CounterFamily(name, text, labels)
      : kind === "gauge"
      ? new GaugeFamily(name, text, labels)
      : kind === "ratio"
      ? new RatioFamily(name, text, labels)
      : new HistogramFamily(name, text, labels, kind as "latency" | "distribution");
    this.#families.set(name, family);
    return family as FamilyOf<K>;
  }

  // -------------------------------------------------------------------------------------------
  // reading

  /** Every family, in creation order. */
  families(): Iterable<MetricFamily> {
    return this.#families.values();
  }

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return this.#clock() - this.startedAt;
  }

  /**
   * Every metric now, with deltas and interval stats since the previous call. Call it once
   * per interval (the runner, every second): each call starts a new interval.
   */
  snapshot(): MetricsSnapshot {
    const at = this.#clock();
    const timing = { at, elapsedMs: at - this.startedAt, intervalMs: at - this.#lastSnapshotAt };
    this.#lastSnapshotAt = at;
    return takeSnapshot(this.#families.values(), this.#states, timing);
  }

  /**
   * What thresholds read from a metric: `name` or `name{tag:value}` (or a parsed selector),
   * combined over the matching series since the start. Undefined for an unknown metric, so a
   * misspelt name cannot pass a threshold. See {@link MetricView} for each kind's semantics.
   */
  metricView(selector: string | MetricSelector): MetricView | undefined {
    const { name, tags } = typeof selector === "string" ? parseSelector(selector) : selector;
    const family = this.#families.get(name);
    return family === undefined ? undefined : viewOf(family, tags, this.elapsedMs());
  }

  /** Every series' cumulative HDR histogram, encoded, for results files and merging. */
  encodedHistograms(): EncodedHistogram[] {
    const encoded: EncodedHistogram[] = [];
    for (const family of this.#families.values()) {
      if (!(family instanceof HistogramFamily)) continue;
      for (const series of family.series.values()) {
        if (series.cumulative.count === 0) continue;
        encoded.push({
          name: family.name,
          labels: series.labels,
          kind: family.kind,
          hdr: series.cumulative.encode(),
        });
      }
    }
    return encoded;
  }

  /** The Prometheus text exposition (serve it on `/metrics`). */
  prometheusText(): Promise<string> {
    return this.#exporter.text();
  }

  /** Content-Type for {@link MetricsRegistry.prometheusText}. */
  readonly prometheusContentType: string = PROMETHEUS_CONTENT_TYPE;
}
