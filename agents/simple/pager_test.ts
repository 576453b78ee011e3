import assert from "node:assert/strict";
import { parseMessage, type SipRequest } from "../../lab/sip/message/mod.ts";
import { parseMsDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import { judgeMessage } from "./pager.ts";
import { nextAttempt } from "./user_context.ts";

function message(contentType: string | undefined, body: Uint8Array | string): SipRequest {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const head = [
    "MESSAGE sip:bob@127.0.0.1:5070 SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKm1",
    "Max-Forwards: 69",
    "From: <sip:alice@lab.test>;tag=a1",
    "To: <sip:bob@lab.test>",
    "Call-ID: m1",
    "CSeq: 1 MESSAGE",
    ...(contentType === undefined ? [] : [`Content-Type: ${contentType}`]),
    `Content-Length: ${bytes.length}`,
  ].join("\r\n") + "\r\n\r\n";
  const whole = new Uint8Array([...new TextEncoder().encode(head), ...bytes]);
  return parseMessage(whole) as SipRequest;
}

Deno.test("pager: text/plain is accepted with sender, recipient and text (RFC 3428 §7)", () => {
  const verdict = judgeMessage(message("text/plain;charset=UTF-8", "héllo"));
  assert.deepEqual(verdict, {
    accepted: true,
    message: {
      from: "sip:alice@lab.test",
      to: "sip:bob@lab.test",
      contentType: "text/plain;charset=UTF-8",
      text: "héllo",
    },
  });
});

Deno.test("pager: other types get 415 with Accept and diagnostics; empty or non-UTF-8 get 400", () => {
  const html = judgeMessage(message("text/html", "<b>x</b>"));
  assert.equal(html.accepted, false);
  if (html.accepted) return;
  assert.equal(html.status, 415);
  assert.deepEqual(html.headers[0], ["Accept", "text/plain"]);
  const [name, value] = html.headers[1];
  assert.equal(name, "ms-diagnostics");
  const parsed = parseMsDiagnostics(value);
  assert.ok(parsed.ok && parsed.value.errorId === 4013, value);

  const empty = judgeMessage(message("text/plain", ""));
  assert.deepEqual(empty.accepted ? 0 : [empty.status, empty.reason], [
    400,
    "Bad Request - Empty MESSAGE",
  ]);
  const latin1 = judgeMessage(message("text/plain", new Uint8Array([0x68, 0xe9])));
  assert.deepEqual(latin1.accepted ? 0 : latin1.status, 400);
});

Deno.test("a retry after a challenge keeps Call-ID, tags and body, raises CSeq, drops Via", () => {
  const first = message("text/plain", "hi");
  const retry = nextAttempt(first);
  assert.equal(retry.callId, first.callId);
  assert.equal(retry.from.tag, "a1");
  assert.deepEqual(retry.cseq, { seq: 2, method: "MESSAGE" });
  assert.equal(retry.header("via"), undefined);
  assert.deepEqual(retry.body, first.body);
  assert.equal(retry.uri, first.uri);
});
