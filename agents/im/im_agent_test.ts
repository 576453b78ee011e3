import assert from "node:assert/strict";
import type { SipResponse } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { UaHandler } from "../../lab/sip/ua/mod.ts";
import { buildMultipart } from "../../lab/protocols/im/mod.ts";
import { type LabCore, ProxyLab, startLabCore, waitUntil } from "../frontend/proxy/test_support.ts";
import { ImAgent } from "./im_agent.ts";
import {
  htmlText,
  type ImMetricsSink,
  type OutgoingImMessage,
  plainText,
  type ReceivedText,
} from "./im_endpoint.ts";
import type { ImSession } from "./im_session.ts";

/** Counts what the agent measured. */
class RecordingMetrics implements ImMetricsSink {
  readonly delivered: { latencyMs: number; contentType: string }[] = [];
  readonly failed: number[] = [];
  readonly refusals: string[] = [];
  established = 0;
  ended = 0;
  sessionEstablished(): void {
    this.established++;
  }
  sessionFailed(status: number): void {
    this.failed.push(status);
  }
  messageDelivered(latencyMs: number, contentType: string): void {
    this.delivered.push({ latencyMs, contentType });
  }
  messageFailed(status: number): void {
    this.failed.push(status);
  }
  refused(method: string, status: number): void {
    this.refusals.push(`${method} ${status}`);
  }
  sessionEnded(): void {
    this.ended++;
  }
}

interface Party {
  endpoint: LabCore;
  agent: ImAgent;
  metrics: RecordingMetrics;
  received: ReceivedText[];
  typing: string[];
  sessions: ImSession[];
  deliveries: { message: OutgoingImMessage; delivered: boolean }[];
  ended: string[];
}

async function party(lab: ProxyLab, user: string): Promise<Party> {
  const relay: { handler?: UaHandler } = {};
  const endpoint = await startLabCore(user, {
    onRequest: (tx, request, dialog) => relay.handler!.onRequest(tx, request, dialog),
    onAck: (ack, dialog) => relay.handler!.onAck?.(ack, dialog),
    onDialogTerminated: (dialog, cause) => relay.handler!.onDialogTerminated?.(dialog, cause),
  });
  const metrics = new RecordingMetrics();
  const p: Party = {
    endpoint,
    metrics,
    received: [],
    typing: [],
    sessions: [],
    deliveries: [],
    ended: [],
    agent: undefined as unknown as ImAgent,
  };
  p.agent = new ImAgent(
    {
      core: endpoint.core,
      aor: `sip:${user}@lab.test`,
      epid: "01234abcde",
      outbound: lab.front.address,
    },
    {
      metrics,
      listener: {
        onSession: (s) => void p.sessions.push(s),
        onMessage: (_s, m) => void p.received.push(m),
        onTyping: (_s, status) => void p.typing.push(status),
        onDelivery: (_s, message, delivered) => void p.deliveries.push({ message, delivered }),
        onEnded: (_s, end) => void p.ended.push(end),
      },
    },
  );
  relay.handler = p.agent.asHandler();
  lab.register(user, endpoint);
  return p;
}

