import assert from "node:assert/strict";
import {
  formatReportError,
  parseReportError,
  type ReportedError,
  reportedErrorProblems,
  type ReportErrorProblem,
} from "./report_error.ts";
import { GUIDE_REPORT_ERROR_BODY as GUIDE_BODY } from "./testdata/ms_ocer_examples.ts";

// MS-OCER §3.1.4.1 as published: same content, different layout, trailing blanks and line
// breaks inside diagHeader.
const SPEC_BODY =
  '<reportError xmlns="http://schemas.microsoft.com/2006/09/sip/error-reporting">\r\n' +
  '    <error toUri="sip:user@contoso.com"  \r\n' +
  '           callId="5ec5a21ab8bb4960b98de162f45cd204"\r\n' +
  '           fromTag="823bb11e1a"  \r\n' +
  '           toTag="4F230FC472C24AD1255468D8C334D8FE"\r\n' +
  '           contentType="application/sdp;call-type=audiovideo"\r\n' +
  '           responseCode="408"\r\n' +
  '           requestType="INVITE">\r\n' +
  '        <diagHeader>10000;reason="Gateway returned a SIP failure code"\r\n' +
  "        </diagHeader>\r\n" +
  "        <progressReports>\r\n" +
  "            <progressReport>\r\n" +
  '                <diagHeader>12006;reason="Trying next hop";appName="OutboundRouting" \r\n' +
  "                </diagHeader>\r\n" +
  "            </progressReport>\r\n" +
  "        </progressReports>\r\n" +
  "    </error>\r\n" +
  "</reportError>";

const EXPECTED: ReportedError = {
  toUri: "sip:user@contoso.com",
  callId: "5ec5a21ab8bb4960b98de162f45cd204",
  fromTag: "823bb11e1a",
  toTag: "4F230FC472C24AD1255468D8C334D8FE",
  contentType: "application/sdp;call-type=audiovideo",
  responseCode: 408,
  requestType: "INVITE",
  diagHeader: '10000;reason="Gateway returned a SIP failure code"',
  progressReports: [{ diagHeader: '12006;reason="Trying next hop";appName="OutboundRouting"' }],
};

Deno.test("reportError: the guide's and the specification's example bodies", () => {
  for (const body of [GUIDE_BODY, SPEC_BODY]) {
    const r = parseReportError(body);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(r.report, { errors: [EXPECTED] });
  }
});

Deno.test("reportError: the writer's exact output, and it reads back", () => {
  const text = formatReportError({
    errors: [EXPECTED, {
      callId: "a&b",
      requestType: "SERVICE",
      responseCode: 0,
      progressReports: [{}],
    }],
  });
  assert.equal(
    text,
    [
      '<reportError xmlns="http://schemas.microsoft.com/2006/09/sip/error-reporting">',
      '  <error toUri="sip:user@contoso.com" callId="5ec5a21ab8bb4960b98de162f45cd204" ' +
      'fromTag="823bb11e1a" toTag="4F230FC472C24AD1255468D8C334D8FE" ' +
      'contentType="application/sdp;call-type=audiovideo" responseCode="408" requestType="INVITE">',
      '    <diagHeader>10000;reason="Gateway returned a SIP failure code"</diagHeader>',
      "    <progressReports>",
      "      <progressReport>",
      '        <diagHeader>12006;reason="Trying next hop";appName="OutboundRouting"</diagHeader>',
      "      </progressReport>",
      "    </progressReports>",
      "  </error>",
      '  <error callId="a&amp;b" responseCode="0" requestType="SERVICE">',
      "    <progressReports>",
      "      <progressReport/>",
      "    </progressReports>",
      "  </error>",
      "</reportError>",
    ].join("\r\n"),
  );
  const back = parseReportError(text);
  assert.ok(back.ok);
  assert.deepEqual(back.report.errors[1], {
    callId: "a&b",
    requestType: "SERVICE",
    responseCode: 0,
    progressReports: [{}],
  });
  const minimal = formatReportError({
    errors: [{ callId: "c", requestType: "BYE", responseCode: 481, progressReports: [] }],
  });
  assert.ok(minimal.includes("<progressReports/>"));
  assert.ok(parseReportError(minimal).ok);
  assert.throws(() => formatReportError({ errors: [] }), RangeError);
  assert.throws(
    () => formatReportError({ errors: [{ ...EXPECTED, requestType: "X".repeat(34) }] }),
    RangeError,
  );
});

