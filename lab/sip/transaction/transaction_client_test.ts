import assert from "node:assert/strict";
import type { SipRequest } from "../message/message.ts";
import {
  makeRequest,
  makeResponse,
  recordingHandlers,
  RecordingMetrics,
  settle,
  TCP_PEER,
  testbed,
  UDP_PEER,
} from "./test_fixtures.ts";
import { TransactionLayer } from "./transaction_layer.ts";

function setupLayer(timers?: { t1?: number; t2?: number; t4?: number }) {
  const { wheel, transport } = testbed();
  const metrics = new RecordingMetrics();
  const layer = new TransactionLayer({ transport, wheel, metrics, timers });
  return { wheel, transport, metrics, layer };
}

Deno.test("INVITE over UDP: Timer A doubles from T1, Timer B fires at 64*T1", () => {
  const { wheel, transport, metrics, layer } = setupLayer();
  const handlers = recordingHandlers();
  const tx = layer.sendRequest(makeRequest("INVITE"), UDP_PEER, handlers);
  assert.equal(tx.state, "Calling");
  wheel.advance(31_999);
  assert.deepEqual(handlers.log, []);
  wheel.advance(1);
  // §17.1.1.2: retransmissions at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s — seven requests in 64*T1.
  assert.deepEqual(transport.times("INVITE"), [0, 500, 1_500, 3_500, 7_500, 15_500, 31_500]);
  assert.deepEqual(handlers.log, ["timeout B"]);
  assert.equal(tx.state, "Terminated");
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
  assert.equal(metrics.calls.filter((c) => c === "requestSent INVITE retransmit").length, 6);
  assert.ok(metrics.calls.includes("timeout INVITE B"));
});

Deno.test("INVITE over TCP: no Timer A, Timer B still fires", () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  layer.sendRequest(makeRequest("INVITE", { transport: "TCP" }), TCP_PEER, handlers);
  wheel.advance(32_000);
  assert.deepEqual(transport.times("INVITE"), [0]);
  assert.deepEqual(handlers.log, ["timeout B"]);
  assert.equal(layer.size, 0);
});

Deno.test("configured T1 scales Timers A and B", () => {
  const { wheel, transport, layer } = setupLayer({ t1: 100 });
  const handlers = recordingHandlers();
  layer.sendRequest(makeRequest("INVITE"), UDP_PEER, handlers);
  wheel.advance(6_400);
  assert.deepEqual(transport.times("INVITE"), [0, 100, 300, 700, 1_500, 3_100, 6_300]);
  assert.deepEqual(handlers.log, ["timeout B"]);
});

Deno.test("INVITE 1xx stops retransmissions and Timer B; 2xx enters Accepted until Timer M", () => {
  const { wheel, transport, metrics, layer } = setupLayer();
  const handlers = recordingHandlers();
  const invite = makeRequest("INVITE");
  const tx = layer.sendRequest(invite, UDP_PEER, handlers);
  wheel.advance(700);
  assert.equal(layer.receiveResponse(makeResponse(invite, 180, "Ringing")), true);
  assert.equal(tx.state, "Proceeding");
  wheel.advance(60_000); // no retransmission, no Timer B in Proceeding
  assert.deepEqual(transport.times("INVITE"), [0, 500]);
  assert.deepEqual(handlers.log, ["provisional 180"]);
  const ok = makeResponse(invite, 200, "OK");
  assert.equal(layer.receiveResponse(ok), true);
  assert.equal(tx.state, "Accepted");
  // RFC 6026 §7.2: 2xx retransmissions in Accepted go to the TU; the transaction never ACKs.
  wheel.advance(10_000);
  assert.equal(layer.receiveResponse(ok), true);
  assert.deepEqual(handlers.log, ["provisional 180", "final 200", "final 200"]);
  assert.deepEqual(transport.times("ACK"), []);
  wheel.advance(21_999);
  assert.equal(tx.state, "Accepted");
  wheel.advance(1); // Timer M = 64*T1 after entering Accepted
  assert.equal(tx.state, "Terminated");
  assert.equal(layer.size, 0);
  assert.equal(layer.receiveResponse(ok), false); // stray: the core's
  assert.ok(metrics.calls.includes("responseReceived INVITE 180 700ms"));
});

