/**
 * The switch-over charts: the hot-path executor agrees with XState on every path, and the
 * sessions drive a transport port exactly as the charts say (in memory; the loopback test
 * runs them on real sockets).
 */
import assert from "node:assert/strict";
import { type AnySipMessage, SipRequest, SipResponse } from "../../sip/message/message.ts";
import { TimerWheel } from "../../sip/timer/mod.ts";
import type { Destination } from "../../sip/transport/destination.ts";
import type { StreamFilter } from "../../sip/transport/stream_filter.ts";
import { assertExecutorAgreesWithChart } from "../../statechart/mod.ts";
import { SipcompClientSession } from "./client_session.ts";
import { buildNegotiateRequest, buildNegotiateResponse } from "./negotiate.ts";
import { SipcompServer } from "./server_session.ts";
import type { SipcompCloseCause, SipcompMode, SipcompTransportPort } from "./switchover_actions.ts";
import { sipcompClientChart, sipcompServerChart } from "./switchover_charts.ts";

const SOURCE: Destination = { protocol: "tls", host: "192.0.0.1", port: 5061, flowId: "tls-9" };
const dummyRequest = buildNegotiateRequest({ server: SOURCE, local: SOURCE });

Deno.test("executor agrees with XState on every path of the client chart", () => {
  const report = assertExecutorAgreesWithChart(sipcompClientChart, {
    event: (type) => ({ type, source: SOURCE }),
  });
  assert.ok(report.paths >= 5, `${report.paths} paths`);
});

Deno.test("executor agrees with XState on every path of the server chart", () => {
  const report = assertExecutorAgreesWithChart(sipcompServerChart, {
    contexts: [{ acceptCompression: true }, { acceptCompression: false }],
    event: (type) => ({
      type,
      request: dummyRequest,
      source: SOURCE,
      answer: { kind: "refuse" },
    }),
  });
  assert.ok(report.paths >= 6, `${report.paths} paths`);
});

/** A transport port that records what the sessions do. */
class FakePort implements SipcompTransportPort {
  readonly sent: { msg: AnySipMessage; dest: Destination }[] = [];
  readonly filters: { flowId: string; filter: StreamFilter }[] = [];
  readonly closed: string[] = [];
  /** Log of operations in order, to check the 200 is queued before the filter goes in. */
  readonly log: string[] = [];
  failSends = false;

  send(msg: AnySipMessage, dest: Destination): Promise<void> {
    this.log.push(msg.kind === "request" ? `send ${msg.method}` : `send ${msg.status}`);
    if (this.failSends) return Promise.reject(new Error("connect-failed"));
    this.sent.push({ msg, dest });
    return Promise.resolve();
  }
  setFlowFilter(flowId: string, filter: StreamFilter): boolean {
    this.log.push(`filter ${flowId}`);
    this.filters.push({ flowId, filter });
    return true;
  }
  closeFlow(flowId: string): Promise<boolean> {
    this.log.push(`close ${flowId}`);
    this.closed.push(flowId);
    return Promise.resolve(true);
  }
}

function client(port: FakePort, wheel = new TimerWheel({ mode: "virtual" })) {
  const settled: SipcompMode[] = [];
  const closed: SipcompCloseCause[] = [];
  const session = new SipcompClientSession({
    transport: port,
    server: { protocol: "tls", host: "192.0.0.1", port: 5061 },
    local: { host: "192.0.0.2", port: 2616 },
    timers: wheel,
    onSettled: (mode) => settled.push(mode),
    onClosed: (cause) => closed.push(cause),
  });
  return { session, settled, closed, wheel };
}

