/**
 * The full MS-SIPAE NTLM exchange between SipaeClient and SipaeServer on real SIP messages
 * (serialized and re-parsed at every hop), and the OC 2007 R2 ↔ OCS 2007 R2 capture replayed
 * through both pipelines.
 */
import assert from "node:assert/strict";
import { fromHex } from "../crypto/bytes.ts";
import { decodeAuthenticateMessage, decodeGssapiData, fromFiletime, ntowfv1 } from "../ntlm/mod.ts";
import { OCS_CAPTURE, SIP_SIGNATURES } from "../ntlm/testdata/nlmp_vectors.ts";
import { scriptedRandom } from "../ntlm/testdata/scripted_random.ts";
import * as capture from "../ntlm/testdata/sip_messages.ts";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { parseAuthenticationInfo, parseChallenge, parseCredentials } from "./auth_headers.ts";
import { SipaeClient } from "./client.ts";
import { ntlmClientMechanism, ntlmServerMechanism } from "./ntlm_mechanism.ts";
import { SipaeServer } from "./server.ts";
import { Endpoint, rejection, respond, wire } from "./testdata/sip_fixtures.ts";

const REALM = "SIP Communications Service";
const FQDN = "fe01.contoso.com";
const NOW = Date.UTC(2024, 5, 1, 9, 0, 0);
const hashes = new Map([["alice", ntowfv1("Secr3t!")], ["bob", ntowfv1("b0b-pw")]]);

function frontEnd() {
  return new SipaeServer({
    fqdn: FQDN,
    mechanisms: [
      ntlmServerMechanism({
        lookupNtHash: (user, domain) =>
          domain.toUpperCase() === "CONTOSO" ? hashes.get(user.toLowerCase()) : undefined,
        names: { nbDomainName: "CONTOSO", nbComputerName: "FE01", dnsComputerName: FQDN },
        now: () => NOW,
      }),
    ],
    now: () => NOW,
  });
}

function lyncClient(user: string, password: string) {
  return new SipaeClient({
    mechanisms: [
      ntlmClientMechanism({
        credentials: { user, domain: "CONTOSO", password },
        workstation: `${user.toUpperCase()}-PC`,
        now: () => NOW,
      }),
    ],
    now: () => NOW,
  });
}

