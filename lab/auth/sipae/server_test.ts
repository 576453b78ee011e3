/**
 * SipaeServer: the challenge format, every rejection with its verdict, and the server still
 * serving other users after each rejection.
 */
import assert from "node:assert/strict";
import { SipRequest } from "../../sip/message/mod.ts";
import { scriptedRandom } from "../ntlm/testdata/scripted_random.ts";
import { parseChallenge, parseCredentials } from "./auth_headers.ts";
import { ntlmServerMechanism } from "./ntlm_mechanism.ts";
import { type AuthenticatedEndpoint, type ServerVerdict, SipaeServer } from "./server.ts";
import {
  Clock,
  FQDN,
  frontEnd,
  handshake,
  lyncClient,
  REALM,
  USERS,
} from "./testdata/handshake.ts";
import { Endpoint, rejection, respond, wire } from "./testdata/sip_fixtures.ts";

type Reject = Extract<ServerVerdict, { kind: "reject" }>;

function expectReject(
  verdict: ServerVerdict,
  status: number,
  diagnosticKind: string,
): Reject {
  assert.equal(verdict.kind, "reject", JSON.stringify(verdict));
  const reject = verdict as Reject;
  assert.equal(reject.status, status, reject.detail);
  assert.equal(reject.diagnosticKind, diagnosticKind, reject.detail);
  return reject;
}

/** Registers `user` and verifies the signed 200 on the client: a fully established SA. */
function establish(server: SipaeServer, clock: Clock, user: string, epid: string) {
  const password = { alice: "Secr3t!", bob: "b0b-pw", carol: "c4rol" }[user]!;
  const client = lyncClient(user, password, clock);
  const endpoint = new Endpoint(user, epid);
  const { verdict, request } = handshake(server, client, endpoint);
  assert.equal(verdict.kind, "accept", JSON.stringify(verdict));
  const sa = (verdict as { sa: AuthenticatedEndpoint }).sa;
  const ok = respond(request, 200, "OK");
  assert.ok(server.signResponse(ok, sa));
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
  return { client, endpoint, sa };
}

/** A signed SUBSCRIBE of an established endpoint, as sent. */
function signedSubscribe(session: ReturnType<typeof establish>): SipRequest {
  const sub = session.endpoint.request("SUBSCRIBE");
  session.client.authorize(sub);
  return wire(sub);
}

/** Another user can still register and send signed requests. */
function assertOthersServed(server: SipaeServer, clock: Clock, epid = "0c0c0c0c0c") {
  const carol = establish(server, clock, "carol", epid);
  assert.equal(server.inspect(signedSubscribe(carol)).kind, "accept");
}

/** Replaces the value of `param` in the Authorization header. */
function withParam(request: SipRequest, param: string, value: string): SipRequest {
  const header = request.header("Authorization")!;
  const re = new RegExp(`${param}="[^"]*"`);
  assert.match(header, re);
  request.setHeader("Authorization", header.replace(re, `${param}="${value}"`));
  return request;
}

Deno.test("MS-SIPAE 4.1: the first 401 carries Date and the NTLM challenge exactly", () => {
  const clock = new Clock(Date.UTC(2008, 0, 31, 0, 1, 56));
  const server = frontEnd(clock, { fqdn: "server.contoso.com", protocolVersion: 3 });
  const register = new Endpoint("alice", "8248ca9ebb").register();
  const reject = expectReject(server.inspect(register), 401, "auth-required");
  assert.equal(reject.reason, "Unauthorized");
  assert.deepEqual(reject.headers, [
    { name: "Date", value: "Thu, 31 Jan 2008 00:01:56 GMT" },
    {
      name: "WWW-Authenticate",
      value: 'NTLM realm="SIP Communications Service", targetname="server.contoso.com", version=3',
    },
  ]);
  assert.deepEqual(server.challengeHeaders(), reject.headers);
});

