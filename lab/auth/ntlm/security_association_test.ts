import assert from "node:assert/strict";
import { fromHex } from "../crypto/bytes.ts";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { NtlmClientSecurityAssociation } from "./client_security_association.ts";
import { NtlmAuthError, type NtlmAuthErrorCode } from "./errors.ts";
import { fromFiletime } from "./filetime.ts";
import { ntowfv1 } from "./owf.ts";
import { NtlmServerSecurityAssociation } from "./server_security_association.ts";
import { OCS_CAPTURE, SIP_SIGNATURES } from "./testdata/nlmp_vectors.ts";
import { scriptedRandom } from "./testdata/scripted_random.ts";
import { captureOk, captureRegister } from "./testdata/sip_messages.ts";

const REALM = "SIP Communications Service";
const CAPTURE_TARGET = "cosmo-ocs-r2.cosmo.local";
const CAPTURE_TIME = fromFiletime(fromHex(OCS_CAPTURE.time));
const rejects = (code: NtlmAuthErrorCode) => (e: unknown) =>
  e instanceof NtlmAuthError && e.code === code;

Deno.test("client SA replays the OCS capture: signs the REGISTER, verifies the 200 OK", () => {
  const sa = new NtlmClientSecurityAssociation({
    realm: REALM,
    targetName: CAPTURE_TARGET,
    protocolVersion: 4,
    credentials: { user: "User", domain: "COSMO", password: OCS_CAPTURE.password },
    workstation: OCS_CAPTURE.workstation,
    // ClientChallenge, ExportedSessionKey, then crand — the capture's values.
    random: scriptedRandom(OCS_CAPTURE.clientChallenge, OCS_CAPTURE.exportedSessionKey, "13317733"),
    now: () => CAPTURE_TIME,
  });
  assert.equal(sa.state, "initial");
  const token = sa.acceptChallenge(OCS_CAPTURE.challengeBase64, "2BDBAC9D");
  assert.match(token, /^TlRMTVNTUAADAAAA/);
  assert.equal(sa.state, "authenticating");
  assert.equal(sa.opaque, "2BDBAC9D");
  assert.deepEqual(sa.sign(captureRegister()), {
    crand: "13317733",
    cnum: "1",
    response: SIP_SIGNATURES.clientSignature,
  });
  sa.verify(captureOk(), {
    srand: "9616454F",
    snum: "1",
    rspauth: SIP_SIGNATURES.serverSignature,
    realm: REALM,
    targetname: CAPTURE_TARGET,
    opaque: "2BDBAC9D",
  });
  assert.equal(sa.state, "established");
});

Deno.test("server SA replays the OCS capture: accepts the AUTHENTICATE, verifies, signs 200 OK", () => {
  const sa = new NtlmServerSecurityAssociation({
    realm: REALM,
    targetName: CAPTURE_TARGET,
    protocolVersion: 4,
    names: { nbDomainName: "COSMO", nbComputerName: "COSMO-OCS-R2" },
    lookupNtHash: (user, domain) =>
      user.toLowerCase() === "user" && domain === "COSMO"
        ? ntowfv1(OCS_CAPTURE.password)
        : undefined,
    // opaque, ServerChallenge, then srand — the capture's values.
    random: scriptedRandom("2BDBAC9D", OCS_CAPTURE.serverChallenge, "9616454F"),
    now: () => CAPTURE_TIME,
  });
  assert.equal(sa.opaque, "2BDBAC9D");
  sa.challenge();
  const identity = sa.acceptAuthenticate(OCS_CAPTURE.authenticateBase64);
  assert.deepEqual(identity, {
    userName: "User",
    domainName: "COSMO",
    workstation: "COSMO-OCS-R2",
  });
  sa.verify(captureRegister(), {
    crand: "13317733",
    cnum: "1",
    response: SIP_SIGNATURES.clientSignature,
    realm: REALM,
    targetname: CAPTURE_TARGET,
    opaque: "2BDBAC9D",
  });
  assert.deepEqual(sa.sign(captureOk()), {
    srand: "9616454F",
    snum: "1",
    rspauth: SIP_SIGNATURES.serverSignature,
  });
});