function problemsOf(body: string): ReportErrorProblem[] {
  const r = parseReportError(body);
  assert.equal(r.ok, false, body);
  return r.ok ? [] : r.problems;
}

const NS = 'xmlns="http://schemas.microsoft.com/2006/09/sip/error-reporting"';
const error = (attrs: string, inner = "<progressReports/>") =>
  `<reportError ${NS}><error ${attrs}>${inner}</error></reportError>`;
const GOOD_ATTRS = 'callId="c" responseCode="408" requestType="INVITE"';

Deno.test("reportError: malformed documents give typed problems (server validation)", () => {
  const codes = (body: string) => problemsOf(body).map((p) => p.code);
  assert.deepEqual(codes("<reportError"), ["xml-syntax"]);
  assert.deepEqual(codes("<reportError/>"), ["wrong-root"]);
  assert.deepEqual(codes('<reportError xmlns="urn:other"/>'), ["wrong-root"]);
  assert.deepEqual(codes(`<errors ${NS}/>`), ["wrong-root"]);
  assert.deepEqual(codes(`<reportError ${NS}/>`), ["no-error-element"]);
  assert.deepEqual(codes(error('responseCode="408" requestType="INVITE"')), ["missing-attribute"]);
  assert.deepEqual(codes(error('callId="c" requestType="INVITE"')), ["missing-attribute"]);
  assert.deepEqual(codes(error('callId="c" responseCode="408"')), ["missing-attribute"]);
  assert.deepEqual(codes(error("")), [
    "missing-attribute",
    "missing-attribute",
    "missing-attribute",
  ]);
  for (const rc of ["-1", "4xx", "4294967296", "", "1e3"]) {
    assert.deepEqual(codes(error(`callId="c" responseCode="${rc}" requestType="INVITE"`)), [
      "invalid-attribute",
    ], rc);
  }
  assert.deepEqual(
    codes(error(`callId="c" responseCode="4294967295" requestType="${"A".repeat(34)}"`)),
    ["invalid-attribute"],
  );
  assert.deepEqual(codes(error('callId="c" responseCode="408" requestType="IN VITE"')), [
    "invalid-attribute",
  ]);
  assert.deepEqual(codes(error(`${GOOD_ATTRS} contentType="${"x".repeat(258)}"`)), [
    "invalid-attribute",
  ]);
  assert.deepEqual(codes(error(GOOD_ATTRS, "")), ["missing-progress-reports"]);
  assert.deepEqual(codes(error(GOOD_ATTRS, "<progressReports/><progressReports/>")), [
    "duplicate-element",
  ]);
  assert.deepEqual(
    codes(
      error(GOOD_ATTRS, "<diagHeader>a</diagHeader><diagHeader>b</diagHeader><progressReports/>"),
    ),
    ["duplicate-element"],
  );
  assert.deepEqual(codes(error(GOOD_ATTRS, "<surprise/><progressReports/>")), [
    "unexpected-element",
  ]);
  assert.deepEqual(codes(error(GOOD_ATTRS, "<progressReports><x/></progressReports>")), [
    "unexpected-element",
  ]);
  assert.deepEqual(
    codes(error(GOOD_ATTRS, `<diagHeader>${"d".repeat(65_536)}</diagHeader><progressReports/>`)),
    ["too-long"],
  );
  // Problems name the failing record.
  const two =
    `<reportError ${NS}><error ${GOOD_ATTRS}><progressReports/></error><error callId="x"><progressReports/></error></reportError>`;
  assert.ok(problemsOf(two).every((p) => p.errorIndex === 1));
});

Deno.test("reportError: limits at the boundary are accepted; extensions in other namespaces ignored", () => {
  const body =
    `<reportError ${NS} xmlns:x="urn:ext"><x:meta/><error callId="c" responseCode="4294967295" ` +
    `requestType="${"A".repeat(33)}" contentType="${"x".repeat(257)}" x:attr="1">` +
    `<diagHeader>${
      "d".repeat(65_535)
    }</diagHeader><x:note>hi</x:note><progressReports/></error></reportError>`;
  const r = parseReportError(body);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  assert.equal(r.report.errors[0].responseCode, 4294967295);
  assert.deepEqual(reportedErrorProblems(r.report.errors[0]), []);
});