Deno.test("wrong password: fresh challenge, auth-wrong-password; the client gives up", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const result = handshake(
    server,
    lyncClient("alice", "wrong", clock),
    new Endpoint("alice", "1a1a1a1a1a"),
  );
  const reject = expectReject(result.verdict, 401, "auth-wrong-password");
  assert.equal(reject.headers[1].value, `NTLM realm="${REALM}", targetname="${FQDN}", version=4`);
  assert.equal(result.legs, 3);
  assert.equal(result.outcome?.action, "fail");
  assert.equal(result.outcome?.action === "fail" && result.outcome.reason, "credentials-rejected");
  assert.deepEqual(server.size, { pending: 0, established: 0 });
  assertOthersServed(server, clock);
});

Deno.test("unknown user: auth-unknown-user; 403 when configured instead of a challenge", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const result = handshake(
    server,
    lyncClient("mallory", "x", clock),
    new Endpoint("mallory", "2b2b2b2b2b"),
  );
  expectReject(result.verdict, 401, "auth-unknown-user");
  assertOthersServed(server, clock);

  const strict = frontEnd(clock, { logonFailureStatus: 403 });
  const refused = handshake(
    strict,
    lyncClient("alice", "wrong", clock),
    new Endpoint("alice", "3c3c3c3c3c"),
  );
  const reject = expectReject(refused.verdict, 403, "auth-wrong-password");
  assert.deepEqual(reject.headers, []);
  assertOthersServed(strict, clock);
});

Deno.test("tampered signature: auth-bad-signature; the SA survives for the genuine client", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const alice = establish(server, clock, "alice", "4d4d4d4d4d");

  const changedHeader = signedSubscribe(alice);
  changedHeader.setHeader("Expires", "0"); // Expires is in the signature buffer
  expectReject(server.inspect(changedHeader), 401, "auth-bad-signature");

  const changedSignature = signedSubscribe(alice);
  const response = parseCredentials(changedSignature.header("Authorization")!).response!;
  const flipped = response.slice(0, 20) + (response[20] === "0" ? "1" : "0") + response.slice(21);
  expectReject(
    server.inspect(withParam(changedSignature, "response", flipped)),
    401,
    "auth-bad-signature",
  );

  assert.equal(server.inspect(signedSubscribe(alice)).kind, "accept");
  assertOthersServed(server, clock);
});

Deno.test("replayed cnum and cnum below the 256 window: auth-replay", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const alice = establish(server, clock, "alice", "5e5e5e5e5e");
  const sub = signedSubscribe(alice);
  assert.equal(server.inspect(sub).kind, "accept");
  expectReject(server.inspect(sub), 401, "auth-replay");

  // Sign 300 requests but deliver the first one after the last: 300 - 256 > its cnum.
  const signed = Array.from({ length: 300 }, () => signedSubscribe(alice));
  assert.equal(server.inspect(signed[299]).kind, "accept");
  assert.equal(server.inspect(signed[100]).kind, "accept"); // out of order, inside the window
  expectReject(server.inspect(signed[0]), 401, "auth-replay");
  assertOthersServed(server, clock);
});

Deno.test("malformed gssapi-data: 400 auth-malformed-gssapi, the pending context is dropped", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const client = lyncClient("alice", "Secr3t!", clock);
  const alice = new Endpoint("alice", "6f6f6f6f6f");
  let request = alice.register();
  for (let leg = 0; leg < 2; leg++) {
    client.authorize(request);
    client.handleChallenge(request, wire(rejection(request, server.inspect(wire(request)))));
    request = alice.register();
  }
  client.authorize(request);
  assert.equal(server.size.pending, 1);
  expectReject(
    server.inspect(withParam(request, "gssapi-data", "not*base64")),
    400,
    "auth-malformed-gssapi",
  );
  assert.equal(server.size.pending, 0);

  // An opening token that is base64 but no NTLM message.
  const opening = alice.register().addHeader(
    "Authorization",
    `NTLM qop="auth", realm="${REALM}", targetname="${FQDN}", version=4, gssapi-data="AAAAAAAA"`,
  );
  expectReject(server.inspect(opening), 400, "auth-malformed-gssapi");
  assertOthersServed(server, clock);
});