Deno.test("client: NEGOTIATE first, 200 LZ77-8K installs the filter on the answering flow", () => {
  const port = new FakePort();
  const c = client(port);
  assert.equal(c.session.state, "Uncompressed");
  c.session.start();
  assert.equal(c.session.state, "Negotiating");
  assert.equal(port.sent.length, 1);
  const negotiate = port.sent[0].msg as SipRequest;
  assert.equal(negotiate.method, "NEGOTIATE");
  assert.equal(port.sent[0].dest.port, 5061);

  // A provisional answer and an unrelated response change nothing.
  assert.equal(c.session.onMessage(buildNegotiateResponse(negotiate, reject(100)), SOURCE), true);
  assert.equal(
    c.session.onMessage(
      new SipResponse(200, "OK").addHeader("Call-ID", "x").addHeader("CSeq", "1 REGISTER"),
      SOURCE,
    ),
    false,
  );
  assert.equal(c.session.state, "Negotiating");

  assert.equal(
    c.session.onMessage(buildNegotiateResponse(negotiate, { kind: "accept" }), SOURCE),
    true,
  );
  assert.equal(c.session.state, "Compressed");
  assert.deepEqual(port.filters.map((f) => f.flowId), ["tls-9"]);
  assert.equal(c.session.filter, port.filters[0].filter);
  assert.equal(c.session.flowId, "tls-9");
  assert.deepEqual(c.settled, ["compressed"]);
  // Timer F was cancelled: nothing fires later.
  c.wheel.advance(60_000);
  assert.deepEqual(c.closed, []);

  // MS-SIPCOMP §3.2.5: a decompression error (the transport closed the flow, reason "filter").
  c.session.onFlowClosed({ ...SOURCE, flowId: "tls-other" }, "filter");
  assert.equal(c.session.state, "Compressed");
  c.session.onFlowClosed(SOURCE, "filter");
  assert.equal(c.session.state, "Closed");
  assert.deepEqual(port.closed, ["tls-9"]);
  assert.deepEqual(c.closed, ["decompression-error"]);
});

function reject(status: number) {
  return { kind: "reject" as const, status, reason: "X" };
}

Deno.test("client: a refusal leaves the hop plain; a later connection loss closes", () => {
  const port = new FakePort();
  const c = client(port);
  c.session.start();
  const negotiate = port.sent[0].msg as SipRequest;
  c.session.onMessage(buildNegotiateResponse(negotiate, reject(501)), SOURCE);
  assert.equal(c.session.state, "Plain");
  assert.deepEqual(port.filters, []);
  assert.deepEqual(c.settled, ["uncompressed"]);
  c.session.onFlowClosed(SOURCE, "peer");
  assert.equal(c.session.state, "Closed");
  assert.deepEqual(c.closed, ["connection-lost"]);
  assert.deepEqual(port.closed, []);
});

Deno.test("client: no final answer within Timer F (32 s) closes the session", () => {
  const port = new FakePort();
  const c = client(port);
  c.session.start();
  c.wheel.advance(31_999);
  assert.equal(c.session.state, "Negotiating");
  c.wheel.advance(1);
  assert.equal(c.session.state, "Closed");
  assert.deepEqual(c.closed, ["timeout"]);
  assert.deepEqual(c.settled, []);
});

Deno.test("client: a failed NEGOTIATE send or a lost connection while negotiating closes", async () => {
  const port = new FakePort();
  port.failSends = true;
  const failed = client(port);
  failed.session.start();
  await Promise.resolve(); // the rejected send settles
  assert.equal(failed.session.state, "Closed");
  assert.deepEqual(failed.closed, ["connection-lost"]);
  assert.equal(failed.wheel.size, 0, "Timer F cancelled");

  const lost = client(new FakePort());
  lost.session.start();
  // Before any answer the flow id is unknown: the connection to the server's address counts.
  lost.session.onFlowClosed(
    { protocol: "tls", host: "192.0.0.7", port: 5061, flowId: "x" },
    "peer",
  );
  assert.equal(lost.session.state, "Negotiating");
  lost.session.onFlowClosed(
    { protocol: "tls", host: "192.0.0.1", port: 5061, flowId: "y" },
    "peer",
  );
  assert.equal(lost.session.state, "Closed");
  assert.deepEqual(lost.closed, ["connection-lost"]);
});