Deno.test("IM session through the proxy: first message in the INVITE, 5 MESSAGEs, typing, BYE", async () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const lab = await ProxyLab.start(wheel);
  const alice = await party(lab, "alice");
  const bob = await party(lab, "bob");
  try {
    const session = alice.agent.invite("sip:bob@lab.test", plainText("hello"));
    // Typed while the INVITE is pending: queued, sent after the 200 (IM.md §3).
    session.send(plainText("queued"));
    await waitUntil(() => session.state === "established", "session established");
    await waitUntil(() => bob.received.length === 2, "first + queued message at bob");
    assert.equal(bob.received[0].text, "hello", "first message from ms-text-format");
    assert.equal(bob.sessions[0].peer, "sip:alice@lab.test");
    await waitUntil(() => bob.sessions[0].state === "established", "bob got the ACK");

    const rtf = { contentType: "text/rtf", body: "{\\rtf1\\ansi hi}" };
    const multipart = buildMultipart("alternative", [
      { contentType: "text/plain; charset=UTF-8", body: "plain alternative" },
      { contentType: "text/html; charset=UTF-8", body: "<p>html alternative</p>" },
    ]);
    const messages = [plainText("one"), htmlText("<b>two</b>"), multipart, rtf, plainText("five")];
    for (const m of messages) session.send(m);
    await waitUntil(() => alice.deliveries.length === 7, "7 deliveries");
    assert.ok(alice.deliveries.every((d) => d.delivered));
    assert.deepEqual(
      bob.received.slice(2).map((m) => `${m.mediaType} ${m.text}`),
      [
        "text/plain one",
        "text/html <b>two</b>",
        "text/html <p>html alternative</p>",
        "text/rtf {\\rtf1\\ansi hi}",
        "text/plain five",
      ],
    );
    // Delivery time measured for every MESSAGE and for the first message (INVITE → 200).
    assert.equal(alice.metrics.delivered.length, 7);
    assert.ok(alice.metrics.delivered.every((d) => d.latencyMs >= 0));
    assert.equal(alice.metrics.established, 1);
    // Every MESSAGE went through the front end's proxy (Record-Route, §16.4).
    assert.equal(lab.forwarded.filter((r) => r.method === "MESSAGE").length, 6);

    session.typing("type");
    await waitUntil(() => bob.typing.length === 1, "INFO KeyboardActivity");
    session.composing("idle");
    await waitUntil(() => bob.typing.length === 2, "RFC 3994 is-composing");
    assert.deepEqual(bob.typing, ["type", "idle"]);

    // Bob answers in the same dialog, through the Record-Route.
    bob.sessions[0].send(plainText("hi alice"));
    await waitUntil(() => alice.received.length === 1, "bob → alice");
    assert.equal(alice.received[0].text, "hi alice");

    // Bad input: a body type bob does not take → 415 with Accept and ms-diagnostics.
    const answers: SipResponse[] = [];
    const odd = session.dialog!.createRequest("MESSAGE", {
      body: "%PDF",
      contentType: "application/pdf",
    });
    alice.endpoint.core.request(odd, undefined, { onFinal: (r) => void answers.push(r) });
    await waitUntil(() => answers.length === 1, "415");
    assert.equal(answers[0].status, 415);
    assert.match(answers[0].header("accept") ?? "", /text\/plain, text\/html, text\/rtf/);
    assert.match(answers[0].header("ms-diagnostics") ?? "", /^4013;/);
    assert.deepEqual(bob.metrics.refusals, ["MESSAGE 415"]);

    session.hangup();
    await waitUntil(() => alice.ended.length === 1 && bob.ended.length === 1, "BYE both sides");
    assert.deepEqual([alice.ended[0], bob.ended[0]], ["closed", "closed"]);
    assert.equal(alice.agent.sessions + bob.agent.sessions, 0);
    // IM.md §7: a closed session reports what it is given undelivered.
    session.send(plainText("too late"));
    assert.deepEqual(alice.deliveries.at(-1), { message: plainText("too late"), delivered: false });
  } finally {
    await alice.endpoint.core.stop();
    await bob.endpoint.core.stop();
    await lab.stop();
    wheel.stop();
  }
});

Deno.test("IM outside a session: unknown user → 404 with ms-diagnostics; no dialog → 481", async () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const lab = await ProxyLab.start(wheel);
  const alice = await party(lab, "alice");
  const bob = await party(lab, "bob");
  try {
    const core = alice.endpoint.core;
    const finals: SipResponse[] = [];
    for (const to of ["sip:nobody@lab.test", "sip:bob@lab.test"]) {
      const message = core.createRequest("MESSAGE", {
        to,
        from: "sip:alice@lab.test",
        body: "page mode?",
        contentType: "text/plain",
      });
      core.request(message, lab.front.address, { onFinal: (r) => void finals.push(r) });
      await waitUntil(() => finals.length === (to.includes("nobody") ? 1 : 2), to);
    }
    assert.equal(finals[0].status, 404);
    assert.match(finals[0].header("ms-diagnostics") ?? "", /^4005;/);
    assert.equal(finals[1].status, 481);
    assert.deepEqual(bob.metrics.refusals, ["MESSAGE 481"]);
  } finally {
    await alice.endpoint.core.stop();
    await bob.endpoint.core.stop();
    await lab.stop();
    wheel.stop();
  }
});

Deno.test("IM INVITE forks to every endpoint of the user; the first 200 keeps the session", async () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const lab = await ProxyLab.start(wheel);
  const alice = await party(lab, "alice");
  const desk = await party(lab, "bob");
  const phone = await party(lab, "bob");
  try {
    const session = alice.agent.invite("sip:bob@lab.test", plainText("anyone?"));
    await waitUntil(() => session.state === "established", "established");
    const bobs = [...desk.sessions, ...phone.sessions];
    // Both endpoints saw the INVITE; an endpoint that answered after the winner is hung up
    // (§13.2.2.4), one that had not answered yet was cancelled by the proxy (§16.7 step 10).
    await waitUntil(
      () =>
        [...desk.sessions, ...phone.sessions].filter((s) => s.state === "established").length === 1,
      "one endpoint keeps the session",
    );
    assert.ok(bobs.length >= 1);
    session.send(plainText("to the winner"));
    await waitUntil(() => alice.deliveries.length === 2, "delivered");
    const texts = [...desk.received, ...phone.received].map((m) => m.text);
    assert.equal(texts.filter((t) => t === "to the winner").length, 1);
    session.hangup();
    await waitUntil(() => alice.agent.sessions === 0, "alice closed");
    await waitUntil(() => desk.agent.sessions + phone.agent.sessions === 0, "bob closed");
  } finally {
    for (const p of [alice, desk, phone]) await p.endpoint.core.stop();
    await lab.stop();
    wheel.stop();
  }
});