Deno.test("malformed credential parameters addressed to this server: 400", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const alice = establish(server, clock, "alice", "7a7a7a7a7a");
  expectReject(
    server.inspect(withParam(signedSubscribe(alice), "cnum", "one")),
    400,
    "auth-malformed-credentials",
  );
  expectReject(
    server.inspect(withParam(signedSubscribe(alice), "crand", "xyz")),
    400,
    "auth-malformed-credentials",
  );
  const noResponse = signedSubscribe(alice);
  noResponse.setHeader(
    "Authorization",
    noResponse.header("Authorization")!.replace(/, response="[^"]*"/, ""),
  );
  expectReject(server.inspect(noResponse), 400, "auth-malformed-credentials");
  const broken = alice.endpoint.request("SUBSCRIBE").addHeader(
    "Authorization",
    `NTLM qop="auth", realm="${REALM}", targetname="${FQDN}", opaque="${alice.sa.opaque}", version=x`,
  );
  expectReject(server.inspect(broken), 400, "auth-malformed-credentials");
  assert.equal(server.inspect(signedSubscribe(alice)).kind, "accept");
  assertOthersServed(server, clock);
});

Deno.test("unknown opaque and expired SA: re-challenge; the client re-authenticates", () => {
  const clock = new Clock();
  const server = frontEnd(clock, { lifetimeMs: 60 * 60 * 1000 });
  const alice = establish(server, clock, "alice", "8b8b8b8b8b");
  expectReject(
    server.inspect(withParam(signedSubscribe(alice), "opaque", "DEADBEEF")),
    401,
    "auth-unknown-sa",
  );

  clock.time += 60 * 60 * 1000;
  const late = alice.endpoint.request("SUBSCRIBE");
  alice.client.authorize(late);
  const reject = expectReject(server.inspect(wire(late)), 401, "auth-expired-sa");
  // The request carried signatures: the client drops its SA and starts over.
  const outcome = alice.client.handleChallenge(late, wire(rejection(late, reject)));
  assert.equal(outcome.action, "retry");
  assert.equal(alice.client.securityAssociations()[0].state, "offered");
  const again = handshake(server, alice.client, alice.endpoint);
  assert.equal(again.verdict.kind, "accept");
  assert.equal(again.legs, 2);
  assertOthersServed(server, clock);
});

Deno.test("pending context older than 60 s: auth-expired-sa", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const client = lyncClient("alice", "Secr3t!", clock);
  const alice = new Endpoint("alice", "9c9c9c9c9c");
  let request = alice.register();
  for (let leg = 0; leg < 2; leg++) {
    client.authorize(request);
    client.handleChallenge(request, wire(rejection(request, server.inspect(wire(request)))));
    request = alice.register();
  }
  client.authorize(request);
  clock.time += 61_000;
  expectReject(server.inspect(wire(request)), 401, "auth-expired-sa");
  assert.equal(server.size.pending, 0);
  assertOthersServed(server, clock);
});

Deno.test("clock skew beyond 15 minutes: auth-clock-skew on the server, clock-skew on the client", () => {
  const serverClock = new Clock();
  // Without MsvAvTimestamp the client stamps its own (skewed) time into the NTLMv2 response.
  const server = frontEnd(serverClock, { includeTimestamp: false });
  const clientClock = new Clock(serverClock.time + 20 * 60 * 1000);
  const result = handshake(
    server,
    lyncClient("alice", "Secr3t!", clientClock),
    new Endpoint("alice", "adadadadad"),
  );
  expectReject(result.verdict, 401, "auth-clock-skew");
  assert.deepEqual(result.outcome && { ...result.outcome, detail: undefined }, {
    action: "fail",
    reason: "clock-skew",
    detail: undefined,
    clockSkewMs: -20 * 60 * 1000,
  });
  assertOthersServed(server, serverClock);
});

