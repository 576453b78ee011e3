/**
 * Typical messages of a call, used by the realistic-message tests and by the parser benchmark:
 * an INVITE with an SDP offer (≈ 700 bytes on the wire) and the 200 OK answering it, shaped
 * after RFC 3665 §3.1 with the headers common deployments add.
 *
 * @module
 */

const SDP_OFFER = [
  "v=0",
  "o=alice 2890844526 2890844526 IN IP4 192.0.2.101",
  "s=-",
  "c=IN IP4 192.0.2.101",
  "t=0 0",
  "m=audio 49172 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=sendrecv",
  "",
].join("\r\n");

const SDP_ANSWER = [
  "v=0",
  "o=bob 2808844564 2808844564 IN IP4 192.0.2.201",
  "s=-",
  "c=IN IP4 192.0.2.201",
  "t=0 0",
  "m=audio 3456 RTP/AVP 0 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=sendrecv",
  "",
].join("\r\n");

function withBody(lines: string[], body: string): string {
  return [...lines, `Content-Length: ${new TextEncoder().encode(body).length}`, "", body].join(
    "\r\n",
  );
}

/** An INVITE with an SDP offer, as a UA sends it over UDP. */
export const TYPICAL_INVITE: string = withBody([
  "INVITE sip:bob@biloxi.example.com SIP/2.0",
  "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK74bf9a1c;rport",
  "Max-Forwards: 70",
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
  "To: <sip:bob@biloxi.example.com>",
  "Call-ID: 3848276298220188511@atlanta.example.com",
  "CSeq: 1 INVITE",
  "Contact: <sip:alice@192.0.2.101:5060;transport=udp>",
  "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY",
  "Supported: replaces, timer",
  "User-Agent: sipfleet-uac/1.0",
  "Content-Type: application/sdp",
], SDP_OFFER);

/** The 200 OK a proxy forwards back for {@link TYPICAL_INVITE}. */
export const TYPICAL_OK: string = withBody([
  "SIP/2.0 200 OK",
  "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK74bf9a1c;rport=5060;received=192.0.2.101",
  "Record-Route: <sip:p1.biloxi.example.com;lr>, <sip:p2.atlanta.example.com;lr>",
  'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
  "To: <sip:bob@biloxi.example.com>;tag=8321234356",
  "Call-ID: 3848276298220188511@atlanta.example.com",
  "CSeq: 1 INVITE",
  "Contact: <sip:bob@192.0.2.201:5060>",
  "Content-Type: application/sdp",
], SDP_ANSWER);
