import assert from "node:assert/strict";
import { parseMessage, type SipRequest, type Uri } from "../../../lab/sip/message/mod.ts";
import { applyStrictRoute, branchRequest, popOwnRoute } from "./branch_request.ts";

function request(uri: string, headers: string[]): SipRequest {
  const text = [
    `BYE ${uri} SIP/2.0`,
    "Via: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bKa",
    ...headers,
    ...(headers.some((h) => h.startsWith("Max-Forwards")) ? [] : ["Max-Forwards: 70"]),
    "From: <sip:alice@lab.test>;tag=a1",
    "To: <sip:bob@lab.test>;tag=b1",
    "Call-ID: c1",
    "CSeq: 2 BYE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return parseMessage(new TextEncoder().encode(text)) as SipRequest;
}

const isLocal = (uri: Uri) => "host" in uri && uri.host === "192.0.2.1";

Deno.test("§16.4: the proxy's own Route is removed; others stay in order", () => {
  const bye = request("sip:bob@192.0.2.7", [
    "Route: <sip:192.0.2.1:5060;lr>, <sip:edge.lab.test;lr>",
  ]);
  popOwnRoute(bye, isLocal);
  assert.deepEqual(bye.headerValues("route"), ["<sip:edge.lab.test;lr>"]);
});

Deno.test("§16.4: a Request-URI of this proxy (strict router upstream) takes the last Route", () => {
  const bye = request("sip:192.0.2.1:5060", ["Route: <sip:edge.lab.test;lr>, <sip:bob@192.0.2.7>"]);
  popOwnRoute(bye, isLocal);
  assert.equal(bye.uri, "sip:bob@192.0.2.7");
  assert.deepEqual(bye.headerValues("route"), ["<sip:edge.lab.test;lr>"]);
});

Deno.test("§16.4: a GRUU of the served domain is no Record-Route value: only the own Route goes", () => {
  // The front end's domain is local, but a user's GRUU there is a target, not this proxy.
  const local = (uri: Uri) => isLocal(uri) || (uri as { host?: string }).host === "lab.test";
  const ownRecordRoute = (uri: Uri) => local(uri) && (uri as { user?: string }).user === undefined;
  const bye = request("sip:bob@lab.test;opaque=user:epid:x;gruu", [
    "Route: <sip:192.0.2.1:5060;lr>",
  ]);
  popOwnRoute(bye, local, ownRecordRoute);
  assert.equal(bye.uri, "sip:bob@lab.test;opaque=user:epid:x;gruu");
  assert.deepEqual(bye.headerValues("route"), []);
});

Deno.test("§16.6 steps 2–4: Request-URI, Max-Forwards − 1 (70 when absent), Record-Route with lr", () => {
  const original = request("sip:bob@lab.test", ["Max-Forwards: 10"]);
  const branch = branchRequest(original, "sip:bob@192.0.2.7:5070", "sip:192.0.2.1:5060;lr");
  assert.equal(branch.uri, "sip:bob@192.0.2.7:5070");
  assert.equal(branch.header("max-forwards"), "9");
  assert.equal(branch.header("record-route"), "<sip:192.0.2.1:5060;lr>");
  assert.equal(original.uri, "sip:bob@lab.test", "the received request is untouched");
  assert.equal(original.header("record-route"), undefined);
  const bare = request("sip:bob@lab.test", []);
  bare.removeHeader("max-forwards");
  const none = branchRequest(bare, "sip:bob@192.0.2.7", undefined);
  assert.equal(none.header("max-forwards"), "70");
});

Deno.test("§16.6 step 6: a next hop without lr is a strict router", () => {
  const loose = request("sip:bob@192.0.2.7", ["Route: <sip:edge.lab.test;lr>"]);
  assert.equal(applyStrictRoute(loose), false);
  const strict = request("sip:bob@192.0.2.7", ["Route: <sip:192.0.2.5>, <sip:edge.lab.test;lr>"]);
  assert.equal(applyStrictRoute(strict), true);
  assert.equal(strict.uri, "sip:192.0.2.5");
  assert.deepEqual(strict.headerValues("route"), ["<sip:edge.lab.test;lr>", "<sip:bob@192.0.2.7>"]);
});
