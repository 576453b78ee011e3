import assert from "node:assert/strict";
import type { SipResponse } from "../message/message.ts";
import {
  makeRequest,
  makeResponse,
  RecordingMetrics,
  settle,
  TCP_PEER,
  testbed,
  UDP_PEER,
} from "./test_fixtures.ts";
import type { ServerFailure, ServerTransaction } from "./transaction.ts";
import { type RequestOutcome, TransactionLayer } from "./transaction_layer.ts";

function setupLayer() {
  const { wheel, transport } = testbed();
  const metrics = new RecordingMetrics();
  const failures: string[] = [];
  const layer = new TransactionLayer({
    transport,
    wheel,
    metrics,
    onServerFailure: (tx: ServerTransaction, failure: ServerFailure) =>
      failures.push(
        `${tx.method} ${failure.kind}${failure.kind === "timeout" ? ` ${failure.timer}` : ""}`,
      ),
  });
  return { wheel, transport, metrics, layer, failures };
}

function asTransaction(outcome: RequestOutcome): ServerTransaction {
  if (typeof outcome !== "object") throw new Error(`expected a new transaction, got ${outcome}`);
  return outcome;
}

function sentResponses(transport: ReturnType<typeof testbed>["transport"]): SipResponse[] {
  return transport.sent.flatMap((s) => s.msg.kind === "response" ? [s.msg] : []);
}

Deno.test("INVITE server: 100 Trying after 200 ms of TU silence, without To tag (§17.2.1)", () => {
  const { wheel, transport, layer } = setupLayer();
  const invite = makeRequest("INVITE");
  invite.addHeader("Timestamp", "54");
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  assert.equal(tx.state, "Proceeding");
  wheel.advance(199);
  assert.deepEqual(transport.times(100), []);
  wheel.advance(1);
  assert.deepEqual(transport.times(100), [200]);
  const trying = sentResponses(transport)[0];
  assert.equal(trying.to.tag, undefined);
  assert.equal(trying.header("timestamp"), "54");
  assert.deepEqual(trying.headerValues("via"), invite.headerValues("via"));
  assert.deepEqual(transport.sent[0].dest, UDP_PEER);
  layer.stop();
});

Deno.test("INVITE server: a TU answering within 200 ms suppresses the 100", () => {
  const { wheel, transport, layer } = setupLayer();
  const invite = makeRequest("INVITE");
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  wheel.advance(50);
  assert.equal(tx.respond(makeResponse(invite, 180, "Ringing")), true);
  wheel.advance(1_000);
  assert.deepEqual(transport.times(100), []);
  assert.deepEqual(transport.times(180), [50]);
  // §17.2.1: a retransmission in Proceeding gets the latest provisional response again.
  assert.equal(layer.receiveRequest(makeRequest("INVITE"), UDP_PEER), "absorbed");
  assert.deepEqual(transport.times(180), [50, 1_050]);
  layer.stop();
});

