/**
 * SIP messages around the OCS 2007 R2 capture of MS-NLMP-vectors.md §7.2 / §7.3, rebuilt with
 * the header values that enter the signature buffers (Call-ID, CSeq, From, To, Expires); the
 * remaining headers are plausible fill.
 *
 * @module
 */
import { parseMessage } from "../../../sip/message/mod.ts";

function message(lines: string[]) {
  return parseMessage(lines.join("\r\n") + "\r\n\r\n");
}

/** The REGISTER signed with crand 13317733, cnum 1 (version 4 buffer, §7.2). */
export function captureRegister() {
  return message([
    "REGISTER sip:cosmo.local SIP/2.0",
    "Via: SIP/2.0/TLS 192.168.0.12:50232;branch=z9hG4bK2a6f0c1e;rport",
    "Max-Forwards: 70",
    "From: <sip:user@cosmo.local>;tag=3e49177a52;epid=8248ca9ebb",
    "To: <sip:user@cosmo.local>",
    "Call-ID: 4037df9284354df39065195bd57a4b14",
    "CSeq: 3 REGISTER",
    'Contact: <sip:192.168.0.12:50232;transport=tls>;methods="INVITE, MESSAGE, INFO, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace',
    "User-Agent: UCCAPI/3.5.6907.0 OC/3.5.6907.0",
    "Supported: gruu-10, adhoclist, msrtc-event-categories",
    "Content-Length: 0",
  ]);
}

/** The 200 OK signed with srand 9616454F, snum 1 (version 4 buffer, §7.2). */
export function captureOk() {
  return message([
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/TLS 192.168.0.12:50232;branch=z9hG4bK2a6f0c1e;rport=50232",
    "From: <sip:user@cosmo.local>;tag=3e49177a52;epid=8248ca9ebb",
    "To: <sip:user@cosmo.local>;tag=5E61CCD925D17E043D9A74835A88F664",
    "Call-ID: 4037df9284354df39065195bd57a4b14",
    "CSeq: 3 REGISTER",
    "Expires: 7200",
    "Contact: <sip:192.168.0.12:50232;transport=tls>;expires=7200",
    "Content-Length: 0",
  ]);
}

/** The OCS 2007 200 OK signed without ESS (version 2 buffer, §7.3). */
export function legacyOk() {
  return message([
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bK97f3",
    'From: "Gabriel" <sip:gabriel@ocs.provo.novell.com>;tag=2947328781;epid=1234567890',
    "To: <sip:gabriel@ocs.provo.novell.com>;tag=B816D65C2300A32CFA6D371F2AF537FD",
    "Call-ID: 8592g5DCBa1694i5887m0D0Bt2247b3F38xAE9Fx",
    "CSeq: 3 REGISTER",
    "Expires: 900",
    "Content-Length: 0",
  ]);
}
