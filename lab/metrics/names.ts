/**
 * The catalogue of stable metric names: every metric the lab itself reports, with its kind,
 * labels and meaning. `METRICS.md` documents the same list for people; a test keeps the two
 * in step. Names here are the short names thresholds use; {@link prometheusName} gives the
 * exposition name (`sipfleet_` prefix, unit and `_total` suffixes).
 *
 * @module
 */

/** What a metric measures and how it aggregates. */
export type MetricKind = "counter" | "gauge" | "latency" | "distribution" | "ratio";

/** One catalogue entry. */
export interface MetricDefinition {
  readonly kind: MetricKind;
  readonly help: string;
  /** Label names, in the order the recording API takes them. */
  readonly labels: readonly string[];
}

function define(kind: MetricKind, help: string, labels: readonly string[] = []): MetricDefinition {
  return { kind, help, labels };
}

/** Prefix of every exposed metric. */
export const PROMETHEUS_PREFIX = "sipfleet_";

/** Reported by the transaction layer (RFC 3261 §17) through the registry's sink methods. */
export const TRANSACTION_METRICS = {
  sip_requests_sent: define(
    "counter",
    "SIP requests handed to the transport by client transactions, retransmissions included.",
    ["method"],
  ),
  sip_retransmissions: define(
    "counter",
    "SIP request retransmissions (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E).",
    ["method"],
  ),
  sip_responses_received: define(
    "counter",
    "SIP responses passed up by client transactions, by request method and status class.",
    ["method", "class"],
  ),
  sip_responses_sent: define(
    "counter",
    "SIP responses sent by server transactions (retransmissions included), by method and class.",
    ["method", "class"],
  ),
  sip_transaction_timeouts: define(
    "counter",
    "Transactions that timed out, by method and the timer that fired (B, F or H; RFC 3261 §17).",
    ["method", "timer"],
  ),
  transport_errors: define(
    "counter",
    "Transactions whose message the transport failed to send (RFC 3261 §17.1.4).",
    ["method"],
  ),
  sip_request_duration: define(
    "latency",
    "Request first sent → final response received, per client transaction.",
    ["method"],
  ),
} as const satisfies Record<string, MetricDefinition>;

/** Reported by the transports (RFC 3261 §18) through the registry's sink methods. */
export const TRANSPORT_METRICS = {
  transport_bytes: define("counter", "Bytes read from and written to the network.", [
    "protocol",
    "direction",
  ]),
  transport_messages: define("counter", "SIP messages read and written (keep-alives excluded).", [
    "protocol",
    "direction",
  ]),
  transport_dropped: define(
    "counter",
    "Inbound datagrams or data discarded by the transport, by reason.",
    ["protocol", "reason"],
  ),
  transport_parse_errors: define(
    "counter",
    "Inbound messages that failed to parse, by the status a server would answer (400, 505, 513…).",
    ["protocol", "status"],
  ),
  transport_connections_opened: define(
    "counter",
    "Connections (TCP, TLS, WebSocket) accepted or established.",
    ["protocol"],
  ),
  transport_connections_closed: define("counter", "Connections closed.", ["protocol"]),
  transport_connections_open: define("gauge", "Connections open now.", ["protocol"]),
} as const satisfies Record<string, MetricDefinition>;

/**
 * RFC 6076 end-to-end KPIs and session outcome counters, fed by the agents through
 * `registry.kpi` (see {@link Rfc6076Kpis}).
 */
export const SESSION_KPI_METRICS = {
  registration_attempts: define("counter", "Registration attempts (RFC 6076 §4.1, §4.2)."),
  registrations_completed: define("counter", "Registrations that ended with a 2xx."),
  registration_failures: define(
    "counter",
    "Registrations that failed, by final status or `timeout` / `transport`.",
    ["status"],
  ),
  registration_request_delay: define(
    "latency",
    "RRD (RFC 6076 §4.1): first REGISTER sent → 2xx final response, challenges included.",
  ),
  ineffective_registration_attempts: define(
    "ratio",
    "IRA (RFC 6076 §4.2): registrations with no final response or a 408/500/503/504, over attempts.",
  ),
  session_attempts: define("counter", "Session attempts: initial INVITEs sent (RFC 6076 §4.6)."),
  sessions_established: define("counter", "Session attempts answered with a 2xx."),
  sessions_redirected: define(
    "counter",
    "Session attempts answered with a 3xx (excluded from SER/SEER).",
  ),
  session_failures: define(
    "counter",
    "Session attempts that failed, by final status or `timeout` / `transport`.",
    ["status"],
  ),
  sessions_completed: define(
    "counter",
    "Established sessions that ended with a completed BYE exchange (RFC 6076 §4.9).",
  ),
  session_request_delay: define(
    "latency",
    "SRD (RFC 6076 §4.3), the post-dial delay: INVITE sent → first non-100 provisional or final response.",
  ),
  call_setup_time: define("latency", "INVITE sent → 2xx received: time to an answered call."),
  session_disconnect_delay: define(
    "latency",
    "SDD (RFC 6076 §4.4): BYE sent → its final response.",
  ),
  session_duration: define(
    "latency",
    "SDT (RFC 6076 §4.5): 2xx to the INVITE → BYE, for established sessions.",
  ),
  session_establishment_ratio: define(
    "ratio",
    "SER (RFC 6076 §4.6): INVITEs answered 2xx over INVITEs not answered 3xx.",
  ),
  session_establishment_effectiveness_ratio: define(
    "ratio",
    "SEER (RFC 6076 §4.7): INVITEs answered 200/480/486/600/603 over INVITEs not answered 3xx.",
  ),
  ineffective_session_attempts: define(
    "ratio",
    "ISA (RFC 6076 §4.8): INVITEs with no final response or a 408/500/503/504, over all INVITEs.",
  ),
  session_completion_ratio: define(
    "ratio",
    "SCR (RFC 6076 §4.9): completed sessions over all INVITEs.",
  ),
  session_failure_ratio: define(
    "ratio",
    "Failed session attempts (any non-2xx, non-3xx outcome) over all attempts.",
  ),
} as const satisfies Record<string, MetricDefinition>;

