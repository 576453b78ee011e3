import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";
import { LatencyHistogram } from "./histogram.ts";

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly samples: readonly Sample[];
  readonly types: ReadonlyMap<string, string>;
}

/** Parse the Prometheus text format (0.0.4): `# TYPE` lines and `name{a="b"} value` samples. */
function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match !== null, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return { samples, types };
}

function valueOf(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  const found = exposition.samples.find((s) =>
    s.name === name && Object.keys(s.labels).length === wanted.length &&
    wanted.every(([k, v]) => s.labels[k] === v)
  );
  return found?.value;
}

async function scrape(registry: MetricsRegistry): Promise<Exposition> {
  return parseExposition(await registry.prometheusText());
}

Deno.test("transaction sink counts requests, retransmissions, responses by class and timeouts", async () => {
  const r = new MetricsRegistry();
  r.requestSent("INVITE", false);
  r.requestSent("INVITE", true);
  r.requestSent("INVITE", true);
  r.requestSent("REGISTER", false);
  r.responseReceived("INVITE", 100, 3);
  r.responseReceived("INVITE", 180, 20);
  r.responseReceived("INVITE", 200, 250);
  r.responseReceived("REGISTER", 401, 5);
  r.responseSent("BYE", 200);
  r.responseSent("INVITE", 486);
  r.timeout("INVITE", "B");
  r.timeout("INVITE", "B");
  r.timeout("NOTIFY", "F");
  r.transportError("MESSAGE");

  const e = await scrape(r);
  assert.equal(valueOf(e, "sipfleet_sip_requests_sent_total", { method: "INVITE" }), 3);
  assert.equal(valueOf(e, "sipfleet_sip_requests_sent_total", { method: "REGISTER" }), 1);
  assert.equal(valueOf(e, "sipfleet_sip_retransmissions_total", { method: "INVITE" }), 2);
  assert.equal(valueOf(e, "sipfleet_sip_retransmissions_total", { method: "REGISTER" }), undefined);
  const received = "sipfleet_sip_responses_received_total";
  assert.equal(valueOf(e, received, { method: "INVITE", class: "1xx" }), 2);
  assert.equal(valueOf(e, received, { method: "INVITE", class: "2xx" }), 1);
  assert.equal(valueOf(e, received, { method: "REGISTER", class: "4xx" }), 1);
  assert.equal(
    valueOf(e, "sipfleet_sip_responses_sent_total", { method: "INVITE", class: "4xx" }),
    1,
  );
  assert.equal(valueOf(e, "sipfleet_sip_responses_sent_total", { method: "BYE", class: "2xx" }), 1);
  const timeouts = "sipfleet_sip_transaction_timeouts_total";
  assert.equal(valueOf(e, timeouts, { method: "INVITE", timer: "B" }), 2);
  assert.equal(valueOf(e, timeouts, { method: "NOTIFY", timer: "F" }), 1);
  assert.equal(valueOf(e, "sipfleet_transport_errors_total", { method: "MESSAGE" }), 1);
  assert.equal(e.types.get("sipfleet_sip_requests_sent_total"), "counter");

  // Only final responses time the request: INVITE 250 ms and REGISTER 5 ms.
  const duration = "sipfleet_sip_request_duration_seconds";
  assert.equal(e.types.get(duration), "summary");
  assert.equal(valueOf(e, `${duration}_count`, { method: "INVITE" }), 1);
  assert.equal(valueOf(e, `${duration}_sum`, { method: "INVITE" }), 0.25);
  const p99 = valueOf(e, duration, { method: "INVITE", quantile: "0.99" });
  assert.ok(p99 !== undefined && Math.abs(p99 - 0.25) <= 0.25 * 0.001, `p99 ${p99}`);
  assert.equal(valueOf(e, `${duration}_count`, { method: "REGISTER" }), 1);
});

Deno.test("transport sink counts bytes, messages, drops, parse errors and connections", async () => {
  const r = new MetricsRegistry();
  r.bytesIn("udp", 500);
  r.bytesIn("udp", 700);
  r.bytesOut("udp", 300);
  r.bytesOut("tls", 1_000);
  r.messageIn("udp");
  r.messageOut("udp");
  r.messageOut("udp");
  r.dropped("udp", "stun");
  r.parseError("tcp", 400);
  r.connectionOpened("tls");
  r.connectionOpened("tls");
  r.connectionClosed("tls");

  const e = await scrape(r);
  const bytes = "sipfleet_transport_bytes_total";
  assert.equal(valueOf(e, bytes, { protocol: "udp", direction: "in" }), 1_200);
  assert.equal(valueOf(e, bytes, { protocol: "udp", direction: "out" }), 300);
  assert.equal(valueOf(e, bytes, { protocol: "tls", direction: "out" }), 1_000);
  const messages = "sipfleet_transport_messages_total";
  assert.equal(valueOf(e, messages, { protocol: "udp", direction: "in" }), 1);
  assert.equal(valueOf(e, messages, { protocol: "udp", direction: "out" }), 2);
  assert.equal(
    valueOf(e, "sipfleet_transport_dropped_total", { protocol: "udp", reason: "stun" }),
    1,
  );
  assert.equal(
    valueOf(e, "sipfleet_transport_parse_errors_total", { protocol: "tcp", status: "400" }),
    1,
  );
  assert.equal(valueOf(e, "sipfleet_transport_connections_opened_total", { protocol: "tls" }), 2);
  assert.equal(valueOf(e, "sipfleet_transport_connections_closed_total", { protocol: "tls" }), 1);
  assert.equal(valueOf(e, "sipfleet_transport_connections_open", { protocol: "tls" }), 1);
  assert.equal(e.types.get("sipfleet_transport_connections_open"), "gauge");
});

