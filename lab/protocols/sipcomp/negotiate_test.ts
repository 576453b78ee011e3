import assert from "node:assert/strict";
import type { SipRequest, SipResponse } from "../../sip/message/message.ts";
import { parseMessage } from "../../sip/message/parser.ts";
import { messageToString, serializeMessage } from "../../sip/message/serializer.ts";
import {
  answersNegotiate,
  buildNegotiateRequest,
  buildNegotiateResponse,
  readNegotiateAnswer,
  readNegotiateOffer,
} from "./negotiate.ts";

/** MS-SIPCOMP §4.1, with the From/To URIs the research copy lost filled in. */
const SPEC_NEGOTIATE = [
  "NEGOTIATE sip:192.0.0.1:5061 SIP/2.0",
  "Via: SIP/2.0/TLS 192.0.0.2:2616",
  "CSeq: 1 NEGOTIATE",
  "Call-ID: 8d8b20f87c9c4221a732f3a70f57e9b8",
  "From: <sip:192.0.0.2:2616>;tag=984721fb59b64e45b469c91aba8a9f8f",
  "To: <sip:192.0.0.1:5061>",
  "Compression: LZ77-8K",
  "Max-Forwards: 0",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

/** MS-SIPCOMP §4.2, same filling-in. */
const SPEC_OK = [
  "SIP/2.0 200 OK",
  "Compression: LZ77-8K",
  "From: <sip:192.0.0.2:2616>;tag=984721fb59b64e45b469c91aba8a9f8f",
  "To: <sip:192.0.0.1:5061>;tag=D76F601D7239923FBE84D78BF8821C85",
  "Call-ID: 8d8b20f87c9c4221a732f3a70f57e9b8",
  "CSeq: 1 NEGOTIATE",
  "Via: SIP/2.0/TLS 192.0.0.2:2616;ms-received-port=2616;ms-received-cid=545400",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

const request = (text: string) => parseMessage(text) as SipRequest;
const response = (text: string) => parseMessage(text) as SipResponse;

Deno.test("the built NEGOTIATE has the shape of MS-SIPCOMP §4.1 and parses back", () => {
  const built = buildNegotiateRequest({
    server: { host: "192.0.0.1", port: 5061 },
    local: { host: "192.0.0.2", port: 2616 },
  });
  const req = request(messageToString(built));
  assert.equal(req.method, "NEGOTIATE");
  assert.equal(req.uri, "sip:192.0.0.1:5061");
  assert.equal(req.header("max-forwards"), "0");
  assert.equal(req.header("compression"), "LZ77-8K");
  assert.deepEqual(req.cseq, { seq: 1, method: "NEGOTIATE" });
  assert.equal(req.topVia.transport, "TLS");
  assert.equal(req.topVia.host, "192.0.0.2");
  assert.equal(req.topVia.port, 2616);
  assert.match(req.topVia.branch ?? "", /^z9hG4bK[0-9a-f]{24}$/);
  assert.ok(req.from.tag);
  assert.equal(req.to.tag, undefined);
  assert.equal(req.body.length, 0);
  assert.match(new TextDecoder().decode(serializeMessage(built)), /\r\nContent-Length: 0\r\n\r\n$/);
  assert.deepEqual(readNegotiateOffer(req), { kind: "lz77-8k" });
  const tcp = buildNegotiateRequest({
    server: { host: "[::1]", port: 5060 },
    local: { host: "[::1]", port: 40000 },
    transport: "TCP",
    aor: "sip:alice@contoso.com",
    callId: "c-1",
  });
  assert.match(tcp.header("via")!, /^SIP\/2\.0\/TCP \[::1\]:40000;branch=/);
  assert.equal(tcp.uri, "sip:[::1]:5060");
  assert.match(tcp.header("from")!, /^<sip:alice@contoso\.com>;tag=/);
  assert.equal(tcp.callId, "c-1");
});

Deno.test("the spec's NEGOTIATE offers LZ77-8K; other offers are classified", () => {
  assert.deepEqual(readNegotiateOffer(request(SPEC_NEGOTIATE)), { kind: "lz77-8k" });
  const variant = (line: string) =>
    readNegotiateOffer(request(SPEC_NEGOTIATE.replace("Compression: LZ77-8K", line)));
  assert.deepEqual(variant("Compression: lz77-8k"), { kind: "lz77-8k" });
  assert.deepEqual(variant("Compression: LZ77-64K"), {
    kind: "unsupported",
    compression: "LZ77-64K",
  });
  assert.deepEqual(variant("X-Other: 1"), {
    kind: "malformed",
    status: 400,
    reason: "Missing Compression Header",
  });
  assert.deepEqual(variant("Compression: LZ77-8K\r\nCompression: LZ77-8K"), {
    kind: "malformed",
    status: 400,
    reason: "More Than One Compression Header",
  });
  assert.deepEqual(variant("Compression: LZ77-8K;level=2"), {
    kind: "malformed",
    status: 400,
    reason: "Malformed Compression Header",
  });
});

Deno.test("answers: the spec's 200 accepts; anything else refuses or is provisional", () => {
  assert.equal(readNegotiateAnswer(response(SPEC_OK)), "accepted");
  const variant = (from: string, to: string) =>
    readNegotiateAnswer(response(SPEC_OK.replace(from, to)));
  assert.equal(variant("Compression: LZ77-8K", "Compression: None"), "refused");
  assert.equal(variant("Compression: LZ77-8K\r\n", ""), "refused");
  assert.equal(variant("200 OK", "501 Not Implemented"), "refused");
  assert.equal(variant("200 OK", "202 Accepted"), "refused");
  assert.equal(variant("200 OK", "100 Trying"), "provisional");
  assert.equal(
    variant("Compression: LZ77-8K", "Compression: LZ77-8K\r\nCompression: LZ77-8K"),
    "refused",
  );
  assert.ok(answersNegotiate(request(SPEC_NEGOTIATE), response(SPEC_OK)));
  assert.ok(!answersNegotiate(request(SPEC_NEGOTIATE), response(SPEC_OK.replace("8d8b", "9d8b"))));
  assert.ok(
    !answersNegotiate(
      request(SPEC_NEGOTIATE),
      response(SPEC_OK.replace("CSeq: 1 NEGOTIATE", "CSeq: 1 REGISTER")),
    ),
  );
});

Deno.test("the server's answers follow RFC 3261 §8.2.6.2 plus the Compression header", () => {
  const req = request(SPEC_NEGOTIATE);
  const accept = response(messageToString(buildNegotiateResponse(req, { kind: "accept" })));
  assert.equal(accept.status, 200);
  assert.equal(accept.header("compression"), "LZ77-8K");
  assert.deepEqual(accept.headerValues("via"), req.headerValues("via"));
  assert.equal(accept.header("from"), req.header("from"));
  assert.match(accept.header("to")!, /^<sip:192\.0\.0\.1:5061>;tag=[0-9a-f]{32}$/);
  assert.equal(accept.callId, req.callId);
  assert.equal(accept.header("cseq"), "1 NEGOTIATE");
  assert.equal(readNegotiateAnswer(accept), "accepted");
  assert.ok(answersNegotiate(req, accept));

  const refuse = buildNegotiateResponse(req, { kind: "refuse" });
  assert.equal(refuse.status, 200);
  assert.equal(refuse.header("compression"), "None");
  assert.equal(readNegotiateAnswer(refuse), "refused");

  const reject = buildNegotiateResponse(req, {
    kind: "reject",
    status: 400,
    reason: "Missing Compression Header",
  });
  assert.equal(reject.status, 400);
  assert.equal(reject.reason, "Missing Compression Header");
  assert.equal(reject.header("compression"), undefined);
  assert.equal(readNegotiateAnswer(reject), "refused");
});