function server(port: FakePort, acceptCompression: boolean | ((s: Destination) => boolean) = true) {
  const settled: [string, SipcompMode][] = [];
  const closed: [string, SipcompCloseCause][] = [];
  const sipcomp = new SipcompServer({
    transport: port,
    acceptCompression,
    onSettled: (flowId, mode) => settled.push([flowId, mode]),
    onClosed: (flowId, cause) => closed.push([flowId, cause]),
  });
  return { sipcomp, settled, closed };
}

const options = () => new SipRequest("OPTIONS", "sip:fe@contoso.com");

Deno.test("server: accepts an LZ77-8K offer — 200 queued first, then the filter", () => {
  const port = new FakePort();
  const s = server(port);
  assert.equal(s.sipcomp.onMessage(dummyRequest, SOURCE), true);
  assert.deepEqual(port.log, ["send 200", "filter tls-9"]);
  const answer = port.sent[0].msg as SipResponse;
  assert.equal(answer.header("compression"), "LZ77-8K");
  assert.equal(port.sent[0].dest, SOURCE);
  assert.equal(s.sipcomp.state("tls-9"), "Compressed");
  assert.ok(s.sipcomp.filter("tls-9"));
  assert.deepEqual(s.settled, [["tls-9", "compressed"]]);

  // Other messages are for the core; a second NEGOTIATE is refused and changes nothing.
  assert.equal(s.sipcomp.onMessage(options(), SOURCE), false);
  assert.equal(s.sipcomp.onMessage(dummyRequest, SOURCE), true);
  assert.equal((port.sent[1].msg as SipResponse).status, 403);
  assert.equal(s.sipcomp.state("tls-9"), "Compressed");

  s.sipcomp.onFlowClosed(SOURCE, "filter");
  assert.deepEqual(port.closed, ["tls-9"]);
  assert.deepEqual(s.closed, [["tls-9", "decompression-error"]]);
  assert.equal(s.sipcomp.size, 0);
});

Deno.test("server: policy refusal, unsupported and malformed offers, late NEGOTIATE", () => {
  const port = new FakePort();
  const s = server(port, (source) => source.flowId !== "tls-refused");
  const flow = (flowId: string) => ({ ...SOURCE, flowId });

  // Policy says no: 200 with Compression: None, hop stays plain.
  s.sipcomp.onMessage(dummyRequest, flow("tls-refused"));
  assert.equal((port.sent[0].msg as SipResponse).header("compression"), "None");
  assert.equal(s.sipcomp.state("tls-refused"), "Plain");

  // An offer of another type: refused the same way.
  const other = buildNegotiateRequest({ server: SOURCE, local: SOURCE });
  other.setHeader("Compression", "LZ77-64K");
  s.sipcomp.onMessage(other, flow("tls-other"));
  assert.equal((port.sent[1].msg as SipResponse).header("compression"), "None");
  assert.equal(s.sipcomp.state("tls-other"), "Plain");

  // No Compression header: 400 naming the fault.
  const bare = buildNegotiateRequest({ server: SOURCE, local: SOURCE });
  bare.removeHeader("Compression");
  s.sipcomp.onMessage(bare, flow("tls-bare"));
  assert.equal((port.sent[2].msg as SipResponse).status, 400);
  assert.equal((port.sent[2].msg as SipResponse).reason, "Missing Compression Header");

  // First message not a NEGOTIATE: plain; a NEGOTIATE afterwards gets 403.
  assert.equal(s.sipcomp.onMessage(options(), flow("tls-late")), false);
  assert.equal(s.sipcomp.state("tls-late"), "Plain");
  s.sipcomp.onMessage(dummyRequest, flow("tls-late"));
  assert.equal((port.sent[3].msg as SipResponse).status, 403);

  assert.deepEqual(port.filters, []);
  assert.deepEqual(s.settled.map(([, mode]) => mode), Array(4).fill("uncompressed"));
  s.sipcomp.onFlowClosed(flow("tls-late"), "peer");
  assert.deepEqual(s.closed, [["tls-late", "connection-lost"]]);
  assert.deepEqual(port.closed, []);
});