Deno.test("families without series are not exposed (no bare zero lines)", async () => {
  const e = await scrape(new MetricsRegistry());
  assert.equal(e.samples.some((s) => s.name === "sipfleet_sip_requests_sent_total"), false);
  // Unlabelled KPI counters exist from the start and read 0.
  assert.equal(valueOf(e, "sipfleet_session_attempts_total"), 0);
});

Deno.test("agent counters, gauges, latencies, distributions and ratios are exposed", async () => {
  const r = new MetricsRegistry();
  r.counter("im_sent").inc();
  r.counter("im_sent").inc({ mode: "group" }, 4);
  r.counter("im_sent").with({ mode: "group" }).inc();
  r.gauge("active_users").set(50);
  r.gauge("active_users").add(-3);
  r.latency("sign_in_time").record(800, { auth: "ntlm" });
  r.latency("sign_in_time").record(1_200, { auth: "ntlm" });
  r.distribution("qoe_mos").record(4.2);
  r.ratio("im_failed").add(true);
  r.ratio("im_failed").add(false);
  r.ratio("im_failed").add(false);
  r.ratio("im_failed").add(false);

  const e = await scrape(r);
  assert.equal(valueOf(e, "sipfleet_im_sent_total"), 1);
  assert.equal(valueOf(e, "sipfleet_im_sent_total", { mode: "group" }), 5);
  assert.equal(valueOf(e, "sipfleet_active_users"), 47);
  assert.equal(valueOf(e, "sipfleet_sign_in_time_seconds_count", { auth: "ntlm" }), 2);
  assert.equal(valueOf(e, "sipfleet_sign_in_time_seconds_sum", { auth: "ntlm" }), 2);
  const median = valueOf(e, "sipfleet_sign_in_time_seconds", { auth: "ntlm", quantile: "0.5" });
  assert.ok(median !== undefined && Math.abs(median - 0.8) <= 0.8 * 0.001, `median ${median}`);
  // Distributions keep their unit (no seconds conversion).
  const mos = valueOf(e, "sipfleet_qoe_mos", { quantile: "0.5" });
  assert.ok(mos !== undefined && Math.abs(mos - 4.2) <= 0.01, `mos ${mos}`);
  assert.equal(valueOf(e, "sipfleet_im_failed_ratio"), 0.25);
  // Catalogued help text is used.
  assert.match(
    await r.prometheusText(),
    /# HELP sipfleet_active_users Simulated users active now\./,
  );
});

Deno.test("new label names on a family re-create its exposed metric", async () => {
  const r = new MetricsRegistry();
  r.counter("web_requests").inc({ service: "abs" });
  assert.equal(valueOf(await scrape(r), "sipfleet_web_requests_total", { service: "abs" }), 1);
  r.counter("web_requests").inc({ service: "lis", status: "500" });
  const e = await scrape(r);
  assert.equal(valueOf(e, "sipfleet_web_requests_total", { service: "abs" }), 1);
  assert.equal(valueOf(e, "sipfleet_web_requests_total", { service: "lis", status: "500" }), 1);
});

Deno.test("state counts are exposed per machine and state", async () => {
  const r = new MetricsRegistry();
  r.stateCounts("uacCall", { ringing: 3, connected: 7 });
  r.stateCounts("uacCall", { ringing: 1, connected: 9 });
  const e = await scrape(r);
  assert.equal(valueOf(e, "sipfleet_agent_states", { machine: "uacCall", state: "ringing" }), 1);
  assert.equal(valueOf(e, "sipfleet_agent_states", { machine: "uacCall", state: "connected" }), 9);
});

Deno.test("a name keeps one kind; invalid names are refused", () => {
  const r = new MetricsRegistry();
  r.counter("calls_placed");
  assert.throws(() => r.latency("calls_placed"), TypeError);
  assert.throws(() => r.gauge("call_setup_time"), TypeError);
  assert.throws(() => r.counter("Bad-Name"), RangeError);
  assert.throws(() => r.counter("x").inc({ quantile: "1" }), RangeError);
  assert.equal(r.counter("calls_placed"), r.counter("calls_placed"));
});

Deno.test("encodedHistograms() exports every non-empty series, decodable to the same data", () => {
  const r = new MetricsRegistry();
  r.latency("im_delivery_time").record(12);
  r.latency("im_delivery_time").record(30);
  r.responseReceived("OPTIONS", 200, 4);
  const encoded = r.encodedHistograms();
  assert.deepEqual(
    encoded.map((h) => [h.name, h.labels, h.kind]),
    [["sip_request_duration", { method: "OPTIONS" }, "latency"], [
      "im_delivery_time",
      {},
      "latency",
    ]],
  );
  const im = LatencyHistogram.decode(encoded[1].hdr);
  assert.equal(im.count, 2);
  assert.ok(Math.abs((im.percentile(100) ?? 0) - 30) <= 30 * 0.001);
});
