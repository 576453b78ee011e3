/**
 * TLS-DSK through the real MS-SIPAE pipelines: SipaeClient ↔ SipaeServer on SIP messages that
 * are serialized and re-parsed at every hop, then signed traffic and the rejections.
 */
import assert from "node:assert/strict";
import {
  parseAuthenticationInfo,
  parseChallenge,
  parseCredentials,
} from "../sipae/auth_headers.ts";
import { SipaeClient } from "../sipae/client.ts";
import { SipaeServer } from "../sipae/server.ts";
import { Endpoint, rejection, respond, wire } from "../sipae/testdata/sip_fixtures.ts";
import type { SipRequest } from "../../sip/message/mod.ts";
import { testCredentials } from "./test_credentials.ts";
import { tlsDskClientMechanism, tlsDskServerMechanism } from "./tlsdsk_mechanism.ts";

const FQDN = "fe01.contoso.com";
const STS = "https://127.0.0.1:4443/CertProv/CertProvisioningService.svc";

async function setup(user: "alice" | "mallory" = "alice") {
  const creds = await testCredentials();
  const server = new SipaeServer({
    fqdn: FQDN,
    mechanisms: [
      tlsDskServerMechanism({
        caPem: creds.ca.certPem,
        certPem: creds.server.certPem,
        keyPem: creds.server.keyPem,
        stsUri: STS,
      }),
    ],
  });
  const client = new SipaeClient({
    mechanisms: [
      tlsDskClientMechanism({
        certificate: creds[user].certPem,
        privateKey: creds[user].keyPem,
        caPem: creds.ca.certPem,
      }),
    ],
  });
  return { server, client, alice: new Endpoint("alice", "8248ca9ebb") };
}

/** Runs REGISTER legs until the server accepts or rejects for good; returns the last verdict. */
function register(server: SipaeServer, client: SipaeClient, alice: Endpoint) {
  let request: SipRequest = alice.register();
  for (let leg = 0; leg < 4; leg++) {
    client.authorize(request);
    const verdict = server.inspect(wire(request));
    if (verdict.kind !== "reject" || verdict.status !== 401) return { verdict, request };
    const outcome = client.handleChallenge(request, wire(rejection(request, verdict)));
    if (outcome.action === "fail") return { verdict, request, outcome };
    request = alice.register();
  }
  throw new Error("handshake did not finish in 4 legs");
}