Deno.test("NTLM end to end: REGISTER → 401 → REGISTER → 401 token → REGISTER → 200, then signed traffic", () => {
  const server = frontEnd();
  const client = lyncClient("alice", "Secr3t!");
  const alice = new Endpoint("alice", "8248ca9ebb");

  // Leg 1: no credentials → 401 with the NTLM challenge and Date.
  const r1 = alice.register();
  client.authorize(r1);
  assert.equal(r1.header("Authorization"), undefined);
  const v1 = server.inspect(wire(r1));
  assert.equal(v1.kind, "reject");
  assert.equal(v1.kind === "reject" && v1.diagnosticKind, "auth-required");
  const c1 = wire(rejection(r1, v1));
  assert.equal(c1.status, 401);
  assert.equal(c1.header("Date"), "Sat, 01 Jun 2024 09:00:00 GMT");
  assert.equal(
    c1.header("WWW-Authenticate"),
    `NTLM realm="${REALM}", targetname="${FQDN}", version=4`,
  );
  assert.deepEqual(client.verifyIncoming(c1), { accept: true, signed: false });
  assert.deepEqual(client.handleChallenge(r1, c1), {
    action: "retry",
    scheme: "NTLM",
    clockSkewMs: 0,
  });

  // Leg 2: gssapi-data="" (connectionless: no NEGOTIATE_MESSAGE) → 401 with the CHALLENGE.
  const r2 = alice.register();
  client.authorize(r2);
  assert.equal(
    r2.header("Authorization"),
    `NTLM qop="auth", realm="${REALM}", targetname="${FQDN}", version=4, gssapi-data=""`,
  );
  const v2 = server.inspect(wire(r2));
  assert.equal(v2.kind === "reject" && v2.diagnosticKind, "auth-continue");
  const c2 = wire(rejection(r2, v2));
  const challenge = parseChallenge(c2.header("WWW-Authenticate")!);
  assert.match(challenge.gssapiData!, /^TlRMTVNTUAACAAAA/);
  assert.match(challenge.opaque!, /^[0-9A-F]{8}$/);
  assert.equal(server.size.pending, 1);
  assert.equal(client.handleChallenge(r2, c2).action, "retry");

  // Leg 3: the AUTHENTICATE_MESSAGE, signed already (version 4) → 200 OK signed, snum 1.
  const r3 = alice.register();
  client.authorize(r3);
  const creds = parseCredentials(r3.header("Authorization")!);
  assert.equal(creds.opaque, challenge.opaque);
  assert.match(creds.gssapiData!, /^TlRMTVNTUAADAAAA/);
  assert.equal(creds.cnum, "1");
  assert.match(creds.crand!, /^[0-9a-f]{8}$/);
  const v3 = server.inspect(wire(r3));
  assert.equal(v3.kind, "accept");
  if (v3.kind !== "accept") return;
  assert.equal(v3.established, true);
  assert.deepEqual(v3.sa.user, {
    userName: "alice",
    domainName: "CONTOSO",
    workstation: "ALICE-PC",
  });
  assert.equal(v3.sa.aor, "sip:alice@contoso.com");
  assert.equal(v3.sa.epid, "8248ca9ebb");
  assert.equal(v3.sa.instance, "4233FD41-093B-5FD6-B5D2-651ED55969E6");
  assert.deepEqual(server.size, { pending: 0, established: 1 });

  const ok = respond(r3, 200, "OK").addHeader("Expires", "7200");
  assert.equal(server.signResponse(ok, v3.sa), true);
  const info = parseAuthenticationInfo(ok.header("Authentication-Info")!);
  assert.equal(info.snum, "1");
  assert.equal(info.opaque, challenge.opaque);
  assert.equal(info.version, 4);
  const okOnWire = wire(ok);
  assert.deepEqual(client.verifyIncoming(okOnWire), {
    accept: true,
    signed: true,
    scheme: "NTLM",
    realm: REALM,
    targetName: FQDN,
  });
  assert.equal(client.securityAssociations()[0].state, "established");

  // Signed SUBSCRIBE (cnum 2) → 200 signed (snum 2), verified by the client.
  const sub = alice.request("SUBSCRIBE");
  client.authorize(sub);
  const subCreds = parseCredentials(sub.header("Authorization")!);
  assert.equal(subCreds.cnum, "2");
  assert.equal(subCreds.gssapiData, undefined);
  assert.equal(subCreds.version, undefined);
  const vs = server.inspect(wire(sub));
  assert.equal(vs.kind === "accept" && vs.established, false);
  const subOk = respond(sub, 200, "OK").addHeader("Expires", "3600");
  assert.equal(server.signResponse(subOk), true); // SA found by From AOR + epid
  assert.equal(parseAuthenticationInfo(subOk.header("Authentication-Info")!).snum, "2");
  assert.equal(client.verifyIncoming(wire(subOk)).accept, true);

  // The server signs a request to the endpoint (To AOR + epid); the client verifies it.
  const notify = new SipRequest("BENOTIFY", "sip:192.0.2.10:50000;transport=tls")
    .addHeader("Via", "SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bKsrv1")
    .addHeader("Max-Forwards", "70")
    .addHeader("From", "<sip:alice@contoso.com>;tag=srvtag")
    .addHeader("To", "<sip:alice@contoso.com>;tag=t8248ca9ebb2;epid=8248ca9ebb")
    .addHeader("Call-ID", "SUBSCRIBE-8248ca9ebb")
    .addHeader("CSeq", "1 BENOTIFY")
    .addHeader("Event", "vnd-microsoft-roaming-contacts");
  assert.equal(server.signRequest(notify), true);
  assert.equal(client.verifyIncoming(wire(notify)).accept, true);

  // The same 200 again is a replay; a modified one fails the signature: both dropped.
  assert.deepEqual(client.verifyIncoming(wire(subOk)), {
    accept: false,
    reason: "replay",
    detail: "sequence 2 was already received",
  });
  const forged = wire(subOk);
  forged.setHeader("Expires", "1");
  assert.equal(
    (client.verifyIncoming(forged) as { reason: string }).reason,
    "bad-signature",
  );
  // An unsigned final response from the authenticated server is dropped too.
  assert.equal(
    (client.verifyIncoming(respond(sub, 200, "OK")) as { reason: string }).reason,
    "unsigned",
  );
  assert.equal(client.dropped.get("replay"), 1);
  assert.equal(client.dropped.get("bad-signature"), 1);
});