// ---------------------------------------------------------------------------------------------
// A generated handshake between the two SA classes.

const TARGET = "fe01.contoso.com";
const NOW = Date.UTC(2024, 5, 1, 9, 0, 0);
const users = new Map([["alice", ntowfv1("Secr3t!")]]);

function server(options: { includeTimestamp?: boolean } = {}) {
  return new NtlmServerSecurityAssociation({
    realm: REALM,
    targetName: TARGET,
    protocolVersion: 4,
    names: { nbDomainName: "CONTOSO", nbComputerName: "FE01", dnsComputerName: TARGET },
    lookupNtHash: (user) => users.get(user.toLowerCase()),
    now: () => NOW,
    ...options,
  });
}

function client(password = "Secr3t!", user = "alice") {
  return new NtlmClientSecurityAssociation({
    realm: REALM,
    targetName: TARGET,
    protocolVersion: 4,
    credentials: { user, domain: "CONTOSO", password },
    workstation: "ALICE-PC",
    now: () => NOW,
  });
}

let cseq = 0;
function request(method = "SUBSCRIBE") {
  cseq++;
  return new SipRequest(method, "sip:alice@contoso.com")
    .addHeader("Via", `SIP/2.0/TLS 10.0.0.7:50000;branch=z9hG4bK${cseq}`)
    .addHeader("From", "<sip:alice@contoso.com>;tag=a1;epid=01010101")
    .addHeader("To", "<sip:alice@contoso.com>")
    .addHeader("Call-ID", "call-1")
    .addHeader("CSeq", `${cseq} ${method}`);
}

function responseTo(req: SipRequest, status = 200) {
  return new SipResponse(status, "OK")
    .addHeader("From", req.header("From")!)
    .addHeader("To", "<sip:alice@contoso.com>;tag=srv9")
    .addHeader("Call-ID", req.header("Call-ID")!)
    .addHeader("CSeq", req.header("CSeq")!);
}

/** Runs the three legs; returns both established SAs. */
function establish() {
  const s = server();
  const c = client();
  const token = c.acceptChallenge(s.challenge(), s.opaque);
  const register = request("REGISTER");
  const signed = c.sign(register);
  s.acceptAuthenticate(token);
  s.verify(register, { ...signed, realm: REALM, targetname: TARGET, opaque: s.opaque });
  const ok = responseTo(register);
  const serverSig = s.sign(ok);
  c.verify(ok, { ...serverSig, realm: REALM, targetname: TARGET, opaque: s.opaque });
  return { s, c };
}

Deno.test("handshake: both SAs established; signed traffic both ways with growing cnum/snum", () => {
  const { s, c } = establish();
  assert.equal(c.state, "established");
  assert.equal(s.state, "established");
  assert.deepEqual(s.identity, {
    userName: "alice",
    domainName: "CONTOSO",
    workstation: "ALICE-PC",
  });
  for (let i = 2; i <= 4; i++) {
    const req = request("MESSAGE");
    const sig = c.sign(req);
    assert.equal(sig.cnum, String(i));
    assert.match(sig.crand, /^[0-9a-f]{8}$/);
    assert.match(sig.response, /^01000000[0-9a-f]{16}64000000$/);
    s.verify(req, { ...sig, realm: REALM, targetname: TARGET });
    const res = responseTo(req);
    const rsp = s.sign(res);
    assert.equal(rsp.snum, String(i));
    assert.match(rsp.srand, /^[0-9A-F]{8}$/);
    c.verify(res, { ...rsp, realm: REALM, targetname: TARGET });
  }
  // The server also signs requests it sends to the endpoint (e.g. NOTIFY / BENOTIFY).
  const notify = request("BENOTIFY");
  const notifySig = s.sign(notify);
  c.verify(notify, { ...notifySig, realm: REALM, targetname: TARGET });
});

