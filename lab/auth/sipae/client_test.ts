/**
 * SipaeClient: scheme choice, handshake failures, incoming-message verification, and two SAs
 * (Edge 407 + Front End 401) at once.
 */
import assert from "node:assert/strict";
import { parseMessage, SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { SipaeClient } from "./client.ts";
import { parseCredentials } from "./auth_headers.ts";
import { Clock, frontEnd, handshake, lyncClient, REALM } from "./testdata/handshake.ts";
import { Endpoint, rejection, respond, wire } from "./testdata/sip_fixtures.ts";

const SIPAE_41_REGISTER = [
  "REGISTER sip:contoso.com SIP/2.0",
  "Via: SIP/2.0/TLS 192.0.2.1:4320",
  "Max-Forwards: 70",
  "From: <sip:alice@contoso.com>;tag=4a2b44d131;epid=8248ca9ebb",
  "To: <sip:alice@contoso.com>",
  "Call-ID: d5f2b95d5be64c2cbfb38aa5d3a87ae7",
  "CSeq: 169 REGISTER",
  'Contact: <sip:192.0.2.1:4320;transport=tls>;proxy=replace;+sip.instance="<urn:uuid:4233FD41-093B-5FD6-B5D2-651ED55969E6>"',
  "Supported: gruu-10",
  "Content-Length: 0",
];

// MS-SIPAE 4.1 step 2 (Via completed from the request; the published page truncates it).
const SIPAE_41_CHALLENGE = [
  "SIP/2.0 401 Unauthorized",
  "Date: Thu, 31 Jan 2008 00:01:56 GMT",
  'WWW-Authenticate: NTLM realm="SIP Communications Service", targetname="server.contoso.com", version=3',
  'WWW-Authenticate: Kerberos realm="SIP Communications Service", targetname="sip/server.contoso.com", version=3',
  "From: <sip:alice@contoso.com>;tag=4a2b44d131;epid=8248ca9ebb",
  "To: <sip:alice@contoso.com>;tag=0858513FA91D3AAE1A5840DDB99599DF",
  "Call-ID: d5f2b95d5be64c2cbfb38aa5d3a87ae7",
  "CSeq: 169 REGISTER",
  "Via: SIP/2.0/TLS 192.0.2.1:4320",
  "Content-Length: 0",
];

function message<T>(lines: string[]): T {
  return parseMessage(lines.join("\r\n") + "\r\n\r\n") as T;
}

Deno.test("MS-SIPAE 4.1: NTLM chosen from the NTLM + Kerberos challenge, skew from Date", () => {
  const clock = new Clock(Date.UTC(2008, 0, 31, 0, 1, 0)); // 56 s behind the server
  const client = lyncClient("alice", "Secr3t!", clock);
  const register = message<SipRequest>(SIPAE_41_REGISTER);
  const outcome = client.handleChallenge(register, message<SipResponse>(SIPAE_41_CHALLENGE));
  assert.deepEqual(outcome, { action: "retry", scheme: "NTLM", clockSkewMs: 56_000 });
  const next = message<SipRequest>(SIPAE_41_REGISTER);
  next.setHeader("CSeq", "170 REGISTER");
  client.authorize(next);
  assert.equal(
    next.header("Authorization"),
    'NTLM qop="auth", realm="SIP Communications Service", targetname="server.contoso.com", ' +
      'version=3, gssapi-data=""',
  );
  assert.deepEqual(client.securityAssociations(), [{
    scheme: "NTLM",
    realm: REALM,
    targetName: "server.contoso.com",
    family: "www",
    state: "awaiting-token",
    protocolVersion: 3,
    opaque: undefined,
  }]);
});

function challengeWith(request: SipRequest, ...values: string[]): SipResponse {
  const res = respond(request, 401, "Unauthorized");
  for (const v of values) res.addHeader("WWW-Authenticate", v);
  return res;
}

Deno.test("scheme choice: unknown schemes ignored, nothing usable → no-supported-scheme", () => {
  const clock = new Clock();
  const client = lyncClient("alice", "Secr3t!", clock);
  const r = new Endpoint("alice", "1111111111").register();
  const none = client.handleChallenge(
    r,
    challengeWith(
      r,
      'Kerberos realm="r", targetname="sip/fe", version=4',
      'TLS-DSK realm="r", targetname="fe", version=4, sts-uri="https://fe/CertProv"',
    ),
  );
  assert.deepEqual(none, {
    action: "fail",
    reason: "no-supported-scheme",
    detail: "offered: Kerberos, TLS-DSK",
    clockSkewMs: undefined,
  });
  const ntlm = client.handleChallenge(
    r,
    challengeWith(r, 'Digest realm="contoso.com", nonce="abc"', 'NTLM realm="r", targetname="fe"'),
  );
  assert.equal(ntlm.action, "retry");
  // No version offered: legacy buffer (version 2), no version parameter echoed.
  assert.equal(client.securityAssociations()[0].protocolVersion, 2);
  const next = new Endpoint("alice", "1111111111").register();
  client.authorize(next);
  assert.equal(parseCredentials(next.header("Authorization")!).version, undefined);
  assert.throws(() => client.handleChallenge(r, respond(r, 403, "Forbidden")), TypeError);
});

/** A client whose NTLM SA waits for the server token (leg 2 sent). */
function awaitingToken() {
  const clock = new Clock();
  const client = lyncClient("alice", "Secr3t!", clock);
  const endpoint = new Endpoint("alice", "2222222222");
  const first = endpoint.register();
  client.handleChallenge(first, challengeWith(first, 'NTLM realm="r", targetname="fe", version=4'));
  const second = endpoint.register();
  client.authorize(second);
  return { client, endpoint, second };
}

Deno.test("handshake failures: bad server token, token without opaque, restart mid-way", () => {
  {
    const { client, second } = awaitingToken();
    const outcome = client.handleChallenge(
      second,
      challengeWith(
        second,
        'NTLM opaque="AB12CD34", gssapi-data="%%%", targetname="fe", realm="r"',
      ),
    );
    assert.equal(outcome.action === "fail" && outcome.reason, "handshake-failed");
    assert.deepEqual(client.securityAssociations(), []);
  }
  {
    const { client, second } = awaitingToken();
    const outcome = client.handleChallenge(
      second,
      challengeWith(second, 'NTLM gssapi-data="TlRMTVNTUAACAAAA", targetname="fe", realm="r"'),
    );
    assert.equal(outcome.action === "fail" && outcome.detail, "server token without opaque");
  }
  {
    // The server answers gssapi-data="" with a fresh challenge instead of its token.
    const { client, second } = awaitingToken();
    const outcome = client.handleChallenge(
      second,
      challengeWith(second, 'NTLM realm="r", targetname="fe", version=4'),
    );
    assert.equal(outcome.action === "fail" && outcome.reason, "handshake-failed");
  }
});

Deno.test("a request sent while the handshake runs carries nothing and keeps the SA", () => {
  const { client, endpoint } = awaitingToken();
  const parallel = endpoint.request("SUBSCRIBE");
  client.authorize(parallel);
  assert.equal(parallel.header("Authorization"), undefined);
  const outcome = client.handleChallenge(
    parallel,
    challengeWith(parallel, 'NTLM realm="r", targetname="fe", version=4'),
  );
  assert.equal(outcome.action, "retry");
  assert.equal(client.securityAssociations()[0].state, "awaiting-token");
});

Deno.test("incoming messages: no SA, malformed info, foreign opaque are dropped", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const client = lyncClient("alice", "Secr3t!", clock);
  const endpoint = new Endpoint("alice", "3333333333");
  const before = respond(endpoint.request("SUBSCRIBE"), 200, "OK");
  assert.deepEqual(client.verifyIncoming(before), { accept: true, signed: false });
  before.addHeader(
    "Authentication-Info",
    `NTLM qop="auth", opaque="01020304", srand="01020304", snum="1", rspauth="00", targetname="fe01.contoso.com", realm="${REALM}"`,
  );
  assert.equal(
    (client.verifyIncoming(before) as { reason: string }).reason,
    "no-security-association",
  );

  const { verdict, request } = handshake(server, client, endpoint);
  assert.equal(verdict.kind, "accept");
  const ok = respond(request, 200, "OK");
  server.signResponse(ok);
  const value = ok.header("Authentication-Info")!;

  const otherOpaque = wire(ok);
  otherOpaque.setHeader(
    "Authentication-Info",
    value.replace(/opaque="[^"]*"/, 'opaque="FFFFFFFF"'),
  );
  assert.equal(
    (client.verifyIncoming(otherOpaque) as { reason: string }).reason,
    "no-security-association",
  );
  const malformed = wire(ok);
  malformed.setHeader("Authentication-Info", value.replace(/, rspauth="[^"]*"/, ""));
  assert.equal(
    (client.verifyIncoming(malformed) as { reason: string }).reason,
    "malformed-auth-info",
  );
  const badSnum = wire(ok);
  badSnum.setHeader("Authentication-Info", value.replace(/snum="1"/, 'snum="x"'));
  assert.equal(
    (client.verifyIncoming(badSnum) as { reason: string }).reason,
    "malformed-auth-info",
  );
  // None of the drops established the SA; the genuine response does.
  assert.equal(client.securityAssociations()[0].state, "authenticating");
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
  assert.equal(client.securityAssociations()[0].state, "established");

  // Once established: 100 and challenges may be unsigned, other messages may not.
  const sub = endpoint.request("SUBSCRIBE");
  assert.equal(client.verifyIncoming(respond(sub, 100, "Trying")).accept, true);
  assert.equal(client.verifyIncoming(respond(sub, 401, "Unauthorized")).accept, true);
  assert.equal(client.verifyIncoming(respond(sub, 486, "Busy Here")).accept, false);
  client.reset();
  assert.deepEqual(client.securityAssociations(), []);
});

Deno.test("Edge (407) and Front End (401): one SA each, both signed, both verified", () => {
  const clock = new Clock();
  const edge = frontEnd(clock, { fqdn: "edge.contoso.com", family: "proxy" });
  const fe = frontEnd(clock);
  const client = lyncClient("alice", "Secr3t!", clock);
  const endpoint = new Endpoint("alice", "4444444444");

  let accepted: SipRequest | undefined;
  for (let legs = 0; legs < 8 && !accepted; legs++) {
    const request = endpoint.register();
    client.authorize(request);
    const onWire = wire(request);
    const atEdge = edge.inspect(onWire);
    const verdict = atEdge.kind === "accept" ? fe.inspect(onWire) : atEdge;
    if (verdict.kind === "accept") accepted = request;
    else {assert.equal(
        client.handleChallenge(request, wire(rejection(request, verdict))).action,
        "retry",
      );}
  }
  assert.ok(accepted, "both servers accept within 8 legs");
  assert.ok(accepted.header("Proxy-Authorization"));
  assert.ok(accepted.header("Authorization"));

  const ok = respond(accepted, 200, "OK");
  assert.ok(fe.signResponse(ok));
  assert.ok(edge.signResponse(ok));
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
  assert.deepEqual(
    client.securityAssociations().map((sa) => [sa.targetName, sa.family, sa.state]),
    [["edge.contoso.com", "proxy", "established"], ["fe01.contoso.com", "www", "established"]],
  );

  const sub = endpoint.request("SUBSCRIBE");
  client.authorize(sub);
  const onWire = wire(sub);
  assert.equal(edge.inspect(onWire).kind, "accept");
  assert.equal(fe.inspect(onWire).kind, "accept");
});

Deno.test("a client needs a mechanism", () => {
  assert.throws(() => new SipaeClient({ mechanisms: [] }), /needs a mechanism/);
});