/** Agent-level metrics: named here so every agent reports the same thing under one name. */
export const AGENT_METRICS = {
  active_users: define("gauge", "Simulated users active now."),
  sign_in_time: define(
    "latency",
    "Client sign-in: first REGISTER → registered, provisioned and subscribed (MS-SIPREGE).",
  ),
  presence_fanout_delay: define(
    "latency",
    "Presence publication (SERVICE/PUBLISH) → NOTIFY received by a watcher.",
  ),
  presence_fanout_complete: define(
    "latency",
    "Presence publication (SERVICE) sent → the last watcher's NOTIFY received, per publication.",
  ),
  presence_fanout: define(
    "latency",
    "Presence server: publication accepted → NOTIFY/BENOTIFY handed to the transport, per watcher (MS-PRES).",
    ["method", "kind"],
  ),
  im_delivery_time: define("latency", "Instant message MESSAGE sent → received by the peer."),
  chat_fanout_delay: define(
    "latency",
    "Group chat message sent → received by a room member (MS-XCCOSIP).",
  ),
  web_service_latency: define("latency", "Web service request → response.", ["service"]),
  qoe_mos: define("distribution", "Mean opinion score of a call's MS-QoE report (1–5)."),
  qoe_jitter: define("latency", "Inter-arrival jitter of a call's MS-QoE report."),
  qoe_packet_loss: define("distribution", "Packet loss fraction of a call's MS-QoE report (0–1)."),
} as const satisfies Record<string, MetricDefinition>;

/**
 * Recorded by the runner (lab/runner) for every run: iterations per workload (its `name`),
 * arrivals it could not start, and the virtual users busy.
 */
export const RUNNER_METRICS = {
  iterations_started: define("counter", "Iterations started, by workload.", ["workload"]),
  iterations_completed: define("counter", "Iterations that ended well, by workload.", [
    "workload",
  ]),
  iterations_failed: define("counter", "Iterations that failed, by workload.", ["workload"]),
  iterations_interrupted: define(
    "counter",
    "Iterations still running when the run stopped, by workload.",
    ["workload"],
  ),
  iteration_duration: define("latency", "Iteration start → end, by workload.", ["workload"]),
  iterations_dropped: define(
    "counter",
    "Arrivals dropped because every virtual user was busy (arrival-rate executors).",
  ),
  errors: define(
    "counter",
    "Failed iterations by final SIP status and ms-diagnostics ErrorId (MS-OCER §2.2.1); `none` when absent.",
    ["status", "diagnostic"],
  ),
  vus_active: define("gauge", "Virtual users busy: in an iteration or a think time."),
} as const satisfies Record<string, MetricDefinition>;

/** Every catalogued metric by short name. */
export const METRIC_CATALOG: Readonly<Record<string, MetricDefinition>> = {
  ...TRANSACTION_METRICS,
  ...TRANSPORT_METRICS,
  ...SESSION_KPI_METRICS,
  ...AGENT_METRICS,
  ...RUNNER_METRICS,
};

/** Prometheus name of the per-machine state gauge fed by `stateCounts`. */
export const AGENT_STATES_PROMETHEUS_NAME = `${PROMETHEUS_PREFIX}agent_states`;

/**
 * The exposition name of a metric: `sipfleet_` + name, then `_total` for counters, `_seconds`
 * for latencies (exposed in seconds), `_ratio` for ratios not already named so.
 *
 * @example
 * ```ts
 * prometheusName("sip_requests_sent", "counter"); // "sipfleet_sip_requests_sent_total"
 * prometheusName("call_setup_time", "latency"); // "sipfleet_call_setup_time_seconds"
 * ```
 */
export function prometheusName(name: string, kind: MetricKind): string {
  switch (kind) {
    case "counter":
      return `${PROMETHEUS_PREFIX}${name}_total`;
    case "latency":
      return `${PROMETHEUS_PREFIX}${name}_seconds`;
    case "ratio":
      return `${PROMETHEUS_PREFIX}${name}${name.endsWith("_ratio") ? "" : "_ratio"}`;
    case "gauge":
    case "distribution":
      return `${PROMETHEUS_PREFIX}${name}`;
  }
}
