import assert from "node:assert/strict";
import {
  renderTemplate,
  scanTemplate,
  type TemplateContext,
  TemplateError,
} from "./flow_template.ts";
import { rawHeaderFields, rawHeaderValues } from "./raw_headers.ts";

const KEYWORDS: TemplateContext["keywords"] = {
  call_id: "abc@127.0.0.1",
  cseq: 1,
  branch: "z9hG4bK-1",
  from_tag: "ft1",
  local_ip: "127.0.0.1",
  local_port: 5070,
  remote_ip: "127.0.0.1",
  remote_port: 5060,
  transport: "UDP",
  service: "echo",
  user: "caller0001",
  domain: "lab.test",
  media_ip: "127.0.0.1",
  media_port: 6000,
};

const INVITE = `INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[user]@[domain]>;tag=[from_tag]
To: <sip:[service]@[domain]>
Call-ID: [call_id]
CSeq: [cseq] INVITE
Subject: [$subject]
Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP4 [media_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0

`;

Deno.test("render: CRLF line ends, keywords, variables and the body length", () => {
  const text = renderTemplate(INVITE, { keywords: KEYWORDS, vars: { subject: "héllo" } });
  const body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
    "m=audio 6000 RTP/AVP 0\r\n";
  assert.equal(
    text,
    "INVITE sip:echo@127.0.0.1:5060 SIP/2.0\r\n" +
      "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n" +
      "From: <sip:caller0001@lab.test>;tag=ft1\r\n" +
      "To: <sip:echo@lab.test>\r\n" +
      "Call-ID: abc@127.0.0.1\r\n" +
      "CSeq: 1 INVITE\r\n" +
      "Subject: héllo\r\n" +
      "Content-Type: application/sdp\r\n" +
      "Content-Length: 87\r\n" +
      "\r\n" + body,
  );
});

Deno.test("render without a body ends with an empty line and Content-Length 0", () => {
  const text = renderTemplate(
    "\n\nOPTIONS sip:[service]@[remote_ip] SIP/2.0\nContent-Length: [len]\n",
    {
      keywords: KEYWORDS,
      vars: {},
    },
  );
  assert.equal(text, "OPTIONS sip:echo@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n");
});

Deno.test("[len] counts UTF-8 bytes of the body", () => {
  const text = renderTemplate("MESSAGE sip:x SIP/2.0\nContent-Length: [len]\n\nhé\n", {
    keywords: {},
    vars: {},
  });
  assert.match(text, /Content-Length: 5\r\n\r\nhé\r\n$/); // h + é (2 bytes) + CRLF
});

const RECEIVED = "INVITE sip:uas@127.0.0.1 SIP/2.0\r\n" +
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-a\r\n" +
  "v: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-b\r\n" +
  "From: <sip:a@x>;tag=1\r\n" +
  "To: <sip:b@x>\r\n" +
  "Call-ID: c1\r\n" +
  "CSeq: 7\r\n INVITE\r\n" +
  "Content-Length: 0\r\n\r\n";

Deno.test("[last_Header:] copies whole lines, [last_Header] the values (compact forms too)", () => {
  const template = "SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:];tag=[from_tag]\n" +
    "[last_Call-ID:]\n[last_CSeq:]\n[last_Record-Route:]\nX-Seen: [last_via]\nContent-Length: [len]\n";
  const text = renderTemplate(template, { keywords: KEYWORDS, vars: {}, lastMessage: RECEIVED });
  assert.equal(
    text,
    "SIP/2.0 200 OK\r\n" +
      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-a\r\n" +
      "v: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-b\r\n" +
      "From: <sip:a@x>;tag=1\r\n" +
      "To: <sip:b@x>;tag=ft1\r\n" +
      "Call-ID: c1\r\n" +
      "CSeq: 7 INVITE\r\n" + // folded line unfolded (RFC 3261 §7.3.1); absent Record-Route dropped
      "X-Seen: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-a, SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-b\r\n" +
      "Content-Length: 0\r\n\r\n",
  );
});

Deno.test("render errors: missing variable, missing keyword value, no received message", () => {
  const render = (template: string, context: Partial<TemplateContext> = {}) => () =>
    renderTemplate(template, { keywords: {}, vars: {}, ...context });
  assert.throws(render("X [$nope]"), new TemplateError("variable $nope has no value"));
  assert.throws(render("X [call_id]"), new TemplateError("no value for [call_id]"));
  assert.throws(render("X [bogus]"), new TemplateError("unknown keyword [bogus]"));
  assert.throws(
    render("X\n[last_Via:]"),
    new TemplateError("[last_Via:] needs a received message"),
  );
  assert.throws(render("X\n\nbody [len]"), /\[len\] belongs in the headers/);
});

Deno.test("scan: placeholders with offsets; IPv6 references stay literal", () => {
  assert.deepEqual(
    scanTemplate("Via: SIP/2.0/UDP [::1]:5060;x=[$v];b=[branch] [last_To:][last_cseq]"),
    [
      { kind: "var", name: "v", offset: 30 },
      { kind: "keyword", name: "branch", offset: 37 },
      { kind: "last", name: "To", wholeLine: true, offset: 46 },
      { kind: "last", name: "cseq", wholeLine: false, offset: 56 },
    ],
  );
});

Deno.test("raw header fields: compact names, unfolding, stop at the empty line", () => {
  const fields = rawHeaderFields(RECEIVED + "Via: not-a-header\r\n");
  assert.equal(fields.length, 7);
  assert.deepEqual(fields[1], {
    name: "v",
    key: "via",
    value: "SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-b",
  });
  assert.deepEqual(rawHeaderValues(RECEIVED, "cseq"), ["7 INVITE"]);
  assert.deepEqual(rawHeaderValues(RECEIVED, "i"), ["c1"]);
});
