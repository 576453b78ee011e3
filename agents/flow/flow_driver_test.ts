import assert from "node:assert/strict";
import {
  externalTarget,
  flowHarness,
  flowScenarioYaml,
  type SeenRequest,
  startUdpResponder,
} from "./test_support.ts";

const OPTIONS = `        OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: [cseq] OPTIONS
        Max-Forwards: 70
        Content-Length: [len]`;

/** A flow of OPTIONS → expect `expect` (extra expect fields indented under it). */
function optionsFlow(expect = "200", extra = ""): string {
  return [
    "  name: ping",
    "  steps:",
    "    - send: |",
    OPTIONS,
    `    - expect: ${expect}`,
    ...(extra === "" ? [] : [extra]),
  ].join("\n");
}

/** SIPp's uac scenario as a flow: INVITE, 100/180 optional, 200 (To tag), ACK, pause, BYE. */
const CALL_FLOW = `  name: call
  steps:
    - send: |
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: [cseq] INVITE
        Contact: <sip:[user]@[local_ip]:[local_port]>
        Max-Forwards: 70
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=- 1 1 IN IP4 [media_ip]
        s=-
        c=IN IP4 [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 0
    - expect: 100
      optional: true
    - expect: 180
      optional: true
    - expect: 200
      capture:
        - { var: to_tag, header: To, regex: ";tag=([^;>]+)" }
    - send: |
        ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>;tag=[$to_tag]
        Call-ID: [call_id]
        CSeq: [cseq] ACK
        Max-Forwards: 70
        Content-Length: [len]
    - pause: 20ms
    - send: |
        BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: [cseq] BYE
        Max-Forwards: 70
        Content-Length: [len]
    - expect: 200`;

function methods(seen: readonly SeenRequest[]): string[] {
  return seen.map((r) => r.method);
}