Deno.test("ACK and CANCEL that fail authentication are dropped, never answered", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const alice = establish(server, clock, "alice", "bebebebebe");
  const bare = alice.endpoint.request("ACK");
  assert.deepEqual(server.inspect(bare), {
    kind: "drop",
    diagnosticKind: "auth-required",
    detail: "no credentials for this server",
  });
  const cancel = alice.endpoint.request("CANCEL");
  alice.client.authorize(cancel);
  cancel.setHeader("CSeq", "999 CANCEL");
  const dropped = server.inspect(wire(cancel));
  assert.equal(dropped.kind, "drop");
  assert.equal(dropped.kind === "drop" && dropped.diagnosticKind, "auth-bad-signature");
  const ack = alice.endpoint.request("ACK");
  alice.client.authorize(ack);
  assert.equal(server.inspect(withParam(wire(ack), "opaque", "00000000")).kind, "drop");
  assertOthersServed(server, clock);
});

Deno.test("endpoint identifiers: missing epid and instance, instance not derived from epid: 400", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const alice = new Endpoint("alice", "cfcfcfcfcf");
  const noIds = handshake(server, lyncClient("alice", "Secr3t!", clock), alice, () => {
    const r = alice.register({ epid: null });
    r.setHeader("Contact", "<sip:192.0.2.10:50000;transport=tls>");
    return r;
  });
  expectReject(noIds.verdict, 400, "auth-missing-endpoint-id");
  const mismatch = handshake(
    server,
    lyncClient("alice", "Secr3t!", clock),
    alice,
    () => alice.register({ instance: "34D859DB-6585-5F91-A3B4-DE853C15347D" }),
  );
  expectReject(mismatch.verdict, 400, "auth-endpoint-mismatch");
  assertOthersServed(server, clock);
});

Deno.test("identity: a user may not register or sign as another AOR (403)", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const result = handshake(
    server,
    lyncClient("alice", "Secr3t!", clock),
    new Endpoint("bob", "d0d0d0d0d0"),
  );
  expectReject(result.verdict, 403, "auth-identity-mismatch");
  assert.deepEqual(server.size, { pending: 0, established: 0 });

  const alice = establish(server, clock, "alice", "e1e1e1e1e1");
  const spoof = alice.endpoint.request("SUBSCRIBE");
  spoof.setHeader("From", "<sip:bob@contoso.com>;tag=x;epid=e1e1e1e1e1");
  alice.client.authorize(spoof);
  expectReject(server.inspect(wire(spoof)), 403, "auth-identity-mismatch");
  assertOthersServed(server, clock);
});

Deno.test("credentials for another server or an unknown scheme are no credentials: challenge", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const r = new Endpoint("alice", "f2f2f2f2f2").register()
    .addHeader(
      "Authorization",
      `NTLM qop="auth", realm="${REALM}", targetname="edge.contoso.com", gssapi-data=""`,
    )
    .addHeader(
      "Authorization",
      'Digest username="alice", realm="contoso.com", nonce="1", response="2"',
    )
    .addHeader("Authorization", "garbage ==");
  expectReject(server.inspect(r), 401, "auth-required");
});

Deno.test("proxy family: 407 / Proxy-Authorization / Proxy-Authentication-Info", () => {
  const clock = new Clock();
  const server = frontEnd(clock, { family: "proxy" });
  const client = lyncClient("alice", "Secr3t!", clock);
  const endpoint = new Endpoint("alice", "a3a3a3a3a3");
  const first = endpoint.register();
  const reject = expectReject(server.inspect(first), 407, "auth-required");
  assert.equal(reject.reason, "Proxy Authentication Required");
  assert.equal(reject.headers[1].name, "Proxy-Authenticate");
  const { verdict, request } = handshake(server, client, endpoint);
  assert.equal(verdict.kind, "accept");
  assert.ok(request.header("Proxy-Authorization"));
  assert.equal(request.header("Authorization"), undefined);
  const ok = respond(request, 200, "OK");
  server.signResponse(ok);
  assert.ok(ok.header("Proxy-Authentication-Info"));
  assert.equal(client.verifyIncoming(wire(ok)).accept, true);
});