Deno.test("INVITE 3xx-6xx over UDP: ACK per §17.1.1.3, resent for retransmissions, Timer D", () => {
  const { wheel, transport, metrics, layer } = setupLayer();
  const handlers = recordingHandlers();
  const invite = makeRequest("INVITE");
  invite.addHeader("Route", "<sip:p1.example.com;lr>");
  invite.addHeader("Route", "<sip:p2.example.com;lr>");
  const tx = layer.sendRequest(invite, UDP_PEER, handlers);
  wheel.advance(100);
  const busy = makeResponse(invite, 486, "Busy Here", "8321234356");
  layer.receiveResponse(busy);
  assert.equal(tx.state, "Completed");
  assert.deepEqual(handlers.log, ["final 486"]);
  const acks = transport.sent.filter((s) => s.msg.kind === "request" && s.msg.method === "ACK");
  assert.equal(acks.length, 1);
  const ack = acks[0].msg as SipRequest;
  assert.deepEqual(acks[0].dest, UDP_PEER);
  assert.equal(ack.uri, invite.uri);
  assert.deepEqual(ack.headerValues("via"), invite.headerValues("via"));
  assert.equal(ack.to.tag, "8321234356");
  assert.deepEqual(ack.cseq, { seq: 314159, method: "ACK" });
  assert.deepEqual(ack.headerValues("route"), [
    "<sip:p1.example.com;lr>",
    "<sip:p2.example.com;lr>",
  ]);

  wheel.advance(1_000);
  layer.receiveResponse(busy); // retransmitted final response
  assert.deepEqual(transport.times("ACK"), [100, 1_100]);
  assert.deepEqual(handlers.log, ["final 486"]); // not passed up again
  assert.ok(metrics.calls.includes("requestSent ACK retransmit"));
  wheel.advance(30_999);
  assert.equal(tx.state, "Completed");
  wheel.advance(1); // Timer D: 32 s for UDP
  assert.equal(tx.state, "Terminated");
  assert.deepEqual(transport.times("INVITE"), [0]); // Timer A was cancelled at 100 ms
  assert.equal(wheel.size, 0);
});

Deno.test("INVITE 3xx-6xx over TCP: ACK sent and Terminated at once (Timer D = 0)", () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  const invite = makeRequest("INVITE", { transport: "TCP" });
  const tx = layer.sendRequest(invite, TCP_PEER, handlers);
  layer.receiveResponse(makeResponse(invite, 603, "Decline"));
  assert.equal(tx.state, "Terminated");
  assert.deepEqual(transport.times("ACK"), [0]);
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
});

Deno.test("non-INVITE over UDP: Timer E doubles up to T2, Timer F at 64*T1", () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  layer.sendRequest(makeRequest("OPTIONS"), UDP_PEER, handlers);
  wheel.advance(32_000);
  // §17.1.2.2: intervals 0.5, 1, 2, 4, 4, 4 ... s (capped at T2 = 4 s).
  assert.deepEqual(transport.times("OPTIONS"), [
    0,
    500,
    1_500,
    3_500,
    7_500,
    11_500,
    15_500,
    19_500,
    23_500,
    27_500,
    31_500,
  ]);
  assert.deepEqual(handlers.log, ["timeout F"]);
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
});

Deno.test("non-INVITE: in Proceeding Timer E is reset to T2", () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  const req = makeRequest("REGISTER");
  const tx = layer.sendRequest(req, UDP_PEER, handlers);
  wheel.advance(700);
  layer.receiveResponse(makeResponse(req, 100, "Trying"));
  assert.equal(tx.state, "Proceeding");
  wheel.advance(10_000);
  // E was armed for 1 s at 500 ms; fired at 1.5 s in Proceeding → T2 from then on.
  assert.deepEqual(transport.times("REGISTER"), [0, 500, 1_500, 5_500, 9_500]);
  assert.deepEqual(handlers.log, ["provisional 100"]);
});

