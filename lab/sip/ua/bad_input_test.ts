/**
 * Every answer the user agent core gives by itself, seen on the wire: raw datagrams from a
 * plain UDP socket, exact status, reason phrase and Allow / Unsupported headers, and after
 * each one proof that the core still serves (a valid OPTIONS gets its 200).
 */
import assert from "node:assert/strict";
import type { SipResponse } from "../message/message.ts";
import { type LabPeer, RawUdpPeer, startPeer } from "./test_support.ts";

const ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS";

interface RawRequest {
  method?: string;
  uri?: string;
  version?: string;
  callId?: string;
  branch?: string;
  cseq?: number;
  cseqMethod?: string;
  fromTag?: string;
  toTag?: string;
  /** Extra header lines. */
  extra?: string[];
  /** Header names to leave out. */
  omit?: string[];
}

let counter = 0;

/** A request from the raw peer as text (Via asks for rport, so answers come back to it). */
function raw(peer: RawUdpPeer, bob: LabPeer, r: RawRequest = {}): string {
  const n = ++counter;
  const method = r.method ?? "OPTIONS";
  const lines = [
    `${method} ${r.uri ?? `sip:bob@127.0.0.1:${bob.address.port}`} ${r.version ?? "SIP/2.0"}`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${r.branch ?? `z9hG4bKraw${n}`};rport`,
    "Max-Forwards: 70",
    `From: <sip:raw@127.0.0.1>;tag=${r.fromTag ?? `raw${n}`}`,
    `To: <sip:bob@127.0.0.1>${r.toTag ? `;tag=${r.toTag}` : ""}`,
    `Call-ID: ${r.callId ?? `raw-call-${n}`}`,
    `CSeq: ${r.cseq ?? 1} ${r.cseqMethod ?? method}`,
    ...(r.extra ?? []),
    "Content-Length: 0",
  ].filter((line) => !(r.omit ?? []).some((name) => line.startsWith(`${name}:`)));
  return lines.join("\r\n") + "\r\n\r\n";
}

/** Sends a valid OPTIONS and expects its 200: the core survived whatever came before. */
async function assertStillServing(peer: RawUdpPeer, bob: LabPeer): Promise<void> {
  const callId = `alive-${++counter}`;
  await peer.send(raw(peer, bob, { callId }), bob.address.port);
  const ok = await peer.receive();
  assert.equal(ok.status, 200, "a valid OPTIONS afterwards gets 200");
  assert.equal(ok.callId, callId);
}

/** Sends `text` and returns the single answer. */
async function answerTo(peer: RawUdpPeer, bob: LabPeer, text: string): Promise<SipResponse> {
  await peer.send(text, bob.address.port);
  return await peer.receive();
}

/** Bob on UDP, understanding the "timer" option tag (RFC 4028). */
function startBob(): Promise<LabPeer> {
  return startPeer("bob", "udp", { supportedExtensions: ["timer"] });
}

Deno.test("unsupported methods: 405 for a known method, 501 for an unknown one, both with Allow", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();

  const r405 = await answerTo(peer, bob, raw(peer, bob, { method: "REGISTER" }));
  assert.equal(r405.status, 405);
  assert.equal(r405.reason, "Method Not Allowed");
  assert.equal(r405.header("allow"), ALLOW);
  assert.ok(r405.to.tag, "§8.2.6.2: a To tag on the answer");
  await assertStillServing(peer, bob);

  const r501 = await answerTo(peer, bob, raw(peer, bob, { method: "FROBNICATE" }));
  assert.equal(r501.status, 501);
  assert.equal(r501.reason, "Not Implemented");
  assert.equal(r501.header("allow"), ALLOW);
  await assertStillServing(peer, bob);

  assert.equal(bob.metrics.count("localAnswer REGISTER 405 Method Not Allowed"), 1);
  assert.equal(bob.metrics.count("localAnswer FROBNICATE 501 Not Implemented"), 1);
  assert.deepEqual(bob.agent.methods, ["OPTIONS", "OPTIONS"]);
});

Deno.test("unsupported Request-URI scheme: 416 from the parser and from the core's own check", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();

  // The parser refuses schemes it does not know (§8.2.2.1, RFC 4475 §3.3.2).
  const byParser = await answerTo(peer, bob, raw(peer, bob, { uri: "http://example.com/x" }));
  assert.equal(byParser.status, 416);
  assert.equal(byParser.reason, "Unsupported URI Scheme");
  await assertStillServing(peer, bob);

  // tel: parses, but this UA serves sip and sips only.
  const byCore = await answerTo(peer, bob, raw(peer, bob, { uri: "tel:+15551234567" }));
  assert.equal(byCore.status, 416);
  assert.equal(byCore.reason, "Unsupported URI Scheme");
  await assertStillServing(peer, bob);
  assert.equal(bob.metrics.count("localAnswer OPTIONS 416 Unsupported URI Scheme"), 2);
});

Deno.test("Require with unknown option tags: 420 Bad Extension listing exactly those in Unsupported", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();

  const r420 = await answerTo(
    peer,
    bob,
    raw(peer, bob, { extra: ["Require: TIMER, 100rel", "Require: foo"] }),
  );
  assert.equal(r420.status, 420);
  assert.equal(r420.reason, "Bad Extension");
  // "timer" is supported (tokens compare case-insensitively, §7.3.1).
  assert.equal(r420.header("unsupported"), "100rel, foo");
  await assertStillServing(peer, bob);

  const supported = await answerTo(peer, bob, raw(peer, bob, { extra: ["Require: timer"] }));
  assert.equal(supported.status, 200);
  assert.equal(supported.header("supported"), "timer");
});

Deno.test("merged request (§8.2.2.2): same From tag, Call-ID and CSeq on a new branch gets 482", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();
  const same = { callId: "merged-1", fromTag: "m1", cseq: 7 };

  const first = await answerTo(peer, bob, raw(peer, bob, { ...same, branch: "z9hG4bKpathA" }));
  assert.equal(first.status, 200);
  // A retransmission (same branch) is the same transaction: the same 200 again, no 482.
  const again = await answerTo(peer, bob, raw(peer, bob, { ...same, branch: "z9hG4bKpathA" }));
  assert.equal(again.status, 200);
  assert.equal(again.to.tag, first.to.tag);
  const merged = await answerTo(peer, bob, raw(peer, bob, { ...same, branch: "z9hG4bKpathB" }));
  assert.equal(merged.status, 482);
  assert.equal(merged.reason, "Loop Detected");
  await assertStillServing(peer, bob);
  assert.equal(bob.agent.requests.filter((r) => r.request.callId === "merged-1").length, 1);
});

Deno.test("in-dialog requests: 481 for an unknown dialog, stray ACK dropped, 500 for an old CSeq", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();

  const r481 = await answerTo(
    peer,
    bob,
    raw(peer, bob, { method: "BYE", toTag: "nosuchdialog", callId: "ghost" }),
  );
  assert.equal(r481.status, 481);
  assert.equal(r481.reason, "Call/Transaction Does Not Exist");
  assert.equal(r481.to.tag, "nosuchdialog");

  // An ACK for no dialog is never answered (§17.2.3): the next datagram is the OPTIONS' 200.
  await peer.send(raw(peer, bob, { method: "ACK", toTag: "nosuchdialog" }), bob.address.port);
  await assertStillServing(peer, bob);
  assert.equal(bob.metrics.count("strayAck"), 1);

  // A real dialog: INVITE with CSeq 10, answered 180 + 200, acknowledged.
  const call = { callId: "dialog-1", fromTag: "caller1" };
  await peer.send(
    raw(peer, bob, {
      ...call,
      method: "INVITE",
      cseq: 10,
      extra: ["Contact: <sip:raw@127.0.0.1>"],
    }),
    bob.address.port,
  );
  const ringing = await peer.receive();
  assert.equal(ringing.status, 180);
  const ok = await peer.receive();
  assert.equal(ok.status, 200);
  const toTag = ok.to.tag!;
  const inDialog = { ...call, toTag, uri: ok.contacts[0].uriText };
  await peer.send(raw(peer, bob, { ...inDialog, method: "ACK", cseq: 10 }), bob.address.port);

  // §12.2.2: a CSeq lower than the remote sequence number is out of order → 500.
  const r500 = await answerTo(peer, bob, raw(peer, bob, { ...inDialog, cseq: 9 }));
  assert.equal(r500.status, 500);
  assert.equal(r500.reason, "Server Internal Error");
  const inOrder = await answerTo(peer, bob, raw(peer, bob, { ...inDialog, cseq: 11 }));
  assert.equal(inOrder.status, 200);
  const byeOk = await answerTo(
    peer,
    bob,
    raw(peer, bob, { ...inDialog, method: "BYE", cseq: 12 }),
  );
  assert.equal(byeOk.status, 200);
  assert.deepEqual(bob.agent.ended.map((e) => e.cause), ["BYE_RECEIVED"]);
  await assertStillServing(peer, bob);
  assert.equal(bob.metrics.count("localAnswer OPTIONS 500 Server Internal Error"), 1);
  assert.equal(bob.metrics.count("localAnswer BYE 481 Call/Transaction Does Not Exist"), 1);
});

Deno.test("unparseable requests get the parser's status and reason phrase, statelessly", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();

  const cases: Array<[RawRequest, number, string]> = [
    [{ omit: ["Call-ID"] }, 400, "Missing Call-ID"],
    [{ extra: ["CSeq: 2 OPTIONS"] }, 400, "Bad Request - Multiple CSeq values"],
    [{ cseqMethod: "INVITE" }, 400, "Bad Request - CSeq method does not match"],
    [{ version: "SIP/3.0" }, 505, "Version Not Supported"],
  ];
  for (const [request, status, reason] of cases) {
    const text = raw(peer, bob, request);
    await peer.send(text, bob.address.port);
    // Read as text: an answer to a request without Call-ID has none either, which a strict
    // parser refuses.
    const answer = await peer.receiveText();
    assert.equal(answer.slice(0, answer.indexOf("\r\n")), `SIP/2.0 ${status} ${reason}`, text);
    // §8.2.6.2: the Via came back (that is how it found the raw peer), with the branch.
    assert.match(answer, /\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bKraw\d+;rport=\d+/);
    assert.match(answer, /\r\nTo: <sip:bob@127\.0\.0\.1>;tag=\w+\r\n/);
    assert.equal(bob.metrics.count(`localAnswer OPTIONS ${status} ${reason}`), 1);
    await assertStillServing(peer, bob);
  }
  // A malformed ACK is never answered.
  await peer.send(raw(peer, bob, { method: "ACK", omit: ["Call-ID"] }), bob.address.port);
  await assertStillServing(peer, bob);
  assert.deepEqual(bob.agent.methods, Array(cases.length + 1).fill("OPTIONS"));
});

Deno.test("a request over the size limit is answered 513 Message Too Large", async () => {
  await using bob = await startPeer("bob", "udp", { maxMessageSize: 2048 });
  await using peer = RawUdpPeer.open();
  const callId = `too-big-${++counter}`;
  const text = raw(peer, bob, { method: "MESSAGE", callId, omit: ["Content-Length"] });
  const body = "x".repeat(3000);
  const big = text.replace(
    /\r\n\r\n$/,
    `\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  const answer = await answerTo(peer, bob, big);
  assert.equal(answer.status, 513);
  assert.equal(answer.reason, "Message Too Large");
  assert.equal(answer.callId, callId);
  assert.ok(answer.to.tag);
  assert.equal(bob.metrics.count("localAnswer MESSAGE 513 Message Too Large"), 1);
  await assertStillServing(peer, bob);
});

Deno.test("garbage datagrams are dropped and counted, never answered", async () => {
  await using bob = await startBob();
  await using peer = RawUdpPeer.open();
  await peer.send("hello, this is not SIP\r\n\r\n", bob.address.port);
  await peer.send(new Uint8Array([0xff, 0x00, 0x13, 0x37, 0x42]), bob.address.port);
  // Same socket, same receive loop, in order: the first answer is the OPTIONS' 200.
  await assertStillServing(peer, bob);
  assert.equal(bob.drops.drops.get("udp:parse-error"), 2);
  assert.deepEqual(bob.agent.methods, ["OPTIONS"]);
});
