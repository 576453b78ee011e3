import assert from "node:assert/strict";
import { parseMessage } from "../../lab/sip/message/mod.ts";
import { describeOutgoing, templateStart } from "./outgoing.ts";
import { receivedKey } from "./received_identity.ts";

const encoder = new TextEncoder();

Deno.test("templateStart reads a literal start line", () => {
  assert.deepEqual(templateStart("\n  INVITE sip:[service]@[remote_ip] SIP/2.0\nVia: x\n"), {
    kind: "request",
    method: "INVITE",
  });
  assert.deepEqual(templateStart("SIP/2.0 486 Busy Here\r\n[last_Via:]"), {
    kind: "response",
    status: 486,
  });
  assert.equal(templateStart("[$method] sip:x SIP/2.0\n"), undefined);
  assert.equal(templateStart("SIP/2.0 [$status] OK\n"), undefined);
});

/** RFC 3261 §24.2 F1 (Alice's INVITE), without its body. */
const INVITE = [
  "INVITE sip:bob@biloxi.com SIP/2.0",
  "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
  "Max-Forwards: 70",
  "To: Bob <sip:bob@biloxi.com>",
  "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710",
  "CSeq: 314159 INVITE",
  "Contact: <sip:alice@pc33.atlanta.com>",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

/** RFC 3261 §24.2 F3 (Bob's 180 Ringing via the proxy). */
const RINGING = [
  "SIP/2.0 180 Ringing",
  "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
  "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf",
  "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710",
  "CSeq: 314159 INVITE",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

Deno.test("describeOutgoing reads Call-ID, CSeq and branch of requests and responses", () => {
  assert.deepEqual(describeOutgoing(encoder.encode(INVITE)), {
    kind: "request",
    method: "INVITE",
    callId: "a84b4c76e66710",
    cseq: 314159,
    branch: "z9hG4bKnashds8",
  });
  assert.deepEqual(describeOutgoing(encoder.encode(RINGING)), {
    kind: "response",
    method: "INVITE",
    status: 180,
    callId: "a84b4c76e66710",
    cseq: 314159,
    branch: "z9hG4bKnashds8",
  });
  // Max-Forwards is optional for what a flow writes (SIPp sends what it is given).
  const bare = INVITE.replace("Max-Forwards: 70\r\n", "");
  assert.equal(describeOutgoing(encoder.encode(bare)).callId, "a84b4c76e66710");
});

Deno.test("a message the parser rejects is described from its start line", () => {
  assert.deepEqual(describeOutgoing(encoder.encode("MESSAGE sip:x SIP/2.0\r\nbroken\r\n\r\n")), {
    kind: "request",
    method: "MESSAGE",
  });
  assert.deepEqual(describeOutgoing(encoder.encode("SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n")), {
    kind: "response",
    method: "",
    status: 200,
  });
});

Deno.test("receivedKey: equal for a retransmission, different for another message of the call", () => {
  const invite = parseMessage(INVITE);
  assert.equal(receivedKey(invite), "R INVITE 314159 z9hG4bKnashds8");
  assert.equal(receivedKey(parseMessage(INVITE)), receivedKey(invite));
  const ringing = parseMessage(RINGING);
  assert.equal(receivedKey(ringing), "S 180 314159 INVITE a6c85cf");
  const ok = parseMessage(RINGING.replace("180 Ringing", "200 OK"));
  assert.notEqual(receivedKey(ok), receivedKey(ringing));
  // A 200 from another fork (another To tag) is a new message (§13.2.2.4).
  const forked = parseMessage(RINGING.replace("180 Ringing", "200 OK").replace("a6c85cf", "x9"));
  assert.notEqual(receivedKey(forked), receivedKey(ok));
});
