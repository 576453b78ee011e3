import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { formatReportError, parseReportError } from "./report_error.ts";
import {
  acceptReportError,
  isReportableFailure,
  reportedErrorFrom,
} from "./report_error_service.ts";
import { GUIDE_REPORT_ERROR_BODY, GUIDE_SERVICE_HEADERS } from "./testdata/ms_ocer_examples.ts";

const encode = (s: string) => new TextEncoder().encode(s);

function guideService(body: Uint8Array = encode(GUIDE_REPORT_ERROR_BODY)): SipRequest {
  const r = new SipRequest("SERVICE", "sip:user@contoso.com");
  for (const [name, value] of GUIDE_SERVICE_HEADERS) r.addHeader(name, value);
  r.body = body;
  return r;
}

Deno.test("server: the guide's SERVICE example is accepted; fromUri defaults to From", () => {
  const verdict = acceptReportError(guideService());
  assert.ok(verdict.ok);
  assert.equal(verdict.status, 200);
  assert.equal(verdict.reporter, "sip:user@contoso.com");
  const [e] = verdict.report.errors;
  assert.equal(e.fromUri, "sip:user@contoso.com", "MS-OCER §2.2.2: From of the SERVICE");
  assert.equal(e.responseCode, 408);
  assert.equal(e.progressReports.length, 1);
  const explicit = guideService(
    encode(GUIDE_REPORT_ERROR_BODY.replace("<error ", '<error fromUri="sip:other@contoso.com" ')),
  );
  const v2 = acceptReportError(explicit);
  assert.ok(v2.ok && v2.report.errors[0].fromUri === "sip:other@contoso.com");
  // Content-Type parameters and case do not matter.
  const cased = guideService();
  cased.setHeader("Content-Type", "Application/MSRTC-ReportError+XML; charset=utf-8");
  assert.ok(acceptReportError(cased).ok);
});

Deno.test("server: wrong Content-Type → 415 with Accept and ms-diagnostics 4013", () => {
  const r = guideService();
  r.setHeader("Content-Type", "application/sdp");
  const verdict = acceptReportError(r, { source: "fe01.sipfleet.test" });
  assert.ok(!verdict.ok);
  assert.equal(verdict.status, 415);
  assert.equal(verdict.failure, "unsupported-content-type");
  assert.equal(verdict.accept, "application/msrtc-reporterror+xml");
  assert.equal(verdict.plan.diagnostics.errorId, 4013);
  assert.equal(verdict.plan.diagnostics.source, "fe01.sipfleet.test");
  r.removeHeader("Content-Type");
  assert.equal(acceptReportError(r).ok, false);
});

Deno.test("server: malformed bodies → 400 with problems and ms-diagnostics 4001", () => {
  for (
    const body of [
      encode("<reportError"),
      encode(GUIDE_REPORT_ERROR_BODY.replace(' callId="5ec5a21ab8bb4960b98de162f45cd204"', "")),
      new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]),
      new Uint8Array(0),
    ]
  ) {
    const verdict = acceptReportError(guideService(body));
    assert.ok(!verdict.ok);
    assert.equal(verdict.status, 400);
    assert.equal(verdict.failure, "malformed-body");
    assert.ok(verdict.problems.length > 0);
    assert.equal(verdict.plan.diagnostics.errorId, 4001);
  }
});

function failedInvite(): SipRequest {
  return new SipRequest("INVITE", "sip:+14255550100@contoso.com;user=phone")
    .addHeader("From", '"Bob" <sip:user@contoso.com>;tag=823bb11e1a;epid=35cd761967')
    .addHeader("To", "<sip:+14255550100@contoso.com;user=phone>")
    .addHeader("Call-ID", "5ec5a21ab8bb4960b98de162f45cd204")
    .addHeader("CSeq", "1 INVITE")
    .addHeader("Content-Type", "application/sdp;call-type=audiovideo");
}

function response(
  status: number,
  reason: string,
  diagnostics?: string,
  toTag = "4F230FC472C24AD1255468D8C334D8FE",
) {
  const r = new SipResponse(status, reason)
    .addHeader("From", '"Bob" <sip:user@contoso.com>;tag=823bb11e1a;epid=35cd761967')
    .addHeader("To", `<sip:+14255550100@contoso.com;user=phone>;tag=${toTag}`)
    .addHeader("Call-ID", "5ec5a21ab8bb4960b98de162f45cd204")
    .addHeader("CSeq", "1 INVITE");
  if (diagnostics !== undefined) r.addHeader("ms-diagnostics", diagnostics);
  return r;
}

Deno.test("client: the report record of a failed INVITE, its final and provisional responses", () => {
  const final = response(
    408,
    "Request Timeout",
    '10000;reason="Gateway returned a SIP failure code"',
  );
  const provisionals = [
    response(100, "Trying"),
    response(183, "Session Progress", '12006;reason="Trying next hop";appName="OutboundRouting"'),
    response(183, "Session Progress", "unparsable"),
  ];
  assert.equal(isReportableFailure(final), true);
  const record = reportedErrorFrom(failedInvite(), final, provisionals);
  assert.deepEqual(record, {
    toUri: "sip:+14255550100@contoso.com;user=phone",
    callId: "5ec5a21ab8bb4960b98de162f45cd204",
    fromTag: "823bb11e1a",
    toTag: "4F230FC472C24AD1255468D8C334D8FE",
    contentType: "application/sdp;call-type=audiovideo",
    responseCode: 408,
    requestType: "INVITE",
    diagHeader: '10000;reason="Gateway returned a SIP failure code"',
    progressReports: [{ diagHeader: '12006;reason="Trying next hop";appName="OutboundRouting"' }],
  });
  // Client to server: the SERVICE built from it is accepted.
  const service = guideService(encode(formatReportError({ errors: [record] })));
  const verdict = acceptReportError(service);
  assert.ok(verdict.ok);
  assert.deepEqual(verdict.report.errors[0], { ...record, fromUri: "sip:user@contoso.com" });
});

Deno.test("client: what is worth reporting", () => {
  assert.equal(isReportableFailure(response(486, "Busy Here")), false, "no diagnostics");
  assert.equal(
    isReportableFailure(response(180, "Ringing", '1;reason="x"')),
    false,
    "not final failure",
  );
  assert.equal(isReportableFailure(response(200, "OK", '1;reason="x"')), false);
  assert.equal(isReportableFailure(response(480, "Temporarily Unavailable", "garbage")), false);
  const pub = response(403, "Forbidden");
  pub.addHeader(
    "ms-diagnostics-public",
    '4004;reason="Credentials provided are not authorized to act as specified from URI"',
  );
  assert.equal(isReportableFailure(pub), true);
  const record = reportedErrorFrom(failedInvite(), pub);
  assert.ok(record.diagHeader?.startsWith("4004;"));
  const noBody = reportedErrorFrom(
    new SipRequest("BYE", "sip:x@y").addHeader("From", "<sip:a@b>")
      .addHeader("To", "<sip:x@y>").addHeader("Call-ID", "k").addHeader("CSeq", "3 BYE"),
    response(481, "No"),
  );
  assert.equal(noBody.fromTag, undefined);
  assert.equal(noBody.contentType, undefined);
  assert.equal(noBody.diagHeader, undefined);
  assert.ok(parseReportError(formatReportError({ errors: [noBody] })).ok);
});