Deno.test("flow: OPTIONS → expect 200 against a UDP responder", async () => {
  const responder = startUdpResponder();
  const harness = await flowHarness(
    flowScenarioYaml(externalTarget(responder.port), optionsFlow()),
  );
  try {
    const outcome = await harness.run();
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(methods(responder.seen), ["OPTIONS"]);
    const sent = responder.seen[0];
    const local = harness.driver.localAddress("udp")!;
    assert.match(
      sent.header("via")!,
      new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${local.port};branch=z9hG4bK[0-9a-f]{16}$`),
    );
    assert.equal(sent.header("cseq"), "1 OPTIONS");
    assert.match(sent.header("from")!, /^<sip:user1@example\.test>;tag=[0-9a-f]{16}$/);
    assert.equal(sent.header("to"), `<sip:service@127.0.0.1:${responder.port}>`);
    assert.match(sent.text, /^OPTIONS sip:service@127\.0\.0\.1:\d+ SIP\/2\.0\r\n/);
    assert.match(sent.text, /\r\nContent-Length: 0\r\n\r\n$/);
    assert.equal(harness.samples("flow_response_time", { flow: "ping", step: "1:200" }), 1);
    assert.equal(harness.counter("flow_outcomes", { flow: "ping", outcome: "completed" }), 1);
    assert.equal(harness.counter("transport_messages", { protocol: "udp", direction: "out" }), 1);
    assert.equal(harness.driver.active, 0);
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: INVITE, optional 100/180, 200 with To tag captured, ACK, pause, BYE, 200", async () => {
  const responder = startUdpResponder();
  const harness = await flowHarness(flowScenarioYaml(externalTarget(responder.port), CALL_FLOW));
  try {
    const outcome = await harness.run();
    assert.deepEqual(outcome, { ok: true });
    assert.deepEqual(methods(responder.seen), ["INVITE", "ACK", "BYE"]);
    const [invite, ack, bye] = responder.seen;
    const callId = invite.header("call-id")!;
    const tag = responder.tagFor(callId);
    assert.equal(ack.header("call-id"), callId);
    assert.equal(bye.header("call-id"), callId);
    // RFC 3261 §13.2.2.4: the ACK to a 2xx has the INVITE's CSeq number and a new branch.
    assert.equal(ack.header("cseq"), "1 ACK");
    assert.notEqual(ack.header("via"), invite.header("via"));
    assert.match(ack.header("to")!, new RegExp(`;tag=${tag}$`));
    // The BYE is the next request: CSeq 2, remote tag from [peer_tag_param].
    assert.equal(bye.header("cseq"), "2 BYE");
    assert.match(bye.header("to")!, new RegExp(`>;tag=${tag}$`));
    // The SDP body: [len] counted it, [media_ip] is the bare local address.
    assert.match(invite.text, /\r\nc=IN IP4 127\.0\.0\.1\r\nt=0 0\r\nm=audio \d+ RTP\/AVP 0\r\n$/);
    const body = invite.text.slice(invite.text.indexOf("\r\n\r\n") + 4);
    assert.equal(invite.header("content-length"), String(new TextEncoder().encode(body).length));
    for (const step of ["1:100", "2:180", "3:200", "7:200"]) {
      assert.equal(harness.samples("flow_response_time", { step }), 1, step);
    }
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: an expect step's timeout fails the iteration, or continues at onTimeout", async () => {
  const responder = startUdpResponder({ answer: () => [] });
  const silent = await flowHarness(
    flowScenarioYaml(externalTarget(responder.port), optionsFlow("200", "      timeout: 80ms")),
  );
  try {
    const outcome = await silent.run();
    assert.equal(outcome.ok, false);
    assert.equal(outcome.status, undefined);
    assert.equal(outcome.reason, "steps[1]: no 200 within 80 ms");
    assert.equal(silent.counter("flow_outcomes", { outcome: "timeout" }), 1);
  } finally {
    await silent.close();
  }
  const detour = await flowHarness(flowScenarioYaml(
    externalTarget(responder.port),
    optionsFlow("200", "      timeout: 50ms\n      onTimeout: gave-up\n    - label: gave-up"),
  ));
  try {
    assert.deepEqual(await detour.run(), { ok: true });
    assert.equal(detour.counter("flow_outcomes", { outcome: "completed" }), 1);
  } finally {
    await detour.close();
    await responder.close();
  }
});

Deno.test("flow: an unexpected response fails the iteration with the message as example", async () => {
  const responder = startUdpResponder({
    answer: (r) => r.method === "INVITE" ? [{ status: 486, reason: "Busy Here" }] : [],
  });
  const harness = await flowHarness(flowScenarioYaml(externalTarget(responder.port), CALL_FLOW));
  try {
    const outcome = await harness.run();
    assert.equal(outcome.ok, false);
    assert.equal(outcome.status, 486);
    const [first, ...message] = outcome.reason!.split("\n");
    assert.equal(
      first,
      'unexpected "SIP/2.0 486 Busy Here" at steps[1] (expecting 100 (optional), ' +
        "180 (optional) or 200)",
    );
    const text = message.join("\n");
    assert.match(text, new RegExp(`Call-ID: ${responder.seen[0].header("call-id")}\r\n`));
    assert.match(text, /CSeq: 1 INVITE\r\n/);
    assert.equal(harness.counter("flow_outcomes", { outcome: "unexpected" }), 1);
    assert.deepEqual(methods(responder.seen), ["INVITE"]);
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: regex captures drive branches; a limited loop runs its count", async () => {
  const responder = startUdpResponder({
    answer: (r) =>
      r.method === "OPTIONS"
        ? [{ status: 200, reason: "OK", headers: ["X-Level: 7", "X-Zone: blue"] }]
        : [{ status: 202, reason: "Accepted" }],
  });
  const flow = [
    "  name: branchy",
    "  vars: { mode: plain }",
    "  steps:",
    "    - label: again",
    "    - send: |",
    OPTIONS,
    "    - expect: 2xx",
    "      capture:",
    '        - { var: level, header: x-level, regex: "^(\\\\d+)$" }',
    '        - { var: zone, regex: "X-Zone: (\\\\w+)" }',
    "    - goto: again",
    "      limit: 2",
    "    - goto: high",
    "      if: { var: level, matches: '^[5-9]$' }",
    "    - send: |",
    OPTIONS.replaceAll("OPTIONS", "INFO"),
    "    - expect: 202",
    "    - goto: end",
    "    - label: high",
    "    - send: |",
    OPTIONS.replaceAll("OPTIONS", "MESSAGE").replace(
      "Content-Length: [len]",
      "X-Seen: [$zone]/[$mode]\n        Content-Length: [len]",
    ),
    "    - expect: 202",
    "    - label: end",
  ].join("\n");
  const harness = await flowHarness(flowScenarioYaml(externalTarget(responder.port), flow));
  try {
    assert.deepEqual(await harness.run(), { ok: true });
    // Three OPTIONS (the loop taken twice), then the `high` branch: MESSAGE, never INFO.
    assert.deepEqual(methods(responder.seen), ["OPTIONS", "OPTIONS", "OPTIONS", "MESSAGE"]);
    assert.deepEqual(responder.seen.map((r) => r.header("cseq")), [
      "1 OPTIONS",
      "2 OPTIONS",
      "3 OPTIONS",
      "4 MESSAGE",
    ]);
    assert.equal(responder.seen[3].header("x-seen"), "blue/plain");
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: a capture that finds nothing fails the iteration", async () => {
  const responder = startUdpResponder();
  const harness = await flowHarness(flowScenarioYaml(
    externalTarget(responder.port),
    optionsFlow("200", '      capture:\n        - { var: x, header: X-Missing, regex: "(.+)" }'),
  ));
  try {
    const outcome = await harness.run();
    assert.equal(outcome.ok, false);
    assert.equal(outcome.status, 200);
    assert.match(
      outcome.reason!,
      /^steps\[1\]: capture of \$x found nothing in "SIP\/2\.0 200 OK"/,
    );
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: over UDP a lost request is retransmitted (same octets) until answered", async () => {
  const responder = startUdpResponder({ dropFirst: 1 });
  const harness = await flowHarness(
    flowScenarioYaml(externalTarget(responder.port), optionsFlow()),
    { t1Ms: 20 },
  );
  try {
    assert.deepEqual(await harness.run(), { ok: true });
    assert.deepEqual(methods(responder.seen), ["OPTIONS", "OPTIONS"]);
    assert.equal(responder.seen[1].text, responder.seen[0].text);
    assert.equal(harness.counter("flow_retransmissions", { step: "0:OPTIONS" }), 1);
    // The response time runs from the first send, the lost one.
    assert.equal(harness.samples("flow_response_time", { step: "1:200" }), 1);
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: an unanswered request is retransmitted, then given up after 64·T1", async () => {
  const responder = startUdpResponder({ answer: () => [] });
  const harness = await flowHarness(
    flowScenarioYaml(externalTarget(responder.port), optionsFlow()),
    { t1Ms: 5, t2Ms: 20 },
  );
  try {
    const outcome = await harness.run();
    assert.equal(outcome.ok, false);
    const retransmissions = harness.counter("flow_retransmissions", { step: "0:OPTIONS" });
    assert.equal(
      outcome.reason,
      `steps[1]: no answer to OPTIONS (CSeq 1) in 320 ms, after ${retransmissions} ` +
        "retransmission(s)",
    );
    // Timer E: copies after 5, 10, 20, 20… ms until 320 ms, all the same octets.
    assert.ok(retransmissions >= 1, `${retransmissions} retransmissions`);
    assert.ok(responder.seen.length >= 2);
    assert.ok(responder.seen.every((r) => r.text === responder.seen[0].text));
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: maxRetransmissions caps the copies like SIPp's -max_retrans", async () => {
  const responder = startUdpResponder({ answer: () => [] });
  const harness = await flowHarness(
    flowScenarioYaml(externalTarget(responder.port), optionsFlow()),
    { t1Ms: 5, maxRetransmissions: 2 },
  );
  try {
    const outcome = await harness.run();
    assert.equal(
      outcome.reason,
      "steps[1]: no answer to OPTIONS (CSeq 1) after 2 retransmission(s) (maxRetransmissions)",
    );
    assert.equal(harness.counter("flow_retransmissions"), 2);
  } finally {
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: a variable left unset by a skipped optional step fails the send", async () => {
  const responder = startUdpResponder();
  const flow = [
    "  name: late",
    "  steps:",
    "    - send: |",
    OPTIONS,
    "    - expect: 100",
    "      optional: true",
    "      capture:",
    '        - { var: trying, regex: "Server: (.+)" }',
    "    - expect: 200",
    "    - send: |",
    OPTIONS.replace("OPTIONS sip", "MESSAGE sip").replace(
      "Max-Forwards",
      "X-T: [$trying]\n        Max-Forwards",
    ),
  ].join("\n");
  const harness = await flowHarness(flowScenarioYaml(externalTarget(responder.port), flow));
  try {
    const outcome = await harness.run();
    assert.deepEqual(outcome, { ok: false, reason: "steps[3]: variable $trying has no value" });
    assert.equal(harness.counter("flow_outcomes", { outcome: "template" }), 1);
    assert.deepEqual(methods(responder.seen), ["OPTIONS"]);
  } finally {
    await harness.close();
    await responder.close();
  }
});
