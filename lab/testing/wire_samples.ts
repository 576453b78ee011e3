/**
 * One message of every type the lab puts on the wire, built with the real message model the
 * way a lab UA builds them (RFC 3261 §8.1.1 request fields, §8.2.6 response fields), for
 * wire-format checks against an independent dissector.
 *
 * @module
 */
import { type AnySipMessage, SipRequest, SipResponse } from "../sip/message/mod.ts";

/** A sample message and what a dissector must report for it. */
export interface WireSample {
  /** Short label for test output. */
  label: string;
  message: AnySipMessage;
  /** The method (requests) or status code (responses) a dissector must see. */
  expect: { method: string } | { status: number };
}

/** Where the samples claim to come from and go to. */
export interface WireSampleAddressing {
  /** The sender's host:port (Via sent-by, Contact). */
  local: string;
  /** The receiver's host:port (Request-URIs). */
  remote: string;
  /** Via transport token. Default "UDP". */
  transport?: "UDP" | "TCP";
}

const encoder = new TextEncoder();

const SDP_OFFER = [
  "v=0",
  "o=alice 2890844526 2890844526 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 49170 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=sendrecv",
  "",
].join("\r\n");

const SDP_ANSWER = [
  "v=0",
  "o=bob 2808844564 2808844564 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 3456 RTP/AVP 0 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=sendrecv",
  "",
].join("\r\n");

const PIDF = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@lab.example">',
  '  <tuple id="t1"><status><basic>open</basic></status></tuple>',
  "</presence>",
  "",
].join("\r\n");

/**
 * Every request method and response class the lab sends, one message each: INVITE with SDP,
 * ACK, BYE, CANCEL, OPTIONS, REGISTER, SUBSCRIBE, NOTIFY with PIDF, MESSAGE, INFO, PUBLISH,
 * UPDATE, REFER, PRACK; 100, 180 (reliable), 200 with SDP, 202, 401, 407, 481, 486, 487, 500,
 * 503.
 *
 * @example
 * ```ts
 * for (const s of labWireSamples({ local: "127.0.0.1:5070", remote: "127.0.0.1:5060" })) {
 *   serializeMessage(s.message);
 * }
 * ```
 */
