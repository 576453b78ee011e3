/**
 * The user agent core's timed behaviour on a virtual clock, with a transport that records what
 * it is given: 2xx retransmission and the 64*T1 ACK timeout (§13.3.1.4), the ACK that stops
 * it, the ACK re-sent for a 2xx that outlived its transaction (RFC 6026 §7.2), forked 2xx
 * responses, §8.1.3.1 timeouts and transport failures, and the §9.1 CANCEL timing.
 */
import assert from "node:assert/strict";
import { type AnySipMessage, SipRequest, type SipResponse } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import type { Destination } from "../transaction/mod.ts";
import { TimerWheel } from "../timer/mod.ts";
import type { Dialog } from "../dialog/mod.ts";
import { buildResponse } from "./response_builder.ts";
import { CountingUaMetrics, RecordingAgent } from "./test_support.ts";
import type { UaTransport } from "./ua_context.ts";
import { UserAgentCore } from "./user_agent_core.ts";

const T1 = 500;
const PEER: Destination = { protocol: "UDP", host: "192.0.2.4", port: 5070 };

/** A transport that records each message with the virtual time it was handed over. */
class RecordingTransport implements UaTransport {
  readonly sent: { at: number; msg: AnySipMessage; dest: Destination }[] = [];
  failSends = false;
  constructor(readonly wheel: TimerWheel) {}
  reliable(dest: Destination): boolean {
    return dest.protocol.toUpperCase() !== "UDP";
  }
  send(msg: AnySipMessage, dest: Destination): Promise<void> {
    this.sent.push({ at: this.wheel.now(), msg, dest });
    return this.failSends ? Promise.reject(new Error("connection refused")) : Promise.resolve();
  }
  /** Times at which requests of `method` (or responses with `status`) were sent. */
  times(what: string | number): number[] {
    return this.sent.filter(({ msg }) =>
      typeof what === "number"
        ? msg.kind === "response" && msg.status === what
        : msg.kind === "request" && msg.method === what
    ).map((s) => s.at);
  }
  requests(method: string): SipRequest[] {
    return this.sent.map((s) => s.msg).filter((m): m is SipRequest =>
      m.kind === "request" && m.method === method
    );
  }
}

function labCore(user: string) {
  const wheel = new TimerWheel({ mode: "virtual" });
  const transport = new RecordingTransport(wheel);
  const agent = new RecordingAgent();
  const metrics = new CountingUaMetrics();
  const core = new UserAgentCore({
    createTransport: () => transport,
    handler: agent,
    wheel,
    timers: { t1: T1 },
    metrics: { ua: metrics },
  });
  agent.core = core;
  core.start({
    viaHost: "192.0.2.1",
    viaPort: 5060,
    protocol: "UDP",
    contact: `sip:${user}@192.0.2.1:5060`,
  });
  return {
    wheel,
    transport,
    agent,
    metrics,
    core,
    async [Symbol.asyncDispose]() {
      await core.stop();
      wheel.stop();
    },
  };
}

/** Alice's INVITE as it reaches Bob at 192.0.2.1 (received stamped as the transport does). */
function incomingInvite(): SipRequest {
  const msg = parseMessage(
    [
      "INVITE sip:bob@192.0.2.1:5060 SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bKinv1;rport=5070;received=192.0.2.4",
      "Max-Forwards: 70",
      "From: Alice <sip:alice@192.0.2.4>;tag=a1",
      "To: Bob <sip:bob@192.0.2.1>",
      "Call-ID: timers-call-1",
      "CSeq: 20 INVITE",
      "Contact: <sip:alice@192.0.2.4:5070>",
      "Content-Length: 0",
    ].join("\r\n") + "\r\n\r\n",
  );
  return msg as SipRequest;
}

/** The ACK Alice sends for Bob's 2xx (§13.2.2.4). */
function ackFor(ok: SipResponse): SipRequest {
  const ack = new SipRequest("ACK", "sip:bob@192.0.2.1:5060");
  ack.addHeader("Via", "SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bKack1");
  ack.addHeader("Max-Forwards", "70");
  ack.addHeader("From", ok.header("from")!);
  ack.addHeader("To", ok.header("to")!);
  ack.addHeader("Call-ID", ok.callId);
  ack.addHeader("CSeq", `${ok.cseq.seq} ACK`);
  return ack;
}

