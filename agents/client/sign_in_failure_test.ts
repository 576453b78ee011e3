import assert from "node:assert/strict";
import { parseMessage, type SipResponse } from "../../lab/sip/message/mod.ts";
import { describeFailure, failureFromResponse } from "./sign_in_failure.ts";

function response(status: string, extra: string[]): SipResponse {
  const text = [
    `SIP/2.0 ${status}`,
    "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1",
    "From: <sip:alice@contoso.com>;tag=1",
    "To: <sip:alice@contoso.com>;tag=2",
    "Call-ID: c1",
    "CSeq: 3 REGISTER",
    ...extra,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return parseMessage(new TextEncoder().encode(text)) as SipResponse;
}

Deno.test("failureFromResponse keeps the status and the ms-diagnostics ErrorId", () => {
  const failure = failureFromResponse(
    "refused",
    response("404 Not Found", ['ms-diagnostics: 4005;reason="User does not exist";source="fe"']),
  );
  assert.equal(failure.kind, "refused");
  assert.equal(failure.status, 404);
  assert.equal(failure.diagnosticsId, 4005);
  assert.match(describeFailure(failure), /^refused: 404 Not Found \(4005 User does not exist\)/);
});

Deno.test("failureFromResponse reads ms-diagnostics-public (MS-SIPREGE §4.1.3 example id)", () => {
  const failure = failureFromResponse(
    "deregistered",
    response("403 Forbidden", ['ms-diagnostics-public: 4141;reason="User disabled"']),
  );
  assert.equal(failure.diagnosticsId, 4141);
});

Deno.test("failureFromResponse without diagnostics has no ErrorId", () => {
  const failure = failureFromResponse("timeout", response("408 Request Timeout", []));
  assert.equal(failure.diagnosticsId, undefined);
  assert.equal(failure.reason, "408 Request Timeout");
});
