/**
 * The core's own builders and guards, without a network: createResponse (§8.2.6, §12.1.1,
 * §13.3.1.4), the Via and Max-Forwards `request` adds (§8.1.1.6, §8.1.1.7, RFC 3581), and the
 * calls that are refused.
 */
import assert from "node:assert/strict";
import type { AnySipMessage, SipRequest } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import type { Destination } from "../transaction/mod.ts";
import { TimerWheel } from "../timer/mod.ts";
import { RecordingAgent } from "./test_support.ts";
import { UserAgentCore } from "./user_agent_core.ts";

class NullTransport {
  readonly sent: AnySipMessage[] = [];
  reliable(dest: Destination) {
    return dest.protocol !== "UDP";
  }
  send(msg: AnySipMessage) {
    this.sent.push(msg);
    return Promise.resolve();
  }
}

function core(extensions: string[] = []) {
  const wheel = new TimerWheel({ mode: "virtual" });
  const transport = new NullTransport();
  const ua = new UserAgentCore({
    createTransport: () => transport,
    handler: new RecordingAgent(),
    wheel,
    supportedExtensions: extensions,
  });
  return {
    ua,
    transport,
    async [Symbol.asyncDispose]() {
      await ua.stop();
      wheel.stop();
    },
  };
}

const identity = {
  viaHost: "192.0.2.4",
  viaPort: 5070,
  protocol: "UDP",
  contact: "sip:bob@192.0.2.4:5070",
};

function invite(extra: string[] = [], method = "INVITE"): SipRequest {
  return parseMessage(
    [
      `${method} sip:bob@192.0.2.4:5070 SIP/2.0`,
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKcr1",
      "Max-Forwards: 70",
      "Record-Route: <sip:p1.example.com;lr>",
      "To: <sip:bob@example.com>",
      "From: <sip:alice@example.com>;tag=a1",
      "Call-ID: cr-1",
      `CSeq: 5 ${method}`,
      ...extra,
      "Content-Length: 0",
    ].join("\r\n") + "\r\n\r\n",
  ) as SipRequest;
}

Deno.test("createResponse: one To tag per INVITE; Record-Route and Contact on 1xx/2xx (§12.1.1)", async () => {
  await using c = core(["timer"]);
  c.ua.start(identity);
  const req = invite();
  const trying = c.ua.createResponse(req, 100);
  const ringing = c.ua.createResponse(req, 180);
  const ok = c.ua.createResponse(req, 200, undefined, {
    body: "v=0\r\n",
    contentType: "application/sdp",
  });
  const busy = c.ua.createResponse(req, 486);
  assert.equal(trying.to.tag, undefined, "no tag on 100 (§8.2.6.1)");
  assert.ok(ringing.to.tag);
  assert.equal(ok.to.tag, ringing.to.tag);
  assert.equal(busy.to.tag, ringing.to.tag);
  assert.equal(ok.reason, "OK");
  assert.deepEqual(ok.headerValues("record-route"), ["<sip:p1.example.com;lr>"]);
  assert.equal(ok.header("contact"), "<sip:bob@192.0.2.4:5070>");
  assert.equal(ok.header("allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS");
  assert.equal(ok.header("supported"), "timer");
  assert.equal(ok.header("content-type"), "application/sdp");
  assert.equal(ringing.header("contact"), "<sip:bob@192.0.2.4:5070>");
  assert.equal(ringing.hasHeader("allow"), false);
  assert.equal(busy.hasHeader("contact"), false);
  assert.equal(busy.hasHeader("record-route"), false);
  assert.equal(busy.reason, "Busy Here");

  // A re-INVITE (To tag) gets Contact (target refresh) but no Record-Route; an OPTIONS neither.
  const reinvite = invite();
  reinvite.setHeader("To", "<sip:bob@example.com>;tag=b1");
  const reOk = c.ua.createResponse(reinvite, 200);
  assert.equal(reOk.to.tag, "b1");
  assert.equal(reOk.hasHeader("record-route"), false);
  assert.equal(reOk.header("contact"), "<sip:bob@192.0.2.4:5070>");
  const optionsOk = c.ua.createResponse(invite([], "OPTIONS"), 200, "OK", {
    headers: [["Accept", "application/sdp"]],
  });
  assert.equal(optionsOk.hasHeader("contact"), false);
  assert.equal(optionsOk.header("allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS");
  assert.equal(optionsOk.header("accept"), "application/sdp");
  // Different requests get different tags.
  assert.notEqual(c.ua.createResponse(invite([], "OPTIONS"), 200).to.tag, optionsOk.to.tag);
});

Deno.test("request: Via with rport over UDP and Max-Forwards added only when absent", async () => {
  await using c = core();
  c.ua.start(identity);
  const peer: Destination = { protocol: "UDP", host: "192.0.2.1", port: 5060 };
  const options = c.ua.createRequest("OPTIONS", {
    to: "sip:alice@192.0.2.1",
    from: "sip:bob@example.com",
  });
  options.removeHeader("max-forwards");
  const sent = c.ua.request(options, peer);
  assert.match(
    options.header("via")!,
    /^SIP\/2\.0\/UDP 192\.0\.2\.4:5070;rport;branch=z9hG4bK\w+$/,
  );
  assert.equal(options.header("max-forwards"), "70");
  assert.equal(sent.transaction.branch, options.topVia.branch);
  assert.equal(c.transport.sent[0], options);

  // Destination from the Request-URI when it is an address (§8.1.2); an own Via is kept.
  const message = c.ua.createRequest("MESSAGE", {
    to: "sip:alice@192.0.2.1:5062;transport=tcp",
    from: "sip:bob@example.com",
  });
  message.addHeader("Via", "SIP/2.0/TCP 192.0.2.4:5070;branch=z9hG4bKmine");
  const viaMessage = c.ua.request(message);
  assert.deepEqual(viaMessage.destination, { protocol: "TCP", host: "192.0.2.1", port: 5062 });
  assert.deepEqual(message.headerValues("via"), ["SIP/2.0/TCP 192.0.2.4:5070;branch=z9hG4bKmine"]);
  assert.throws(
    () =>
      c.ua.request(
        c.ua.createRequest("OPTIONS", { to: "sip:alice@example.com", from: "sip:bob@x" }),
      ),
    /no destination/,
  );
});

Deno.test("refused calls: before start, twice started, ACK and CANCEL, after stop", async () => {
  await using c = core();
  assert.throws(() => c.ua.createRequest("OPTIONS", { to: "sip:a@b", from: "sip:c@d" }), /start/);
  c.ua.start(identity);
  assert.throws(() => c.ua.start(identity), /already started/);
  const ack = invite([], "ACK");
  assert.throws(() => c.ua.request(ack, { protocol: "UDP", host: "192.0.2.1", port: 5060 }), /ACK/);
  const cancel = invite([], "CANCEL");
  assert.throws(
    () => c.ua.request(cancel, { protocol: "UDP", host: "192.0.2.1", port: 5060 }),
    /CANCEL/,
  );
  await c.ua.stop();
  assert.throws(
    () => c.ua.request(c.ua.createRequest("OPTIONS", { to: "sip:a@192.0.2.1", from: "sip:c@d" })),
    /stopped/,
  );
  // Inbound traffic after stop is ignored.
  c.ua.receiveMessage(invite(), { protocol: "UDP", host: "192.0.2.1", port: 5060 });
  assert.equal(c.transport.sent.length, 0);
});