export function labWireSamples(addressing: WireSampleAddressing): WireSample[] {
  const transport = addressing.transport ?? "UDP";
  const { local, remote } = addressing;
  const alice = "<sip:alice@lab.example>";
  const bob = "<sip:bob@lab.example>";
  let branchCounter = 0;
  const branch = () => `z9hG4bK-lab-${Date.now().toString(36)}-${++branchCounter}`;
  const via = (b: string) => `SIP/2.0/${transport} ${local};branch=${b};rport`;
  const dialogCallId = "a84b4c76e66710@lab.example";
  const fromTag = "1928301774";
  const toTag = "a6c85cf";

  /** A request as the UAC core builds it (§8.1.1). */
  const request = (
    method: string,
    callId: string,
    cseq: number,
    options: { inDialog?: boolean; cseqMethod?: string; branch?: string } = {},
  ) => {
    const uri = options.inDialog ? `sip:bob@${remote}` : "sip:bob@lab.example";
    const req = new SipRequest(method, uri);
    req.addHeader("Via", via(options.branch ?? branch()));
    req.addHeader("Max-Forwards", "70");
    req.addHeader("From", `"Alice" ${alice};tag=${fromTag}`);
    req.addHeader("To", options.inDialog ? `${bob};tag=${toTag}` : bob);
    req.addHeader("Call-ID", callId);
    req.addHeader("CSeq", `${cseq} ${options.cseqMethod ?? method}`);
    req.addHeader("User-Agent", "sipfleet-lab/0.1");
    return req;
  };
  const withBody = <T extends AnySipMessage>(msg: T, type: string, body: string): T => {
    msg.addHeader("Content-Type", type);
    msg.body = encoder.encode(body);
    return msg;
  };
  const contact = `<sip:alice@${local};transport=${transport.toLowerCase()}>`;

  const inviteBranch = branch();
  const invite = withBody(
    request("INVITE", dialogCallId, 314159, { branch: inviteBranch })
      .addHeader("Contact", contact)
      .addHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY")
      .addHeader("Supported", "100rel, timer, replaces")
      .addHeader("X-Lab-Scenario", "basic-call"),
    "application/sdp",
    SDP_OFFER,
  );

  /** A response to the INVITE as the UAS core builds it (§8.2.6). */
  const response = (status: number, reason: string, cseq = "314159 INVITE", tagged = true) => {
    const res = new SipResponse(status, reason);
    res.addHeader("Via", via(inviteBranch));
    res.addHeader("From", `"Alice" ${alice};tag=${fromTag}`);
    res.addHeader("To", tagged ? `${bob};tag=${toTag}` : bob);
    res.addHeader("Call-ID", dialogCallId);
    res.addHeader("CSeq", cseq);
    res.addHeader("Server", "sipfleet-lab/0.1");
    return res;
  };

  const samples: WireSample[] = [
    { label: "INVITE with SDP offer", message: invite, expect: { method: "INVITE" } },
    {
      label: "100 Trying",
      message: response(100, "Trying", "314159 INVITE", false),
      expect: { status: 100 },
    },
    {
      label: "180 Ringing (reliable)",
      message: response(180, "Ringing")
        .addHeader("Contact", `<sip:bob@${remote}>`)
        .addHeader("Require", "100rel")
        .addHeader("RSeq", "1"),
      expect: { status: 180 },
    },
    {
      label: "PRACK",
      message: request("PRACK", dialogCallId, 314160, { inDialog: true })
        .addHeader("RAck", "1 314159 INVITE"),
      expect: { method: "PRACK" },
    },
    {
      label: "UPDATE with SDP",
      message: withBody(
        request("UPDATE", dialogCallId, 314161, { inDialog: true }).addHeader("Contact", contact),
        "application/sdp",
        SDP_OFFER,
      ),
      expect: { method: "UPDATE" },
    },
    {
      label: "200 OK with SDP answer",
      message: withBody(
        response(200, "OK").addHeader("Contact", `<sip:bob@${remote}>`),
        "application/sdp",
        SDP_ANSWER,
      ),
      expect: { status: 200 },
    },
    {
      label: "ACK for 2xx",
      message: request("ACK", dialogCallId, 314159, { inDialog: true }),
      expect: { method: "ACK" },
    },
    {
      label: "INFO (DTMF relay)",
      message: withBody(
        request("INFO", dialogCallId, 314162, { inDialog: true }),
        "application/dtmf-relay",
        "Signal=5\r\nDuration=160\r\n",
      ),
      expect: { method: "INFO" },
    },
    {
      label: "REFER",
      message: request("REFER", dialogCallId, 314163, { inDialog: true })
        .addHeader("Contact", contact)
        .addHeader("Refer-To", "<sip:carol@lab.example>")
        .addHeader("Referred-By", alice),
      expect: { method: "REFER" },
    },
    {
      label: "202 Accepted",
      message: response(202, "Accepted", "314163 REFER"),
      expect: { status: 202 },
    },
    {
      label: "BYE",
      message: request("BYE", dialogCallId, 314164, { inDialog: true }),
      expect: { method: "BYE" },
    },
    {
      label: "CANCEL",
      // §9.1: same Call-ID, To, From, CSeq number and top Via branch as the INVITE.
      message: request("CANCEL", dialogCallId, 314159, { branch: inviteBranch }),
      expect: { method: "CANCEL" },
    },
    {
      label: "487 Request Terminated",
      message: response(487, "Request Terminated"),
      expect: { status: 487 },
    },
    {
      label: "OPTIONS",
      message: request("OPTIONS", "opt-6a1f@lab.example", 1).addHeader("Accept", "application/sdp"),
      expect: { method: "OPTIONS" },
    },
    {
      label: "REGISTER",
      message: request("REGISTER", "reg-77c2@lab.example", 1)
        .addHeader("Contact", `${contact};expires=3600`)
        .addHeader("Expires", "3600"),
      expect: { method: "REGISTER" },
    },
    {
      label: "401 Unauthorized",
      message: response(401, "Unauthorized", "1 REGISTER").addHeader(
        "WWW-Authenticate",
        'Digest realm="lab.example", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
          'algorithm=MD5, qop="auth"',
      ),
      expect: { status: 401 },
    },
    {
      label: "407 Proxy Authentication Required",
      message: response(407, "Proxy Authentication Required").addHeader(
        "Proxy-Authenticate",
        'Digest realm="lab.example", nonce="f84f1cec41e6cbe5aea9c8e88d359", ' +
          'opaque="", stale=FALSE, algorithm=MD5',
      ),
      expect: { status: 407 },
    },
    {
      label: "SUBSCRIBE",
      message: request("SUBSCRIBE", "sub-3c1d@lab.example", 1)
        .addHeader("Contact", contact)
        .addHeader("Event", "presence")
        .addHeader("Accept", "application/pidf+xml")
        .addHeader("Expires", "600"),
      expect: { method: "SUBSCRIBE" },
    },
    {
      label: "NOTIFY with PIDF",
      message: withBody(
        request("NOTIFY", "sub-3c1d@lab.example", 2, { inDialog: true })
          .addHeader("Contact", contact)
          .addHeader("Event", "presence")
          .addHeader("Subscription-State", "active;expires=599"),
        "application/pidf+xml",
        PIDF,
      ),
      expect: { method: "NOTIFY" },
    },
    {
      label: "PUBLISH with PIDF",
      message: withBody(
        request("PUBLISH", "pub-9e0b@lab.example", 1)
          .addHeader("Event", "presence")
          .addHeader("Expires", "3600"),
        "application/pidf+xml",
        PIDF,
      ),
      expect: { method: "PUBLISH" },
    },
    {
      label: "MESSAGE",
      message: withBody(
        request("MESSAGE", "msg-41aa@lab.example", 1),
        "text/plain;charset=UTF-8",
        "Hello from the lab — ✓",
      ),
      expect: { method: "MESSAGE" },
    },
    {
      label: "481 Call/Transaction Does Not Exist",
      message: response(481, "Call/Transaction Does Not Exist", "314164 BYE"),
      expect: { status: 481 },
    },
    {
      label: "486 Busy Here",
      message: response(486, "Busy Here"),
      expect: { status: 486 },
    },
    {
      label: "500 Server Internal Error",
      message: response(500, "Server Internal Error").addHeader("Retry-After", "5"),
      expect: { status: 500 },
    },
    {
      label: "503 Service Unavailable",
      message: response(503, "Service Unavailable").addHeader("Retry-After", "30"),
      expect: { status: 503 },
    },
  ];
  return samples;
}