Deno.test("non-INVITE final over UDP: Completed absorbs retransmissions until Timer K = T4", () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  const req = makeRequest("BYE");
  const tx = layer.sendRequest(req, UDP_PEER, handlers);
  wheel.advance(200);
  const ok = makeResponse(req, 200, "OK");
  layer.receiveResponse(ok);
  assert.equal(tx.state, "Completed");
  assert.equal(layer.receiveResponse(ok), true);
  assert.equal(layer.receiveResponse(makeResponse(req, 100, "Trying")), true);
  assert.deepEqual(handlers.log, ["final 200"]);
  wheel.advance(4_999);
  assert.equal(tx.state, "Completed");
  wheel.advance(1);
  assert.equal(tx.state, "Terminated");
  assert.deepEqual(transport.times("BYE"), [0]); // E stopped by the final response
  assert.equal(wheel.size, 0);
});

Deno.test("non-INVITE over TCP: no Timer E; final response terminates at once (K = 0)", () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  const req = makeRequest("MESSAGE", { transport: "TCP" });
  const tx = layer.sendRequest(req, TCP_PEER, handlers);
  wheel.advance(20_000);
  assert.deepEqual(transport.times("MESSAGE"), [0]);
  layer.receiveResponse(makeResponse(req, 202, "Accepted"));
  assert.equal(tx.state, "Terminated");
  assert.deepEqual(handlers.log, ["final 202"]);
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
});

Deno.test("transport error on the request: TU informed, Terminated (§17.1.1.2, §17.1.2.2)", async () => {
  for (const method of ["INVITE", "OPTIONS"]) {
    const { wheel, transport, metrics, layer } = setupLayer();
    transport.fail = () => true;
    const handlers = recordingHandlers();
    const tx = layer.sendRequest(makeRequest(method), UDP_PEER, handlers);
    await settle();
    assert.deepEqual(handlers.log, ["transport error connection refused"], method);
    assert.equal(tx.state, "Terminated");
    assert.equal(layer.size, 0);
    assert.equal(wheel.size, 0);
    assert.ok(metrics.calls.includes(`transportError ${method}`));
  }
});

