import assert from "node:assert/strict";
import { audioAnswer, audioOffer } from "./sdp.ts";

Deno.test("offer lists PCMU, PCMA and telephone-event with CRLF lines", () => {
  const offer = audioOffer({ address: "127.0.0.1", port: 6000, sessionId: 7 });
  assert.match(offer, /^v=0\r\no=sipfleet 7 7 IN IP4 127\.0\.0\.1\r\n/);
  assert.match(offer, /\r\nm=audio 6000 RTP\/AVP 0 8 101\r\n/);
  assert.ok(offer.endsWith("a=sendrecv\r\n"));
});

Deno.test("answer keeps the first common codec of the offer (RFC 3264 §6.1)", () => {
  const offer = "v=0\r\nm=audio 4000 RTP/AVP 8 0\r\n";
  const answer = audioAnswer(offer, { address: "::1", port: 7000, sessionId: 1 });
  assert.match(answer, /\r\nm=audio 7000 RTP\/AVP 8\r\n/);
  assert.match(answer, /c=IN IP6 ::1/);
});

Deno.test("answer refuses an offer without a common codec or audio line", () => {
  const local = { address: "127.0.0.1", port: 1, sessionId: 1 };
  assert.throws(() => audioAnswer("v=0\r\nm=audio 4000 RTP/AVP 18\r\n", local), /no common/);
  assert.throws(() => audioAnswer("v=0\r\nm=video 4000 RTP/AVP 31\r\n", local), /no m=audio/);
});