/** Bob's answer to a request Alice's core sent, as it arrives at Alice. */
function answer(request: SipRequest, status: number, toTag: string): SipResponse {
  const res = buildResponse(request, status, status === 200 ? "OK" : "Ringing", toTag);
  res.addHeader("Contact", `<sip:bob-${toTag}@192.0.2.4:5070>`);
  return res;
}

Deno.test("UAS: the 2xx is retransmitted at T1, 2T1 … ≤ T2; no ACK in 64*T1 → agent told, BYE", async () => {
  await using bob = labCore("bob");
  bob.core.receiveMessage(incomingInvite(), PEER);
  assert.deepEqual(bob.agent.methods, ["INVITE"]);
  bob.wheel.advance(64 * T1 - 1);
  assert.deepEqual(
    bob.transport.times(200),
    [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
  );
  assert.deepEqual(bob.agent.ackTimeouts, []);
  assert.deepEqual(bob.transport.requests("BYE"), []);

  bob.wheel.advance(1);
  assert.equal(bob.agent.ackTimeouts.length, 1);
  assert.equal(bob.metrics.count("ackTimeout"), 1);
  // §13.3.1.4: the session is ended with a BYE to the caller's Contact.
  const [bye] = bob.transport.requests("BYE");
  assert.equal(bye.uri, "sip:alice@192.0.2.4:5070");
  assert.equal(bye.to.tag, "a1");
  assert.equal(bye.callId, "timers-call-1");
  assert.deepEqual(bob.transport.sent.find((s) => s.msg === bye)?.dest, {
    protocol: "UDP",
    host: "192.0.2.4",
    port: 5070,
  });
  assert.equal(bob.agent.ended.length, 0);

  // The BYE's 200 ends the dialog.
  bob.core.receiveMessage(buildResponse(bye, 200, "OK"), PEER);
  assert.deepEqual(bob.agent.ended.map((e) => e.cause), ["BYE_COMPLETED"]);
  assert.equal(bob.core.dialogs.size, 0);
});

Deno.test("UAS: the ACK stops the 2xx retransmission; no timeout, no BYE", async () => {
  await using bob = labCore("bob");
  bob.core.receiveMessage(incomingInvite(), PEER);
  bob.wheel.advance(1000);
  const ok = bob.agent.requests[0].tx.lastResponse!;
  assert.equal(ok.status, 200);
  bob.core.receiveMessage(ackFor(ok), PEER);
  assert.equal(bob.agent.acks.length, 1);
  bob.wheel.advance(64 * T1);
  assert.deepEqual(bob.transport.times(200), [0, 500]);
  assert.deepEqual(bob.agent.ackTimeouts, []);
  assert.deepEqual(bob.transport.requests("BYE"), []);
  const [dialog] = [...bob.core.dialogs.dialogs()];
  assert.equal(bob.core.usageOf(dialog)?.state, "confirmed");
});

Deno.test("UAC: a 2xx retransmitted after the INVITE transaction ended gets the same ACK again", async () => {
  await using alice = labCore("alice");
  const invite = alice.core.createRequest("INVITE", {
    to: "sip:bob@192.0.2.4:5070",
    from: "sip:alice@192.0.2.1",
  });
  const finals: Dialog[] = [];
  alice.core.request(invite, PEER, { onFinal: (_res, dialog) => dialog && finals.push(dialog) });
  const ok = answer(invite, 200, "b1");
  alice.core.receiveMessage(ok, PEER);
  assert.equal(finals.length, 1);
  assert.equal(alice.transport.requests("ACK").length, 1);
  // RFC 6026 Timer M (64*T1) ends the INVITE client transaction.
  alice.wheel.advance(64 * T1 + 16 * T1);
  assert.equal(alice.core.transactions, 0);
  alice.core.receiveMessage(answer(invite, 200, "b1"), PEER);
  const acks = alice.transport.requests("ACK");
  assert.equal(acks.length, 2);
  assert.equal(acks[1], acks[0], "§13.2.2.4: the same ACK again");
  assert.equal(finals.length, 1, "the agent hears of the dialog once");
  assert.equal(alice.metrics.count("strayResponse INVITE 200"), 0);

  // A 2xx for no dialog at all is dropped and counted.
  const other = alice.core.createRequest("INVITE", {
    to: "sip:carol@192.0.2.9",
    from: "sip:alice@192.0.2.1",
  });
  other.addHeader("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnever-sent");
  alice.core.receiveMessage(answer(other, 200, "c1"), PEER);
  assert.equal(alice.metrics.count("strayResponse INVITE 200"), 1);
  assert.equal(alice.transport.requests("ACK").length, 2);
});

Deno.test("UAC: two forks answer 2xx — two dialogs, two ACKs, the agent told of each once", async () => {
  await using alice = labCore("alice");
  const invite = alice.core.createRequest("INVITE", {
    to: "sip:bob@192.0.2.4:5070",
    from: "sip:alice@192.0.2.1",
  });
  const seen: string[] = [];
  alice.core.request(invite, PEER, {
    onProvisional: (res, dialog) => seen.push(`${res.status} ${dialog?.id.remoteTag}`),
    onFinal: (res, dialog) => seen.push(`${res.status} ${dialog?.id.remoteTag}`),
  });
  alice.core.receiveMessage(answer(invite, 180, "fork1"), PEER);
  alice.core.receiveMessage(answer(invite, 180, "fork2"), PEER);
  alice.core.receiveMessage(answer(invite, 200, "fork2"), PEER);
  alice.core.receiveMessage(answer(invite, 200, "fork1"), PEER);
  alice.core.receiveMessage(answer(invite, 200, "fork2"), PEER); // retransmission
  assert.deepEqual(seen, ["180 fork1", "180 fork2", "200 fork2", "200 fork1"]);
  const acks = alice.transport.requests("ACK");
  assert.deepEqual(acks.map((a) => a.to.tag), ["fork2", "fork1", "fork2"]);
  // Each ACK goes to its fork's Contact (§12.2.1.1 remote target).
  assert.deepEqual(acks.map((a) => a.uri), [
    "sip:bob-fork2@192.0.2.4:5070",
    "sip:bob-fork1@192.0.2.4:5070",
    "sip:bob-fork2@192.0.2.4:5070",
  ]);
  assert.equal(alice.core.dialogs.size, 2);
});

Deno.test("UAC: §8.1.3.1 — a timeout is a 408, a transport failure a 503, made up locally", async () => {
  await using alice = labCore("alice");
  const finals: string[] = [];
  const track = {
    onFinal: (res: SipResponse, _d: Dialog | undefined, sent: { failure?: string }) =>
      finals.push(`${res.status} ${res.reason} ${sent.failure}`),
  };
  const options = alice.core.createRequest("OPTIONS", {
    to: "sip:bob@192.0.2.4:5070",
    from: "sip:alice@192.0.2.1",
  });
  alice.core.request(options, PEER, track);
  alice.wheel.advance(64 * T1); // Timer F
  assert.deepEqual(finals, ["408 Request Timeout timeout"]);

  alice.transport.failSends = true;
  const message = alice.core.createRequest("OPTIONS", {
    to: "sip:bob@192.0.2.4:5070",
    from: "sip:alice@192.0.2.1",
  });
  alice.core.request(message, PEER, track);
  await Promise.resolve(); // the rejected send is reported on a microtask
  await Promise.resolve();
  assert.deepEqual(finals, [
    "408 Request Timeout timeout",
    "503 Service Unavailable transport-error",
  ]);
});

Deno.test("UAC: §9.1 — CANCEL waits for a provisional response, then uses the INVITE's branch", async () => {
  await using alice = labCore("alice");
  const invite = alice.core.createRequest("INVITE", {
    to: "sip:bob@192.0.2.4:5070",
    from: "sip:alice@192.0.2.1",
  });
  const sent = alice.core.request(invite, PEER);
  assert.equal(sent.cancel(), true);
  alice.wheel.advance(T1 * 3); // INVITE retransmissions only
  assert.deepEqual(alice.transport.requests("CANCEL"), []);
  alice.core.receiveMessage(answer(invite, 180, "b1"), PEER);
  const [cancel] = alice.transport.requests("CANCEL");
  assert.equal(cancel.topVia.branch, invite.topVia.branch);
  assert.equal(cancel.cseq.seq, invite.cseq.seq);
  assert.equal(cancel.to.tag, undefined, "§9.1: To as in the INVITE");
  assert.deepEqual(alice.transport.sent.find((s) => s.msg === cancel)?.dest, PEER);
});