Deno.test("INVITE server 3xx-6xx over UDP: Timer G doubles to T2, Timer H at 64*T1", () => {
  const { wheel, transport, metrics, layer, failures } = setupLayer();
  const invite = makeRequest("INVITE");
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  tx.respond(makeResponse(invite, 486, "Busy Here"));
  assert.equal(tx.state, "Completed");
  wheel.advance(31_999);
  assert.deepEqual(failures, []);
  wheel.advance(1);
  // §17.2.1: G intervals 0.5, 1, 2, 4, 4, ... s; H = 32 s.
  assert.deepEqual(transport.times(486), [
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
  assert.deepEqual(failures, ["INVITE timeout H"]);
  assert.equal(tx.state, "Terminated");
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
  assert.ok(metrics.calls.includes("timeout INVITE H"));
});

Deno.test("INVITE server: the ACK moves Completed to Confirmed; Timer I = T4 absorbs ACKs", () => {
  const { wheel, transport, layer } = setupLayer();
  const invite = makeRequest("INVITE");
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  tx.respond(makeResponse(invite, 404, "Not Found"));
  wheel.advance(600);
  // §17.2.1: an INVITE retransmission in Completed gets the final response again.
  assert.equal(layer.receiveRequest(makeRequest("INVITE"), UDP_PEER), "absorbed");
  const ack = makeRequest("ACK", { toTag: "a6c85cf" });
  assert.equal(layer.receiveRequest(ack, UDP_PEER), "absorbed");
  assert.equal(tx.state, "Confirmed");
  wheel.advance(4_000);
  assert.equal(layer.receiveRequest(ack, UDP_PEER), "absorbed");
  assert.deepEqual(transport.times(404), [0, 500, 600]); // G stopped by the ACK
  wheel.advance(999);
  assert.equal(tx.state, "Confirmed");
  wheel.advance(1);
  assert.equal(tx.state, "Terminated");
  assert.equal(wheel.size, 0);
});

Deno.test("INVITE server over TCP: no Timer G; the ACK terminates at once (Timer I = 0)", () => {
  const { wheel, transport, layer } = setupLayer();
  const invite = makeRequest("INVITE", { transport: "TCP" });
  const tx = asTransaction(layer.receiveRequest(invite, TCP_PEER));
  tx.respond(makeResponse(invite, 480, "Temporarily Unavailable"));
  wheel.advance(10_000);
  assert.deepEqual(transport.times(480), [0]);
  assert.equal(
    layer.receiveRequest(makeRequest("ACK", { transport: "TCP" }), TCP_PEER),
    "absorbed",
  );
  assert.equal(tx.state, "Terminated");
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
});

Deno.test("INVITE server 2xx (RFC 6026): Accepted absorbs INVITE retransmissions until Timer L", () => {
  const { wheel, transport, layer } = setupLayer();
  const invite = makeRequest("INVITE");
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  const ok = makeResponse(invite, 200, "OK");
  tx.respond(ok);
  assert.equal(tx.state, "Accepted");
  wheel.advance(500);
  // The retransmitted INVITE is absorbed: not a new transaction, no response resent.
  assert.equal(layer.receiveRequest(makeRequest("INVITE"), UDP_PEER), "absorbed");
  assert.deepEqual(transport.times(200), [0]);
  // The TU (UAS core, §13.3.1.4) retransmits its 2xx through the transaction.
  assert.equal(tx.respond(ok), true);
  assert.deepEqual(transport.times(200), [0, 500]);
  // The ACK for the 2xx has its own branch: it belongs to the core.
  const ack = makeRequest("ACK", { branch: "z9hG4bKack2xx", toTag: "a6c85cf" });
  assert.equal(layer.receiveRequest(ack, UDP_PEER), "ack-to-core");
  // RFC 6026 §8.7: an ACK matching the Accepted transaction is passed up too.
  assert.equal(
    layer.receiveRequest(makeRequest("ACK", { toTag: "a6c85cf" }), UDP_PEER),
    "ack-to-core",
  );
  assert.equal(tx.state, "Accepted");
  wheel.advance(31_499);
  assert.equal(tx.state, "Accepted");
  wheel.advance(1); // Timer L = 64*T1 after the 2xx
  assert.equal(tx.state, "Terminated");
  assert.equal(tx.respond(ok), false);
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
});

Deno.test("non-INVITE server over UDP: Trying, Proceeding, Completed with Timer J = 64*T1", () => {
  const { wheel, transport, layer } = setupLayer();
  const register = makeRequest("REGISTER");
  const tx = asTransaction(layer.receiveRequest(register, UDP_PEER));
  assert.equal(tx.state, "Trying");
  // §17.2.2: retransmissions in Trying are discarded (nothing to resend yet).
  assert.equal(layer.receiveRequest(makeRequest("REGISTER"), UDP_PEER), "absorbed");
  assert.equal(transport.sent.length, 0);
  tx.respond(makeResponse(register, 100, "Trying"));
  assert.equal(tx.state, "Proceeding");
  wheel.advance(500);
  layer.receiveRequest(makeRequest("REGISTER"), UDP_PEER);
  assert.deepEqual(transport.times(100), [0, 500]);
  const ok = makeResponse(register, 200, "OK");
  tx.respond(ok);
  assert.equal(tx.state, "Completed");
  assert.equal(tx.lastResponse, ok);
  // §17.2.2: further final responses from the TU are discarded.
  assert.equal(tx.respond(makeResponse(register, 500, "Server Internal Error")), false);
  wheel.advance(1_000);
  layer.receiveRequest(makeRequest("REGISTER"), UDP_PEER);
  assert.deepEqual(transport.times(200), [500, 1_500]);
  assert.deepEqual(transport.times(500), []);
  wheel.advance(30_999);
  assert.equal(tx.state, "Completed");
  wheel.advance(1);
  assert.equal(tx.state, "Terminated");
  assert.equal(wheel.size, 0);
  // Once the transaction is gone, the same request is new again.
  assert.equal(typeof layer.receiveRequest(makeRequest("REGISTER"), UDP_PEER), "object");
  layer.stop();
});

Deno.test("non-INVITE server over TCP: the final response terminates at once (Timer J = 0)", () => {
  const { wheel, layer } = setupLayer();
  const options = makeRequest("OPTIONS", { transport: "TCP" });
  const tx = asTransaction(layer.receiveRequest(options, TCP_PEER));
  tx.respond(makeResponse(options, 200, "OK"));
  assert.equal(tx.state, "Terminated");
  assert.equal(layer.size, 0);
  assert.equal(wheel.size, 0);
});

Deno.test("CANCEL matching an INVITE transaction: own transaction, reported with the INVITE (§9.2)", () => {
  const { transport, layer } = setupLayer();
  const invite = makeRequest("INVITE");
  const inviteTx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  inviteTx.respond(makeResponse(invite, 180, "Ringing"));
  const cancel = makeRequest("CANCEL");
  const cancelTx = asTransaction(layer.receiveRequest(cancel, UDP_PEER));
  assert.equal(cancelTx.method, "CANCEL");
  assert.equal(cancelTx.cancels, inviteTx);
  assert.equal(layer.size, 2);
  cancelTx.respond(makeResponse(cancel, 200, "OK"));
  inviteTx.respond(makeResponse(invite, 487, "Request Terminated"));
  assert.equal(inviteTx.state, "Completed");
  // A retransmitted CANCEL is absorbed by the CANCEL's transaction.
  assert.equal(layer.receiveRequest(makeRequest("CANCEL"), UDP_PEER), "absorbed");
  const okForCancel = sentResponses(transport).filter((r) => r.status === 200);
  assert.equal(okForCancel.length, 2);
  assert.equal(okForCancel[0].cseq.method, "CANCEL");
  layer.stop();
});

Deno.test("CANCEL matching nothing: the layer answers 481 with a To tag (§9.2)", () => {
  const { transport, layer } = setupLayer();
  const cancel = makeRequest("CANCEL", { branch: "z9hG4bKunknown" });
  assert.equal(layer.receiveRequest(cancel, UDP_PEER), "absorbed");
  const [res] = sentResponses(transport);
  assert.equal(res.status, 481);
  assert.equal(res.cseq.method, "CANCEL");
  assert.ok(res.to.tag);
  assert.equal(layer.size, 1); // the CANCEL's transaction waits out Timer J
  layer.stop();
});

Deno.test("server matching uses branch, sent-by and method (§17.2.3)", () => {
  const { layer } = setupLayer();
  const first = asTransaction(layer.receiveRequest(makeRequest("INVITE"), UDP_PEER));
  // Same branch from another sent-by, or with another method: different transactions.
  const otherHost = layer.receiveRequest(
    makeRequest("INVITE", { sentBy: "other.example.com" }),
    UDP_PEER,
  );
  const otherMethod = layer.receiveRequest(makeRequest("OPTIONS"), UDP_PEER);
  assert.notEqual(otherHost, first);
  assert.equal(typeof otherHost, "object");
  assert.equal(typeof otherMethod, "object");
  assert.equal(layer.size, 3);
  // sent-by host is case-insensitive; an explicit default port equals the implicit one.
  assert.equal(
    layer.receiveRequest(
      makeRequest("INVITE", { sentBy: "PC33.Atlanta.Example.COM:5060" }),
      UDP_PEER,
    ),
    "absorbed",
  );
  // The ACK for the OPTIONS branch finds no INVITE and goes to the core.
  assert.equal(
    layer.receiveRequest(makeRequest("ACK", { branch: "z9hG4bKnope" }), UDP_PEER),
    "ack-to-core",
  );
  layer.stop();
});

Deno.test("RFC 2543 fallback: matching without magic cookie (§17.2.3)", () => {
  const { wheel, layer } = setupLayer();
  const legacy = { branch: null, callId: "legacy-call@192.0.2.9" } as const;
  const invite = makeRequest("INVITE", legacy);
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  // A byte-identical retransmission matches.
  assert.equal(layer.receiveRequest(makeRequest("INVITE", legacy), UDP_PEER), "absorbed");
  // A different From tag or top Via does not.
  assert.equal(
    typeof layer.receiveRequest(makeRequest("INVITE", { ...legacy, fromTag: "x" }), UDP_PEER),
    "object",
  );
  assert.equal(
    typeof layer.receiveRequest(
      makeRequest("INVITE", { ...legacy, sentBy: "elsewhere.example.com" }),
      UDP_PEER,
    ),
    "object",
  );
  assert.equal(layer.size, 3);
  // A CANCEL matches the INVITE by Request-URI, tags, Call-ID, CSeq number and top Via.
  const cancelTx = asTransaction(layer.receiveRequest(makeRequest("CANCEL", legacy), UDP_PEER));
  assert.equal(cancelTx.cancels, tx);
  tx.respond(makeResponse(invite, 487, "Request Terminated", "legacytag"));
  // The ACK must carry the To tag of the response the transaction sent.
  assert.equal(
    layer.receiveRequest(makeRequest("ACK", { ...legacy, toTag: "wrong" }), UDP_PEER),
    "ack-to-core",
  );
  assert.equal(tx.state, "Completed");
  assert.equal(
    layer.receiveRequest(makeRequest("ACK", { ...legacy, toTag: "legacytag" }), UDP_PEER),
    "absorbed",
  );
  assert.equal(tx.state, "Confirmed");
  wheel.advance(40_000);
  assert.equal(tx.state, "Terminated");
  layer.stop();
  assert.equal(layer.size, 0);
});

Deno.test("server transport errors: INVITE stays (RFC 6026), non-INVITE terminates (§17.2.4)", async () => {
  const { transport, metrics, layer, failures } = setupLayer();
  transport.fail = () => true;
  const invite = makeRequest("INVITE");
  const inviteTx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  inviteTx.respond(makeResponse(invite, 183, "Session Progress"));
  const options = makeRequest("OPTIONS", { branch: "z9hG4bKopt" });
  const optionsTx = asTransaction(layer.receiveRequest(options, UDP_PEER));
  optionsTx.respond(makeResponse(options, 100, "Trying"));
  await settle();
  assert.deepEqual(failures.sort(), ["INVITE transport-error", "OPTIONS transport-error"]);
  assert.equal(inviteTx.state, "Proceeding");
  assert.equal(optionsTx.state, "Terminated");
  assert.equal(metrics.calls.filter((c) => c.startsWith("transportError")).length, 2);
  layer.stop();
});

Deno.test("a transport failure after a reliable server transaction ended is still reported", async () => {
  const { transport, layer, failures } = setupLayer();
  transport.fail = () => true;
  const bye = makeRequest("BYE", { transport: "TCP" });
  const tx = asTransaction(layer.receiveRequest(bye, TCP_PEER));
  tx.respond(makeResponse(bye, 200, "OK"));
  assert.equal(tx.state, "Terminated");
  await settle();
  assert.deepEqual(failures, ["BYE transport-error"]);
});

Deno.test("metrics count every response handed to the transport", () => {
  const { wheel, metrics, layer } = setupLayer();
  const invite = makeRequest("INVITE");
  const tx = asTransaction(layer.receiveRequest(invite, UDP_PEER));
  wheel.advance(200); // 100 Trying
  tx.respond(makeResponse(invite, 603, "Decline"));
  wheel.advance(500); // one Timer G retransmission
  assert.deepEqual(metrics.calls, [
    "responseSent INVITE 100",
    "responseSent INVITE 603",
    "responseSent INVITE 603",
  ]);
  layer.stop();
});