Deno.test("auth protocol version 3: the AUTHENTICATE request is unsigned, signing starts at cnum 1", () => {
  const server = new SipaeServer({
    fqdn: FQDN,
    protocolVersion: 3,
    mechanisms: [
      ntlmServerMechanism({
        lookupNtHash: (user) => hashes.get(user.toLowerCase()),
        names: { nbDomainName: "CONTOSO", nbComputerName: "FE01" },
        now: () => NOW,
      }),
    ],
    now: () => NOW,
  });
  const client = lyncClient("bob", "b0b-pw");
  const bob = new Endpoint("bob", "c8ca638a15");
  let request = bob.register();
  for (let leg = 0; leg < 2; leg++) {
    client.authorize(request);
    const verdict = server.inspect(wire(request));
    assert.equal(
      client.handleChallenge(request, wire(rejection(request, verdict))).action,
      "retry",
    );
    request = bob.register();
  }
  client.authorize(request);
  const creds = parseCredentials(request.header("Authorization")!);
  assert.equal(creds.version, 3);
  assert.equal(creds.response, undefined);
  const verdict = server.inspect(wire(request));
  assert.equal(verdict.kind, "accept");
  const ok = respond(request, 200, "OK");
  server.signResponse(ok);
  // Version 3: no version parameter in Authentication-Info.
  assert.equal(parseAuthenticationInfo(ok.header("Authentication-Info")!).version, undefined);
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
  const sub = bob.request("SUBSCRIBE");
  client.authorize(sub);
  assert.equal(parseCredentials(sub.header("Authorization")!).cnum, "1");
  assert.equal(server.inspect(wire(sub)).kind, "accept");
});

// ---------------------------------------------------------------------------------------------
// The real capture (MS-NLMP-vectors §7): Proxy-Authorization / Proxy-Authentication-Info.

const CAPTURE_TARGET = "cosmo-ocs-r2.cosmo.local";
const CAPTURE_TIME = fromFiletime(fromHex(OCS_CAPTURE.time));
const CAPTURE_CREDENTIALS = `NTLM qop="auth", realm="${REALM}", opaque="2BDBAC9D", ` +
  `targetname="${CAPTURE_TARGET}", version=4, gssapi-data="${OCS_CAPTURE.authenticateBase64}", ` +
  `crand="13317733", cnum="1", response="${SIP_SIGNATURES.clientSignature}"`;

const captureRegister = () => capture.captureRegister() as SipRequest;
const captureOk = () => capture.captureOk() as SipResponse;

function captureChallenge(request: SipRequest, params: string): SipResponse {
  return respond(request, 407, "Proxy Authentication Required")
    .addHeader("Date", new Date(CAPTURE_TIME).toUTCString())
    .addHeader("Proxy-Authenticate", `NTLM ${params}`);
}