Deno.test("handshake without server timestamp (no MIC) also establishes", () => {
  const s = server({ includeTimestamp: false });
  const c = client();
  s.acceptAuthenticate(c.acceptChallenge(s.challenge(), s.opaque));
  const req = request();
  s.verify(req, { ...c.sign(req), realm: REALM, targetname: TARGET });
});

Deno.test("wrong password: the server rejects the AUTHENTICATE and the SA fails", () => {
  const s = server();
  const token = client("not-the-password").acceptChallenge(s.challenge(), s.opaque);
  assert.throws(() => s.acceptAuthenticate(token), rejects("wrong-password"));
  assert.equal(s.state, "failed");
  assert.throws(() => s.sign(responseTo(request())), rejects("invalid-state"));
});

Deno.test("unknown user: rejected", () => {
  const s = server();
  const token = client("Secr3t!", "mallory").acceptChallenge(s.challenge(), s.opaque);
  assert.throws(() => s.acceptAuthenticate(token), rejects("unknown-user"));
});

Deno.test("tampered signature or tampered header after signing: rejected on both sides", () => {
  const { s, c } = establish();
  const req = request("MESSAGE");
  const sig = c.sign(req);
  const flipped = sig.response.slice(0, 10) + (sig.response[10] === "0" ? "1" : "0") +
    sig.response.slice(11);
  assert.throws(
    () => s.verify(req, { ...sig, response: flipped, realm: REALM, targetname: TARGET }),
    rejects("bad-signature"),
  );
  req.setHeader("CSeq", `${cseq} INVITE`); // a header inside the buffer changed in transit
  assert.throws(
    () => s.verify(req, { ...sig, realm: REALM, targetname: TARGET }),
    rejects("bad-signature"),
  );
  const res = responseTo(request());
  const rsp = s.sign(res);
  res.setHeader("Expires", "0");
  assert.throws(
    () => c.verify(res, { ...rsp, realm: REALM, targetname: TARGET }),
    rejects("bad-signature"),
  );
  // A signature made with the client's own keys never passes as the server's.
  const own = request();
  const ownSig = c.sign(own);
  assert.throws(
    () =>
      c.verify(own, {
        srand: ownSig.crand,
        snum: ownSig.cnum,
        rspauth: ownSig.response,
        realm: REALM,
        targetname: TARGET,
      }),
    rejects("bad-signature"),
  );
});

Deno.test("replayed cnum / snum: rejected", () => {
  const { s, c } = establish();
  const req = request("MESSAGE");
  const sig = c.sign(req);
  s.verify(req, { ...sig, realm: REALM, targetname: TARGET });
  assert.throws(
    () => s.verify(req, { ...sig, realm: REALM, targetname: TARGET }),
    rejects("replayed-sequence"),
  );
  const res = responseTo(req);
  const rsp = s.sign(res);
  c.verify(res, { ...rsp, realm: REALM, targetname: TARGET });
  assert.throws(
    () => c.verify(res, { ...rsp, realm: REALM, targetname: TARGET }),
    rejects("replayed-sequence"),
  );
});

Deno.test("pipelined messages arriving out of order are accepted; out-of-window ones are not", () => {
  const { s, c } = establish();
  const signed = Array.from({ length: 300 }, () => {
    const req = request("MESSAGE");
    return { req, sig: c.sign(req) };
  });
  const verify = (i: number) =>
    s.verify(signed[i].req, { ...signed[i].sig, realm: REALM, targetname: TARGET });
  verify(10); // cnum 12
  verify(5); // cnum 7: older but inside the window
  verify(299); // cnum 301: window now [45, 301]
  assert.throws(() => verify(20), rejects("sequence-below-window")); // cnum 22
  verify(100); // cnum 102: inside, unseen
});

