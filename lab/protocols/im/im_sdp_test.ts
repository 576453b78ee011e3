import assert from "node:assert/strict";
import { IM_ACCEPT_TYPES, imSdp, parseImSdp } from "./im_sdp.ts";

// IM.md §2, the INVITE's SDP as the guide shows it.
const GUIDE_OFFER = [
  "v=0",
  "o=- 0 0 IN IP4 10.0.0.5",
  "s=session",
  "c=IN IP4 10.0.0.5",
  "t=0 0",
  "m=message 5060 sip null",
  "a=accept-types:text/plain text/html image/gif multipart/alternative " +
  "application/im-iscomposing+xml application/ms-imdn+xml text/x-msmsgsinvite",
  "",
].join("\r\n");

Deno.test("IM SDP: the guide's offer reads as a message stream with its accept-types", () => {
  const read = parseImSdp(GUIDE_OFFER);
  assert.ok(read.ok);
  assert.equal(read.session.address, "10.0.0.5");
  assert.equal(read.session.port, 5060);
  assert.equal(read.session.acceptTypes.length, 7);
  assert.ok(read.session.acceptTypes.includes("application/im-iscomposing+xml"));
});

Deno.test("IM SDP: written offers round-trip; the guide's lines are reproduced", () => {
  const types = [
    "text/plain",
    "text/html",
    "image/gif",
    "multipart/alternative",
    "application/im-iscomposing+xml",
    "application/ms-imdn+xml",
    "text/x-msmsgsinvite",
  ];
  assert.equal(imSdp({ address: "10.0.0.5", port: 5060, acceptTypes: types }), GUIDE_OFFER);
  const mine = imSdp({ address: "::1", port: 5070, acceptTypes: IM_ACCEPT_TYPES });
  assert.match(mine, /^c=IN IP6 ::1$/m);
  const read = parseImSdp(mine);
  assert.ok(read.ok);
  assert.deepEqual(read.session.acceptTypes, [...IM_ACCEPT_TYPES]);
});

Deno.test("IM SDP: LCS 2005 x-ms-message is read; audio-only or non-SIP streams are refused", () => {
  assert.ok(parseImSdp(GUIDE_OFFER.replace("m=message", "m=x-ms-message")).ok);
  const audio = parseImSdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\n");
  assert.deepEqual(audio, { ok: false, problem: "no-message-stream" });
  const msrp = parseImSdp(GUIDE_OFFER.replace("sip null", "TCP/MSRP *"));
  assert.deepEqual(msrp, { ok: false, problem: "not-sip-transport" });
});
