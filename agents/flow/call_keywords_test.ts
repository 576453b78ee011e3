import assert from "node:assert/strict";
import { parseMessage } from "../../lab/sip/message/mod.ts";
import type { PopulationUser } from "../../lab/runner/workload.ts";
import { CallKeywords, type SendContext } from "./call_keywords.ts";

const USER = { name: "alice", domain: "atlanta.example" } as PopulationUser;

function send(method: string | undefined, responding = false): SendContext {
  return {
    method,
    responding,
    protocol: "udp",
    local: { host: "[::1]", port: 5062 },
    remote: { host: "[::1]", port: 5060 },
    service: "bob",
  };
}

function response(status: number, cseq: string): ReturnType<typeof parseMessage> {
  return parseMessage(
    `SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP [::1]:5062;branch=z9hG4bK1\r\n` +
      "From: <sip:alice@atlanta.example>;tag=a\r\nTo: <sip:bob@biloxi.example>;tag=b7\r\n" +
      `Call-ID: c\r\nCSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`,
  );
}

Deno.test("[cseq] counts requests; ACK and CANCEL reuse the INVITE's (RFC 3261 §13.2.2.4, §9.1)", () => {
  const call = new CallKeywords(3, "[::1]");
  const invite = call.keywords(USER, send("INVITE"));
  assert.equal(invite.cseq, 1);
  call.sent({ kind: "request", method: "INVITE", cseq: 1, branch: String(invite.branch) });
  assert.equal(call.keywords(USER, send("CANCEL")).cseq, 1);
  assert.equal(call.keywords(USER, send("ACK")).cseq, 1);
  assert.equal(call.keywords(USER, send("BYE")).cseq, 2);
  assert.equal(call.keywords(USER, send(undefined, true)).cseq, 2);
  assert.equal(call.keywords(USER, send(undefined)).cseq, 3);
});

Deno.test("[branch]: fresh, but the INVITE's for CANCEL and for the ACK to a non-2xx (§9.1, §17.1.1.3)", () => {
  const call = new CallKeywords(1, "127.0.0.1");
  call.sent({ kind: "request", method: "INVITE", cseq: 1, branch: "z9hG4bKinvite" });
  assert.equal(call.keywords(USER, send("CANCEL")).branch, "z9hG4bKinvite");
  // Before a final response, and after a 2xx, an ACK is its own transaction: a new branch.
  assert.notEqual(call.keywords(USER, send("ACK")).branch, "z9hG4bKinvite");
  call.received(response(200, "1 INVITE"));
  assert.notEqual(call.keywords(USER, send("ACK")).branch, "z9hG4bKinvite");
  const rejected = new CallKeywords(2, "127.0.0.1");
  rejected.sent({ kind: "request", method: "INVITE", cseq: 1, branch: "z9hG4bKinvite" });
  rejected.received(response(486, "1 INVITE"));
  assert.equal(rejected.keywords(USER, send("ACK")).branch, "z9hG4bKinvite");
  assert.notEqual(rejected.keywords(USER, send("BYE")).branch, "z9hG4bKinvite");
});

Deno.test("call keywords: tags, addresses, media port and the remote tag once known", () => {
  const call = new CallKeywords(5, "[::1]");
  const before = call.keywords(USER, send("INVITE"));
  assert.equal(before.peer_tag_param, "");
  assert.match(String(before.call_id), /^[0-9a-f]{20}-5@::1$/);
  assert.equal(before.from_tag, call.fromTag);
  assert.equal(before.local_ip, "[::1]");
  assert.equal(before.media_ip, "::1");
  assert.equal(before.media_port, 16394);
  assert.equal(before.transport, "UDP");
  assert.equal(before.user, "alice");
  assert.equal(before.domain, "atlanta.example");
  assert.equal(before.service, "bob");
  call.received(response(180, "1 INVITE"));
  assert.equal(call.keywords(USER, send("BYE")).peer_tag_param, ";tag=b7");
});
