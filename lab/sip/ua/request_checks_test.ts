import assert from "node:assert/strict";
import { SipRequest } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import { supportedMethodSet } from "./methods.ts";
import { checkMethod, checkRequire, checkUriScheme } from "./request_checks.ts";

function request(method: string, uri = "sip:bob@biloxi.example.com", extra: string[] = []) {
  return parseMessage(
    [
      `${method} ${uri} SIP/2.0`,
      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
      "Max-Forwards: 70",
      "To: Bob <sip:bob@biloxi.example.com>",
      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
      "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
      `CSeq: 314159 ${method}`,
      ...extra,
      "Content-Length: 0",
    ].join("\r\n") + "\r\n\r\n",
  ) as SipRequest;
}

const allowed = supportedMethodSet(["INVITE", "BYE", "OPTIONS"]);
const allow = [...allowed].join(", ");

Deno.test("supported methods: INVITE brings ACK and CANCEL along", () => {
  assert.deepEqual([...allowed], ["INVITE", "BYE", "OPTIONS", "ACK", "CANCEL"]);
  assert.deepEqual([...supportedMethodSet(["MESSAGE"])], ["MESSAGE"]);
});

Deno.test("§8.2.1: allowed methods pass; known ones get 405, unknown ones 501, both with Allow", () => {
  for (const method of ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"]) {
    assert.equal(checkMethod(request(method), allowed, allow), undefined, method);
  }
  for (const method of ["REGISTER", "SUBSCRIBE", "NOTIFY", "MESSAGE", "SERVICE", "BENOTIFY"]) {
    assert.deepEqual(checkMethod(request(method), allowed, allow), {
      status: 405,
      reason: "Method Not Allowed",
      headers: [["Allow", "INVITE, BYE, OPTIONS, ACK, CANCEL"]],
    }, method);
  }
  // Method names are case-sensitive (§7.1): "invite" is not INVITE.
  for (const method of ["FOO", "invite"]) {
    assert.deepEqual(checkMethod(new SipRequest(method, "sip:x@y"), allowed, allow), {
      status: 501,
      reason: "Not Implemented",
      headers: [["Allow", allow]],
    }, method);
  }
});

Deno.test("§8.2.2.1: a Request-URI scheme not served gets 416", () => {
  assert.equal(checkUriScheme(request("OPTIONS"), ["sip", "sips"]), undefined);
  assert.equal(
    checkUriScheme(request("OPTIONS", "sips:bob@biloxi.example.com"), ["sip", "sips"]),
    undefined,
  );
  assert.deepEqual(checkUriScheme(request("OPTIONS", "tel:+15551234567"), ["sip", "sips"]), {
    status: 416,
    reason: "Unsupported URI Scheme",
    headers: [],
  });
  assert.equal(checkUriScheme(request("OPTIONS", "tel:+15551234567"), ["sip", "tel"]), undefined);
});

Deno.test("§8.2.2.3: 420 lists exactly the unsupported option tags, each once, as written", () => {
  const supported = new Set(["timer", "replaces"]);
  assert.equal(checkRequire(request("INVITE"), supported), undefined);
  assert.equal(
    checkRequire(request("INVITE", undefined, ["Require: Timer,replaces"]), supported),
    undefined,
  );
  assert.deepEqual(
    checkRequire(
      request("INVITE", undefined, ["Require: 100rel, timer", "Require: foo, 100rel"]),
      supported,
    ),
    { status: 420, reason: "Bad Extension", headers: [["Unsupported", "100rel, foo"]] },
  );
});

Deno.test("§8.2.2.3: ACK and CANCEL are never refused for their Require", () => {
  for (const method of ["ACK", "CANCEL"]) {
    assert.equal(
      checkRequire(request(method, undefined, ["Require: 100rel"]), new Set()),
      undefined,
    );
  }
});