Deno.test("malformed gssapi-data: client and server reject it", () => {
  const c = client();
  assert.throws(
    () => c.acceptChallenge("%%% not base64 %%%", "AB12CD34"),
    rejects("malformed-token"),
  );
  assert.equal(c.state, "failed");
  assert.throws(() => c.sign(request()), rejects("invalid-state"));

  const notNtlm = client();
  assert.throws(
    () => notNtlm.acceptChallenge("aGVsbG8gd29ybGQ=", "AB12CD34"),
    rejects("malformed-token"),
  );

  const s = server();
  s.challenge();
  assert.throws(() => s.acceptAuthenticate("TlRMTVNTUAADAAAA"), rejects("malformed-token"));
  assert.equal(s.state, "failed");

  const s2 = server();
  const challenge = s2.challenge();
  assert.throws(() => s2.acceptAuthenticate(challenge), rejects("malformed-token")); // type 2
});

Deno.test("a CHALLENGE without the SIP flag set is refused by the client", () => {
  const s = new NtlmServerSecurityAssociation({
    realm: REALM,
    targetName: TARGET,
    protocolVersion: 4,
    names: { nbDomainName: "CONTOSO", nbComputerName: "FE01" },
    lookupNtHash: () => undefined,
    challengeFlags: 0x00088201, // UNICODE, NTLM, ALWAYS_SIGN, ESS: no SIGN, no DATAGRAM
  });
  assert.throws(
    () => client().acceptChallenge(s.challenge(), s.opaque),
    rejects("insufficient-flags"),
  );
});

Deno.test("malformed signing parameters and foreign SAs are rejected", () => {
  const { s, c } = establish();
  const req = request();
  const sig = c.sign(req);
  const base = { ...sig, realm: REALM, targetname: TARGET };
  assert.throws(() => s.verify(req, { ...base, cnum: "x1" }), rejects("malformed-auth-param"));
  assert.throws(() => s.verify(req, { ...base, crand: "123" }), rejects("malformed-auth-param"));
  assert.throws(() => s.verify(req, { ...base, realm: "Other Realm" }), rejects("sa-mismatch"));
  assert.throws(
    () => s.verify(req, { ...base, targetname: "fe02.contoso.com" }),
    rejects("sa-mismatch"),
  );
  assert.throws(() => s.verify(req, { ...base, opaque: "00000000" }), rejects("sa-mismatch"));
  // None of the rejected attempts consumed the cnum: the genuine message still verifies.
  s.verify(req, base);
  assert.equal(c.matches(REALM, TARGET), true);
  assert.equal(c.matches(REALM, "fe02.contoso.com"), false);
});

Deno.test("calls out of order are invalid-state", () => {
  const c = client();
  assert.throws(() => c.sign(request()), rejects("invalid-state"));
  const s = server();
  assert.throws(() => s.acceptAuthenticate("TlRMTVNTUAADAAAA"), rejects("invalid-state"));
  assert.throws(
    () =>
      s.verify(request(), {
        crand: "00000000",
        cnum: "1",
        response: "00",
        realm: REALM,
        targetname: TARGET,
      }),
    rejects("invalid-state"),
  );
  const { s: established, c: done } = establish();
  assert.throws(() => established.challenge(), rejects("invalid-state"));
  assert.throws(() => done.acceptChallenge("TlRM", "X"), rejects("invalid-state"));
});

Deno.test("a stale NTLMv2 timestamp is rejected by the server (15-minute NTLM skew)", () => {
  const s = new NtlmServerSecurityAssociation({
    realm: REALM,
    targetName: TARGET,
    protocolVersion: 4,
    names: { nbDomainName: "CONTOSO", nbComputerName: "FE01" },
    lookupNtHash: (user) => users.get(user.toLowerCase()),
    includeTimestamp: false, // the client then uses its own clock
    now: () => NOW,
  });
  const skewed = new NtlmClientSecurityAssociation({
    realm: REALM,
    targetName: TARGET,
    protocolVersion: 4,
    credentials: { user: "alice", domain: "CONTOSO", password: "Secr3t!" },
    now: () => NOW - 16 * 60 * 1000,
  });
  const token = skewed.acceptChallenge(s.challenge(), s.opaque);
  assert.throws(() => s.acceptAuthenticate(token), rejects("clock-skew"));
});