Deno.test("TLS-DSK end to end: ClientHello → 401 server flight → client flight signed → 200 signed", async () => {
  const { server, client, alice } = await setup();

  const r1 = alice.register();
  client.authorize(r1);
  const v1 = server.inspect(wire(r1));
  assert.equal(v1.kind === "reject" && v1.diagnosticKind, "auth-required");
  const c1 = wire(rejection(r1, v1));
  const offered = parseChallenge(c1.header("WWW-Authenticate")!);
  assert.equal(offered.scheme, "TLS-DSK");
  assert.equal(offered.targetname, FQDN);
  // MS-SIPAE §2.2.1: the challenge names the certificate provisioning service.
  assert.equal(offered.stsUri, STS);
  assert.equal(client.handleChallenge(r1, c1).action, "retry");

  // Leg 2: the ClientHello (a TLS handshake record, 0x16 0x03 0x01 → "FgMB").
  const r2 = alice.register();
  client.authorize(r2);
  const hello = parseCredentials(r2.header("Authorization")!);
  assert.match(hello.gssapiData!, /^FgMB/);
  assert.equal(hello.opaque, undefined);
  const v2 = server.inspect(wire(r2));
  assert.equal(v2.kind === "reject" && v2.diagnosticKind, "auth-continue");
  const c2 = wire(rejection(r2, v2));
  const serverFlight = parseChallenge(c2.header("WWW-Authenticate")!);
  assert.match(serverFlight.opaque!, /^[0-9A-F]{8}$/);
  assert.match(serverFlight.gssapiData!, /^FgMB/);
  assert.equal(client.handleChallenge(r2, c2).action, "retry");

  // Leg 3: Certificate + ClientKeyExchange + CertificateVerify + CCS + Finished, signed.
  const r3 = alice.register();
  client.authorize(r3);
  const last = parseCredentials(r3.header("Authorization")!);
  assert.equal(last.opaque, serverFlight.opaque);
  assert.equal(last.cnum, "1");
  assert.match(last.response!, /^[0-9a-f]{40}$/);
  const v3 = server.inspect(wire(r3));
  assert.equal(v3.kind, "accept");
  if (v3.kind !== "accept") return;
  assert.deepEqual(v3.sa.user, { userName: "alice", domainName: "contoso.com" });
  assert.equal(v3.sa.scheme, "TLS-DSK");

  const ok = respond(r3, 200, "OK").addHeader("Expires", "7200");
  assert.equal(server.signResponse(ok, v3.sa), true);
  const info = parseAuthenticationInfo(ok.header("Authentication-Info")!);
  assert.match(info.rspauth, /^[0-9a-f]{40}$/);
  assert.match(info.srand, /^[0-9A-F]{8}$/);
  assert.equal(info.snum, "1");
  assert.deepEqual(client.verifyIncoming(wire(ok)), {
    accept: true,
    signed: true,
    scheme: "TLS-DSK",
    realm: "SIP Communications Service",
    targetName: FQDN,
  });

  // Signed SUBSCRIBE (cnum 2) and its signed 200 (snum 2).
  const sub = alice.request("SUBSCRIBE");
  client.authorize(sub);
  assert.equal(parseCredentials(sub.header("Authorization")!).cnum, "2");
  const vs = server.inspect(wire(sub));
  assert.equal(vs.kind === "accept" && vs.established, false);
  const subOk = respond(sub, 200, "OK");
  server.signResponse(subOk);
  assert.equal(client.verifyIncoming(wire(subOk)).accept, true);

  // Client side: a replayed or altered server message is dropped.
  assert.equal((client.verifyIncoming(wire(subOk)) as { reason: string }).reason, "replay");
  const forged = wire(subOk);
  forged.setHeader("CSeq", "99 SUBSCRIBE");
  assert.equal((client.verifyIncoming(forged) as { reason: string }).reason, "bad-signature");

  // Server side: a replayed cnum and a tampered signature are re-challenged.
  const replay = server.inspect(wire(sub));
  assert.equal(replay.kind === "reject" && replay.diagnosticKind, "auth-replay");
  assert.equal(replay.kind === "reject" && replay.status, 401);
  const msg = alice.request("MESSAGE");
  client.authorize(msg);
  const tampered = wire(msg);
  const auth = tampered.header("Authorization")!;
  tampered.setHeader(
    "Authorization",
    auth.replace(/response="([0-9a-f])/, (_m, c) => `response="${c === "0" ? "1" : "0"}`),
  );
  const vt = server.inspect(tampered);
  assert.equal(vt.kind === "reject" && vt.diagnosticKind, "auth-bad-signature");
  // The genuine message still goes through (the forgery did not end the SA).
  assert.equal(server.inspect(wire(msg)).kind, "accept");
});

Deno.test("TLS-DSK: a user certificate not issued by the lab CA is re-challenged", async () => {
  const { server, client, alice } = await setup("mallory");
  const { verdict, outcome } = register(server, client, alice);
  assert.equal(verdict.kind === "reject" && verdict.diagnosticKind, "auth-unknown-user");
  assert.match(verdict.kind === "reject" ? verdict.detail : "", /unknown_ca/);
  assert.equal(outcome?.action === "fail" && outcome.reason, "credentials-rejected");
  assert.deepEqual(server.size, { pending: 0, established: 0 });
});

Deno.test("TLS-DSK: malformed gssapi-data gets 400", async () => {
  const { server, client, alice } = await setup();
  const r1 = alice.register();
  client.authorize(r1);
  client.handleChallenge(r1, wire(rejection(r1, server.inspect(wire(r1)))));
  for (const bad of ["not base64!", "AAAA", "RkdNQg=="]) {
    const r = alice.register();
    r.setHeader(
      "Authorization",
      `TLS-DSK qop="auth", realm="SIP Communications Service", targetname="${FQDN}", ` +
        `version=4, gssapi-data="${bad}"`,
    );
    const v = server.inspect(wire(r));
    assert.equal(v.kind === "reject" && v.status, 400, bad);
    assert.equal(v.kind === "reject" && v.diagnosticKind, "auth-malformed-gssapi", bad);
  }
});

Deno.test("TLS-DSK: a tampered client Finished is re-challenged and the context dropped", async () => {
  const { server, client, alice } = await setup();
  const r1 = alice.register();
  client.authorize(r1);
  client.handleChallenge(r1, wire(rejection(r1, server.inspect(wire(r1)))));
  const r2 = alice.register();
  client.authorize(r2);
  client.handleChallenge(r2, wire(rejection(r2, server.inspect(wire(r2)))));
  const r3 = alice.register();
  client.authorize(r3);
  const creds = parseCredentials(r3.header("Authorization")!);
  const bytes = Uint8Array.from(atob(creds.gssapiData!), (c) => c.charCodeAt(0));
  bytes[bytes.length - 5] ^= 0x40;
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  r3.setHeader(
    "Authorization",
    r3.header("Authorization")!.replace(creds.gssapiData!, btoa(binary)),
  );
  const v = server.inspect(wire(r3));
  assert.equal(v.kind === "reject" && v.diagnosticKind, "auth-handshake-failed");
  assert.equal(v.kind === "reject" && v.status, 401);
  assert.deepEqual(server.size, { pending: 0, established: 0 });
});

Deno.test("TLS-DSK: a lab certificate without a SIP URI names no user", async () => {
  const creds = await testCredentials();
  const server = new SipaeServer({
    fqdn: FQDN,
    mechanisms: [
      tlsDskServerMechanism({
        caPem: creds.ca.certPem,
        certPem: creds.server.certPem,
        keyPem: creds.server.keyPem,
      }),
    ],
  });
  // The server's own certificate: issued by the lab CA, but its subjectAltName is a DNS name.
  const client = new SipaeClient({
    mechanisms: [
      tlsDskClientMechanism({
        certificate: creds.server.certPem,
        privateKey: creds.server.keyPem,
        caPem: creds.ca.certPem,
      }),
    ],
  });
  const { verdict } = register(server, client, new Endpoint("alice", "8248ca9ebb"));
  assert.equal(verdict.kind === "reject" && verdict.diagnosticKind, "auth-unknown-user");
  assert.match(verdict.kind === "reject" ? verdict.detail : "", /no SIP URI/);
});

Deno.test("TLS-DSK with auth protocol version 3: the last token goes unsigned, signing follows", async () => {
  const creds = await testCredentials();
  const server = new SipaeServer({
    fqdn: FQDN,
    protocolVersion: 3,
    mechanisms: [
      tlsDskServerMechanism({
        caPem: creds.ca.certPem,
        certPem: creds.server.certPem,
        keyPem: creds.server.keyPem,
      }),
    ],
  });
  const { client, alice } = await setup();
  const { verdict, request } = register(server, client, alice);
  assert.equal(verdict.kind, "accept");
  assert.equal(parseCredentials(request.header("Authorization")!).response, undefined);
  if (verdict.kind !== "accept") return;
  const ok = respond(request, 200, "OK");
  server.signResponse(ok, verdict.sa);
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
  const sub = alice.request("SUBSCRIBE");
  client.authorize(sub);
  assert.equal(parseCredentials(sub.header("Authorization")!).cnum, "1");
  assert.equal(server.inspect(wire(sub)).kind, "accept");
});
