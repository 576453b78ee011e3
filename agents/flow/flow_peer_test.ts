import assert from "node:assert/strict";
import {
  externalTarget,
  flowHarness,
  flowScenarioYaml,
  type SeenRequest,
  startUdpResponder,
} from "./test_support.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The next datagram on `socket` as text, or an error after `ms`. */
async function nextDatagram(socket: Deno.DatagramConn, ms = 2000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no datagram within ${ms} ms`)), ms);
  });
  try {
    const [data] = await Promise.race([socket.receive(), late]);
    return decoder.decode(data);
  } finally {
    clearTimeout(timer);
  }
}

function header(text: string, name: string): string | undefined {
  const line = text.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(":") + 1).trim();
}

/** SIPp's uas scenario as a flow (its README example): answer, wait for ACK. */
const ANSWER_FLOW = `  name: answer
  steps:
    - expect: INVITE
      timeout: 3s
    - send: |
        SIP/2.0 180 Ringing
        [last_Via:]
        [last_From:]
        [last_To:];tag=[from_tag]
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: [len]
    - send: |
        SIP/2.0 200 OK
        [last_Via:]
        [last_From:]
        [last_To:];tag=[from_tag]
        [last_Call-ID:]
        [last_CSeq:]
        Contact: <sip:[local_ip]:[local_port]>
        Content-Length: [len]
    - expect: ACK
      timeout: 3s`;

Deno.test("flow: a flow that starts with expect answers a call the peer places", async () => {
  // The target is only where requests would go; this flow sends none.
  const responder = startUdpResponder();
  const harness = await flowHarness(
    flowScenarioYaml(externalTarget(responder.port), ANSWER_FLOW),
    { t1Ms: 20 },
  );
  const peer = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const flowPort = harness.driver.localAddress("udp")!.port;
    const to = { transport: "udp", hostname: "127.0.0.1", port: flowPort } as const;
    const peerPort = (peer.addr as Deno.NetAddr).port;
    const outcome = harness.run();
    // A response for no call is a stray: discarded and counted.
    await peer.send(
      encoder.encode(
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\n" +
          "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: nobody\r\nCSeq: 1 OPTIONS\r\n" +
          "Content-Length: 0\r\n\r\n",
      ),
      to,
    );
    const invite = [
      `INVITE sip:answer@127.0.0.1:${flowPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bKpeer1`,
      "From: <sip:caller@example.test>;tag=caller1",
      "To: <sip:answer@example.test>",
      "Call-ID: peer-call-1@127.0.0.1",
      "CSeq: 7 INVITE",
      "Max-Forwards: 70",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    await peer.send(encoder.encode(invite), to);
    const ringing = await nextDatagram(peer);
    assert.match(ringing, /^SIP\/2\.0 180 Ringing\r\n/);
    const ok = await nextDatagram(peer);
    assert.match(ok, /^SIP\/2\.0 200 OK\r\n/);
    assert.equal(header(ok, "Call-ID"), "peer-call-1@127.0.0.1");
    assert.equal(header(ok, "CSeq"), "7 INVITE");
    assert.equal(header(ok, "From"), "<sip:caller@example.test>;tag=caller1");
    assert.match(header(ok, "To")!, /^<sip:answer@example\.test>;tag=[0-9a-f]{16}$/);
    // [last_Via:] copies the Via as received (sent-by is the source: nothing stamped, §18.2.1).
    assert.equal(header(ok, "Via"), `SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bKpeer1`);
    // No ACK yet: RFC 3261 §13.3.1.4, the 2xx is retransmitted (T1 = 20 ms here).
    assert.equal(await nextDatagram(peer), ok);
    const ack = [
      `ACK sip:answer@127.0.0.1:${flowPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bKpeer2`,
      "From: <sip:caller@example.test>;tag=caller1",
      `To: ${header(ok, "To")}`,
      "Call-ID: peer-call-1@127.0.0.1",
      "CSeq: 7 ACK",
      "Max-Forwards: 70",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    await peer.send(encoder.encode(ack), to);
    assert.deepEqual(await outcome, { ok: true });
    // The ended call lingers: a copy of the INVITE gets the last response again.
    await peer.send(encoder.encode(invite), to);
    assert.equal(await nextDatagram(peer), ok);
    assert.equal(harness.counter("flow_stray_messages", { flow: "answer" }), 1);
    assert.ok(harness.counter("flow_retransmissions", { step: "2:200" }) >= 2);
  } finally {
    peer.close();
    await harness.close();
    await responder.close();
  }
});

Deno.test("flow: a retransmitted 2xx is absorbed and gets the ACK again", async () => {
  const doubled = (r: SeenRequest) =>
    r.method === "INVITE"
      ? [
        { status: 180, reason: "Ringing" },
        { status: 200, reason: "OK" },
        { status: 200, reason: "OK" },
      ]
      : r.method === "ACK"
      ? []
      : [{ status: 200, reason: "OK" }];
  const responder = startUdpResponder({ answer: doubled });
  const flow = `  name: call
  steps:
    - send: |
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: [cseq] INVITE
        Max-Forwards: 70
        Content-Length: [len]
    - expect: 180
      optional: true
    - expect: 200
    - send: |
        ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: [cseq] ACK
        Max-Forwards: 70
        Content-Length: [len]
    - pause: 50ms`;
  const harness = await flowHarness(flowScenarioYaml(externalTarget(responder.port), flow));
  try {
    assert.deepEqual(await harness.run(), { ok: true });
    assert.deepEqual(responder.seen.map((r) => r.method), ["INVITE", "ACK", "ACK"]);
    assert.equal(responder.seen[2].text, responder.seen[1].text);
    assert.equal(harness.counter("flow_retransmissions", { step: "3:ACK" }), 1);
    assert.equal(harness.counter("flow_outcomes", { outcome: "unexpected" }), 0);
  } finally {
    await harness.close();
    await responder.close();
  }
});