Deno.test("transport error sending the ACK in Completed terminates and informs the TU", async () => {
  const { wheel, transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  const invite = makeRequest("INVITE");
  const tx = layer.sendRequest(invite, UDP_PEER, handlers);
  transport.fail = (msg) => msg.kind === "request" && msg.method === "ACK";
  layer.receiveResponse(makeResponse(invite, 404, "Not Found"));
  await settle();
  assert.deepEqual(handlers.log, ["final 404", "transport error connection refused"]);
  assert.equal(tx.state, "Terminated");
  assert.equal(wheel.size, 0);
});

Deno.test("a failure reported after a reliable transaction ended still reaches the TU once", async () => {
  const { transport, layer } = setupLayer();
  const handlers = recordingHandlers();
  const invite = makeRequest("INVITE", { transport: "TCP" });
  transport.fail = (msg) => msg.kind === "request" && msg.method === "ACK";
  const tx = layer.sendRequest(invite, TCP_PEER, handlers);
  layer.receiveResponse(makeResponse(invite, 500, "Server Internal Error"));
  assert.equal(tx.state, "Terminated");
  await settle();
  assert.deepEqual(handlers.log, ["final 500", "transport error connection refused"]);
});

Deno.test("a missing branch is generated: magic cookie, unique, in the top Via value", () => {
  const { layer } = setupLayer();
  const a = makeRequest("OPTIONS", { branch: null });
  const b = makeRequest("OPTIONS", { branch: null });
  b.setHeader(
    "Via",
    "SIP/2.0/UDP pc33.atlanta.example.com, SIP/2.0/UDP proxy.example.com;branch=z9hG4bKold",
  );
  const txA = layer.sendRequest(a, UDP_PEER, recordingHandlers());
  const txB = layer.sendRequest(b, UDP_PEER, recordingHandlers());
  assert.match(txA.branch, /^z9hG4bK./);
  assert.notEqual(txA.branch, txB.branch);
  assert.equal(a.topVia.branch, txA.branch);
  assert.equal(b.topVia.branch, txB.branch);
  assert.equal(b.vias[1].branch, "z9hG4bKold");
  layer.stop();
});

Deno.test("sendRequest refuses ACK, a request without Via, and a duplicate transaction", () => {
  const { layer } = setupLayer();
  assert.throws(() => layer.sendRequest(makeRequest("ACK"), UDP_PEER, recordingHandlers()), /ACK/);
  const noVia = makeRequest("OPTIONS");
  noVia.removeHeader("via");
  assert.throws(() => layer.sendRequest(noVia, UDP_PEER, recordingHandlers()), /no Via/);
  layer.sendRequest(makeRequest("OPTIONS"), UDP_PEER, recordingHandlers());
  assert.throws(
    () => layer.sendRequest(makeRequest("OPTIONS"), UDP_PEER, recordingHandlers()),
    /already exists/,
  );
  layer.stop();
});

Deno.test("CANCEL shares the INVITE's branch but is its own client transaction (§17.1.3)", () => {
  const { layer } = setupLayer();
  const invite = makeRequest("INVITE");
  const inviteHandlers = recordingHandlers();
  const inviteTx = layer.sendRequest(invite, UDP_PEER, inviteHandlers);
  layer.receiveResponse(makeResponse(invite, 180, "Ringing"));
  const cancel = makeRequest("CANCEL");
  const cancelHandlers = recordingHandlers();
  const cancelTx = layer.sendRequest(cancel, UDP_PEER, cancelHandlers);
  assert.equal(cancelTx.branch, inviteTx.branch);
  assert.equal(layer.size, 2);
  layer.receiveResponse(makeResponse(cancel, 200, "OK"));
  layer.receiveResponse(makeResponse(invite, 487, "Request Terminated"));
  assert.deepEqual(cancelHandlers.log, ["final 200"]);
  assert.deepEqual(inviteHandlers.log, ["provisional 180", "final 487"]);
  layer.stop();
});

Deno.test("responses with another branch or CSeq method match nothing", () => {
  const { layer } = setupLayer();
  const invite = makeRequest("INVITE");
  layer.sendRequest(invite, UDP_PEER, recordingHandlers());
  const otherBranch = makeResponse(makeRequest("INVITE", { branch: "z9hG4bKother" }), 200, "OK");
  const otherMethod = makeResponse(makeRequest("PRACK"), 200, "OK");
  assert.equal(layer.receiveResponse(otherBranch), false);
  assert.equal(layer.receiveResponse(otherMethod), false);
  layer.stop();
});

Deno.test("stop() cancels every timer; a layer with its own wheel leaves no host timer", () => {
  const { transport } = testbed();
  const layer = new TransactionLayer({ transport });
  layer.sendRequest(makeRequest("INVITE"), UDP_PEER, recordingHandlers());
  layer.sendRequest(makeRequest("OPTIONS"), UDP_PEER, recordingHandlers());
  assert.equal(layer.size, 2);
  layer.stop();
  assert.equal(layer.size, 0);
  assert.equal(layer.receiveResponse(makeResponse(makeRequest("OPTIONS"), 200, "OK")), false);
  // Deno's sanitizers fail this test if a host timer were still pending.
});

Deno.test("a throwing TU callback is reported and the transaction still completes its transition", () => {
  const { wheel, layer } = setupLayer();
  const reported: unknown[] = [];
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    reported.push(e.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    const invite = makeRequest("INVITE");
    const tx = layer.sendRequest(invite, UDP_PEER, {
      onFinal: () => {
        throw new Error("TU bug");
      },
      onTimeout: () => {},
      onTransportError: () => {},
    });
    layer.receiveResponse(makeResponse(invite, 200, "OK"));
    assert.equal(tx.state, "Accepted");
    assert.equal(wheel.size, 1); // Timer M was armed despite the exception
    assert.match(String(reported[0]), /TU bug/);
    wheel.advance(32_000);
    assert.equal(layer.size, 0);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});