Deno.test("a re-registration replaces the endpoint's SA; the old opaque is unknown", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const first = establish(server, clock, "alice", "b4b4b4b4b4");
  const second = establish(server, clock, "alice", "b4b4b4b4b4");
  assert.notEqual(first.sa.opaque, second.sa.opaque);
  assert.equal(server.size.established, 1);
  assert.equal(
    server.securityAssociationOf("sip:Alice@contoso.com", "b4b4b4b4b4")?.opaque,
    second.sa.opaque,
  );
  expectReject(server.inspect(signedSubscribe(first)), 401, "auth-unknown-sa");
  assert.equal(server.inspect(signedSubscribe(second)).kind, "accept");
});

Deno.test("the SA table is bounded: the least recently used SA goes first", () => {
  const clock = new Clock();
  const server = frontEnd(clock, { maxEstablished: 2 });
  const alice = establish(server, clock, "alice", "c5c5c5c5c5");
  const bob = establish(server, clock, "bob", "c6c6c6c6c6");
  assert.equal(server.inspect(signedSubscribe(alice)).kind, "accept"); // alice used last
  establish(server, clock, "carol", "c7c7c7c7c7");
  assert.equal(server.size.established, 2);
  expectReject(server.inspect(signedSubscribe(bob)), 401, "auth-unknown-sa");
  assert.equal(server.inspect(signedSubscribe(alice)).kind, "accept");
});

Deno.test("a colliding opaque is never handed out twice", () => {
  const clock = new Clock();
  const challenge = "0102030405060708";
  const server = new SipaeServer({
    fqdn: FQDN,
    mechanisms: [
      ntlmServerMechanism({
        lookupNtHash: (user) => USERS.get(user),
        names: { nbDomainName: "CONTOSO", nbComputerName: "FE01" },
        // SA 1: opaque + ServerChallenge; SA 2: the same opaque (discarded); SA 3: a new one.
        random: scriptedRandom("0A0B0C0D", challenge, "0A0B0C0D", "0E0F1011", challenge),
        now: clock.now,
      }),
    ],
    now: clock.now,
  });
  const opaques = ["d8d8d8d8d8", "d9d9d9d9d9"].map((epid) => {
    const r = new Endpoint("alice", epid).register().addHeader(
      "Authorization",
      `NTLM qop="auth", realm="${REALM}", targetname="${FQDN}", version=4, gssapi-data=""`,
    );
    const reject = expectReject(server.inspect(r), 401, "auth-continue");
    return parseChallenge(reject.headers[1].value).opaque;
  });
  assert.deepEqual(opaques, ["0A0B0C0D", "0E0F1011"]);
  assert.equal(server.size.pending, 2);
});

Deno.test("signing needs an SA: unknown endpoints and challenges are not signed", () => {
  const clock = new Clock();
  const server = frontEnd(clock);
  const stranger = new Endpoint("bob", "e9e9e9e9e9").request("SUBSCRIBE");
  assert.equal(server.signResponse(respond(stranger, 200, "OK")), false);
  assert.equal(server.signRequest(stranger), false);
  const alice = establish(server, clock, "alice", "eaeaeaeaea");
  const sub = signedSubscribe(alice);
  const challenge = respond(sub, 401, "Unauthorized");
  assert.equal(server.signResponse(challenge, alice.sa), false);
  assert.equal(challenge.header("Authentication-Info"), undefined);
  const notify = new SipRequest("NOTIFY", "sip:192.0.2.10:50000")
    .addHeader("From", "<sip:alice@contoso.com>;tag=1")
    .addHeader("To", "<sip:alice@contoso.com>;tag=2")
    .addHeader("Call-ID", "n1")
    .addHeader("CSeq", "1 NOTIFY");
  assert.equal(
    server.signRequest(notify, { aor: "sip:alice@contoso.com", epid: "eaeaeaeaea" }),
    true,
  );
  assert.equal(alice.client.verifyIncoming(notify).accept, true);
});