Deno.test("client pipeline reproduces the OC 2007 R2 Proxy-Authorization (all but Time-derived token bytes)", () => {
  const client = new SipaeClient({
    mechanisms: [
      ntlmClientMechanism({
        credentials: { user: "User", domain: "COSMO", password: OCS_CAPTURE.password },
        workstation: OCS_CAPTURE.workstation,
        version: OCS_CAPTURE.clientVersion,
        // ClientChallenge, ExportedSessionKey, then crand: the capture's values.
        random: scriptedRandom(
          OCS_CAPTURE.clientChallenge,
          OCS_CAPTURE.exportedSessionKey,
          "13317733",
        ),
        now: () => CAPTURE_TIME,
      }),
    ],
    now: () => CAPTURE_TIME,
  });
  const first = captureRegister();
  first.setHeader("CSeq", "1 REGISTER");
  const outcome = client.handleChallenge(
    first,
    captureChallenge(first, `realm="${REALM}", targetname="${CAPTURE_TARGET}", version=4`),
  );
  assert.equal(outcome.action, "retry");

  const second = captureRegister();
  second.setHeader("CSeq", "2 REGISTER");
  client.authorize(second);
  assert.equal(
    second.header("Proxy-Authorization"),
    `NTLM qop="auth", realm="${REALM}", targetname="${CAPTURE_TARGET}", version=4, gssapi-data=""`,
  );
  client.handleChallenge(
    second,
    captureChallenge(
      second,
      `opaque="2BDBAC9D", gssapi-data="${OCS_CAPTURE.challengeBase64}", ` +
        `targetname="${CAPTURE_TARGET}", realm="${REALM}", version=4`,
    ),
  );

  const third = captureRegister(); // CSeq 3, the capture's request
  client.authorize(third);
  // The capture's NTLMv2 Time has 100 ns precision, finer than the millisecond clock the
  // mechanism reads, so the token differs in its Time-derived bytes; every other byte of the
  // header, the signature included, is the capture's.
  const header = third.header("Proxy-Authorization")!;
  const token = parseCredentials(header).gssapiData!;
  const authenticate = decodeAuthenticateMessage(decodeGssapiData(token));
  assert.equal(authenticate.userName, "User");
  assert.equal(authenticate.domainName, "COSMO");
  assert.equal(authenticate.workstation, OCS_CAPTURE.workstation);
  assert.equal(authenticate.negotiateFlags, OCS_CAPTURE.authenticateFlags);
  assert.equal(header.replace(token, OCS_CAPTURE.authenticateBase64), CAPTURE_CREDENTIALS);

  const ok = captureOk();
  ok.addHeader(
    "Proxy-Authentication-Info",
    `NTLM rspauth="${SIP_SIGNATURES.serverSignature}", srand="9616454F", snum="1", ` +
      `opaque="2BDBAC9D", qop="auth", targetname="${CAPTURE_TARGET}", realm="${REALM}"`,
  );
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
  assert.equal(client.securityAssociations()[0].state, "established");
  assert.equal(client.securityAssociations()[0].family, "proxy");
});

Deno.test("server pipeline accepts the captured AUTHENTICATE and signs the 200 OK like OCS", () => {
  const server = new SipaeServer({
    fqdn: CAPTURE_TARGET,
    family: "proxy",
    mechanisms: [
      ntlmServerMechanism({
        lookupNtHash: (user, domain) =>
          user.toLowerCase() === "user" && domain === "COSMO"
            ? ntowfv1(OCS_CAPTURE.password)
            : undefined,
        names: { nbDomainName: "COSMO", nbComputerName: "COSMO-OCS-R2" },
        // opaque, ServerChallenge, then srand: the capture's values.
        random: scriptedRandom("2BDBAC9D", OCS_CAPTURE.serverChallenge, "9616454F"),
        now: () => CAPTURE_TIME,
      }),
    ],
    now: () => CAPTURE_TIME,
  });
  const opening = captureRegister();
  opening.setHeader("CSeq", "2 REGISTER");
  opening.addHeader(
    "Proxy-Authorization",
    `NTLM qop="auth", realm="${REALM}", targetname="${CAPTURE_TARGET}", version=4, gssapi-data=""`,
  );
  const v1 = server.inspect(opening);
  assert.equal(v1.kind === "reject" && v1.status, 407);
  const token = (v1 as { headers: { name: string; value: string }[] }).headers
    .find((h) => h.name === "Proxy-Authenticate")!.value;
  assert.equal(parseChallenge(token).opaque, "2BDBAC9D");

  const register = captureRegister();
  register.addHeader("Proxy-Authorization", CAPTURE_CREDENTIALS);
  const v2 = server.inspect(register);
  assert.equal(v2.kind, "accept");
  if (v2.kind !== "accept") return;
  assert.deepEqual(v2.sa.user, {
    userName: "User",
    domainName: "COSMO",
    workstation: "COSMO-OCS-R2",
  });
  const ok = captureOk();
  server.signResponse(ok, v2.sa);
  assert.equal(
    ok.header("Proxy-Authentication-Info"),
    `NTLM qop="auth", opaque="2BDBAC9D", srand="9616454F", snum="1", ` +
      `rspauth="${SIP_SIGNATURES.serverSignature}", targetname="${CAPTURE_TARGET}", ` +
      `realm="${REALM}", version=4`,
  );
});
