/**
 * The front end as a Lync front end on the wire: Microsoft-style endpoints (lab/auth/sipae
 * SipaeClient with NTLM over the UA core, TCP and TLS on loopback) sign in, send signed
 * requests, are provisioned, routed to each other and deregistered; every bad case is answered
 * with its status and ms-diagnostics and counted, and the front end keeps serving others.
 */
import assert from "node:assert/strict";
import {
  parseAuthenticationInfo,
  parseChallenge,
  parseCredentials,
} from "../../lab/auth/sipae/mod.ts";
import { parseMsDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import { parseXml } from "../../lab/protocols/xml/mod.ts";
import { createCancel } from "../../lab/sip/dialog/mod.ts";
import {
  parseMessage,
  serializeMessage,
  type SipRequest,
  type SipResponse,
} from "../../lab/sip/message/mod.ts";
import { labTlsMaterial } from "../lab_trust.ts";
import type { ListenAddress } from "../sip_endpoint.ts";
import { FrontendAgent } from "./frontend_agent.ts";
import type { FrontendService } from "./frontend_service.ts";
import { PROVISIONING_CONTENT_TYPE } from "./provisioning_documents.ts";
import { SipaeTestClient } from "./sipae_test_client.ts";

const DOMAIN = "lab.sipfleet.test";
const FQDN = "fe01.lab.sipfleet.test";
const PASSWORDS = new Map([["alice", "alice-pw"], ["bob", "bob-pw"], ["carol", "carol-pw"]]);

interface Lab {
  agent: FrontendAgent;
  /** `scheme/outcome/reason` → count. */
  auth: Map<string, number>;
  registrations: Map<string, number>;
  /** Requests that reached the recording service. */
  served: SipRequest[];
  client(user: string, epid: string, password?: string): Promise<SipaeTestClient>;
  /** A fresh endpoint signs in: the server still serves. */
  assertStillServing(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function startLab(protocol: "tcp" | "tls" = "tcp"): Promise<Lab> {
  const auth = new Map<string, number>();
  const registrations = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const served: SipRequest[] = [];
  const recorder: FrontendService = {
    name: "recorder",
    handles: (request) => request.method === "SERVICE",
    handle: (context) => {
      served.push(context.request);
      context.respond(200);
    },
  };
  const tls = protocol === "tls" ? await labTlsMaterial("127.0.0.1") : undefined;
  const agent = await FrontendAgent.start({
    listen: { protocol, host: "127.0.0.1", port: 0 },
    domain: DOMAIN,
    serverName: FQDN,
    users: (name) => PASSWORDS.has(name) ? { password: PASSWORDS.get(name)! } : undefined,
    tls,
    services: [recorder],
    metrics: {
      registration: (outcome, reason) => bump(registrations, `${outcome}/${reason}`),
      authentication: (scheme, outcome, reason) => bump(auth, `${scheme}/${outcome}/${reason}`),
    },
    stopNotifyTimeoutMs: 500,
  });
  const clients: SipaeTestClient[] = [];
  const client = async (user: string, epid: string, password = PASSWORDS.get(user) ?? "x") => {
    const c = await SipaeTestClient.open({
      server: agent.address as ListenAddress,
      domain: DOMAIN,
      user,
      password,
      epid,
      tls: tls === undefined ? undefined : { ...tls },
    });
    clients.push(c);
    return c;
  };
  return {
    agent,
    auth,
    registrations,
    served,
    client,
    async assertStillServing() {
      const probe = await client("carol", "c0ffee0001");
      const ok = await probe.register();
      assert.equal(ok.status, 200, "another endpoint still signs in");
      assert.equal(probe.sipae.verifyIncoming(ok).accept, true);
    },
    async [Symbol.asyncDispose]() {
      await agent.stop();
      for (const c of clients) await c.close();
    },
  };
}

/** A signed SERVICE from `client` to itself (answered by the recording service). */
function service(client: SipaeTestClient): SipRequest {
  return client.request("SERVICE", { to: `<${client.aor}>` });
}

/** The ms-diagnostics ErrorId of a response, whichever header carries it. */
function errorId(response: { header(name: string): string | undefined }): number | undefined {
  const value = response.header("ms-diagnostics") ?? response.header("ms-diagnostics-public");
  if (value === undefined) return undefined;
  const parsed = parseMsDiagnostics(value);
  return parsed.ok ? parsed.value.errorId : undefined;
}

Deno.test("NTLM sign-in over TCP: 401 per scheme + Date, two NTLM legs, 200 signed with GRUU", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "8248ca9ebb");

  const first = alice.registerRequest();
  const challenge = await alice.send(first);
  assert.equal(challenge.status, 401);
  const schemes = challenge.headerValues("www-authenticate").map((v) => v.split(" ")[0]);
  assert.deepEqual(schemes, ["Digest", "NTLM"], "one challenge per scheme");
  const ntlm = parseChallenge(challenge.headerValues("www-authenticate")[1]);
  assert.equal(ntlm.realm, "SIP Communications Service");
  assert.equal(ntlm.targetname, FQDN);
  assert.equal(ntlm.version, 4);
  assert.match(challenge.header("date") ?? "", /GMT$/, "MS-SIP §3.1.5.1: Date in challenges");
  assert.equal(alice.sipae.handleChallenge(first, challenge).action, "retry");

  const second = alice.registerRequest();
  alice.sipae.authorize(second);
  assert.equal(parseCredentials(second.header("authorization")!).gssapiData, "");
  const tokenChallenge = await alice.send(second);
  assert.equal(tokenChallenge.status, 401);
  const withToken = parseChallenge(tokenChallenge.header("www-authenticate")!);
  assert.match(withToken.gssapiData ?? "", /^TlRMTVNTUAACAAAA/, "CHALLENGE_MESSAGE");
  assert.equal(alice.sipae.handleChallenge(second, tokenChallenge).action, "retry");

  const third = alice.registerRequest();
  alice.sipae.authorize(third);
  const ok = await alice.send(third);
  assert.equal(ok.status, 200);
  const info = parseAuthenticationInfo(ok.header("authentication-info")!);
  assert.equal(info.opaque, withToken.opaque);
  assert.equal(info.snum, "1");
  assert.deepEqual(alice.sipae.verifyIncoming(ok), {
    accept: true,
    signed: true,
    scheme: "NTLM",
    realm: "SIP Communications Service",
    targetName: FQDN,
  }, "rspauth verifies");
  // MS-SIPRE 3.4: the GRUU of the instance derived from the epid (MS-SIPRE.md §3 vector).
  const contact = ok.contacts[0];
  assert.equal(
    contact.params.get("+sip.instance"),
    '"<urn:uuid:4233FD41-093B-5FD6-B5D2-651ED55969E6>"',
  );
  const gruu = contact.params.get("gruu")!;
  assert.match(gruu, /^"sip:alice@lab\.sipfleet\.test;opaque=user:epid:[\w-]{22}AA;gruu"$/);
  const binding = lab.agent.location.lookup(`sip:alice@${DOMAIN}`)[0];
  assert.equal(binding.endpoint.epid, "8248ca9ebb");
  assert.equal(`"${binding.endpoint.gruu}"`, gruu);
  assert.equal(lab.auth.get("NTLM/established/ok"), 1);
  assert.equal(lab.auth.get("NTLM/continued/auth-continue"), 1);
  assert.equal(lab.registrations.get("ok/registered"), 1);
  assert.match(ok.header("allow-events") ?? "", /vnd-microsoft-provisioning-v2/);

  // Signed follow-up requests: each answered and signed, snum counting up.
  for (let i = 2; i <= 3; i++) {
    const res = await alice.sendSigned(service(alice));
    assert.equal(res.status, 200);
    assert.equal(parseAuthenticationInfo(res.header("authentication-info")!).snum, String(i));
    assert.equal(alice.sipae.verifyIncoming(res).accept, true);
  }
  assert.equal(lab.served.length, 2);
});

Deno.test("NTLM sign-in over TLS with the lab CA, then a signed request", async () => {
  await using lab = await startLab("tls");
  const bob = await lab.client("bob", "0b0b0b0b01");
  const ok = await bob.register();
  assert.equal(ok.status, 200);
  assert.equal(bob.sipae.verifyIncoming(ok).accept, true);
  const res = await bob.sendSigned(service(bob));
  assert.equal(res.status, 200);
  assert.equal(bob.sipae.verifyIncoming(res).accept, true);
});

Deno.test("a tampered signature and a replayed cnum are re-challenged with ms-diagnostics and counted", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00001");
  assert.equal((await alice.register()).status, 200);

  const tampered = service(alice);
  alice.sipae.authorize(tampered);
  const credentials = tampered.header("authorization")!;
  const forged = credentials.replace(
    /response="([0-9a-f])/,
    (_m, c) => `response="${c === "0" ? "1" : "0"}`,
  );
  assert.notEqual(forged, credentials);
  tampered.setHeader("Authorization", forged);
  const refused = await alice.send(tampered);
  assert.equal(refused.status, 401);
  assert.equal(errorId(refused), 1000);
  assert.equal(lab.auth.get("NTLM/challenged/auth-bad-signature"), 1);

  // The genuine endpoint keeps its SA: the next signed request passes.
  const original = service(alice);
  alice.sipae.authorize(original);
  assert.equal((await alice.send(original)).status, 200);
  // The same signed request again (new transaction, same cnum): a replay.
  const copy = parseMessage(serializeMessage(original)) as SipRequest;
  copy.removeHeader("Via");
  const replay = await alice.send(copy);
  assert.equal(replay.status, 401);
  assert.equal(errorId(replay), 1000);
  assert.equal(lab.auth.get("NTLM/challenged/auth-replay"), 1);
  assert.equal(lab.served.length, 1, "only the genuine request was served");
  await lab.assertStillServing();
});

Deno.test("wrong password and unknown user: re-challenged with 1000 / 1003, counted, others served", async () => {
  await using lab = await startLab();
  const wrong = await lab.client("alice", "a11ce00002", "not-alice-pw");
  const refused = await wrong.register();
  assert.equal(refused.status, 401);
  assert.equal(errorId(refused), 1000);
  assert.equal(lab.auth.get("NTLM/challenged/auth-wrong-password"), 1);

  const nobody = await lab.client("mallory", "0000000001", "whatever");
  const unknown = await nobody.register();
  assert.equal(unknown.status, 401);
  assert.equal(errorId(unknown), 1003);
  assert.equal(lab.auth.get("NTLM/challenged/auth-unknown-user"), 1);
  assert.equal(lab.agent.location.size, 0);
  await lab.assertStillServing();
});

Deno.test("malformed gssapi-data gets 400 with ms-diagnostics, counted", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00003");
  const request = alice.registerRequest();
  request.setHeader(
    "Authorization",
    `NTLM qop="auth", realm="SIP Communications Service", targetname="${FQDN}", version=4, ` +
      `gssapi-data="bm90IGFuIE5UTE0gbWVzc2FnZQ=="`,
  );
  const res = await alice.send(request);
  assert.equal(res.status, 400);
  assert.equal(errorId(res), 1000);
  assert.equal(lab.auth.get("NTLM/failed/auth-malformed-gssapi"), 1);
  await lab.assertStillServing();
});

Deno.test("nothing unauthenticated reaches services or routing", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00004");
  const bob = await lab.client("bob", "0b0b0b0b02");
  assert.equal((await bob.register()).status, 200);
  // No credentials at all, to a service and to a user.
  assert.equal((await alice.send(service(alice))).status, 401);
  const message = alice.request("MESSAGE", {
    to: `<sip:bob@${DOMAIN}>`,
    body: "hi",
    contentType: "text/plain",
  });
  assert.equal((await alice.send(message)).status, 401);
  // Credentials naming an SA that does not exist.
  const bogus = service(alice);
  bogus.setHeader(
    "Authorization",
    `NTLM qop="auth", realm="SIP Communications Service", opaque="DEADBEEF", ` +
      `targetname="${FQDN}", crand="01234567", cnum="1", response="0011"`,
  );
  const unknownSa = await alice.send(bogus);
  assert.equal(unknownSa.status, 401);
  assert.equal(errorId(unknownSa), 1000);
  // Bob's SA used with Alice's From: 403 (4004).
  const impostor = bob.request("SERVICE", {
    to: `<sip:alice@${DOMAIN}>`,
    from: `<sip:alice@${DOMAIN}>`,
  });
  const mismatch = await bob.sendSigned(impostor);
  assert.equal(mismatch.status, 403);
  assert.equal(errorId(mismatch), 4004);
  assert.equal(lab.served.length, 0);
  assert.equal(bob.received.length, 0, "nothing was routed to bob");
});

Deno.test("MS-SIPREGE registrar table: 400/4010, 489/4055, 421/2057, and an inconsistent instance", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00005");
  // No epid and no +sip.instance (MS-SIPREGE 3.1.2.5.1).
  const bare = await alice.register(() => {
    const r = alice.registerRequest({ from: `<${alice.aor}>;tag=bare1` });
    r.setHeader("Contact", `<sip:alice@127.0.0.1:1;transport=tcp>`);
    return r;
  });
  assert.equal(bare.status, 400);
  assert.equal(errorId(bare), 4010);
  // +sip.instance not derived from the epid (MS-SIPAE §3.3.5.2).
  const other = await lab.client("alice", "a11ce00008");
  const inconsistent = await other.register(() =>
    other.registerRequest({ instance: "00000000-0000-5000-8000-000000000000" })
  );
  assert.equal(inconsistent.status, 400);
  assert.equal(errorId(inconsistent), 4010);

  const carol = await lab.client("carol", "ca401e0001");
  assert.equal((await carol.register()).status, 200);
  const badEvent = await carol.register(() =>
    carol.registerRequest({ headers: [["Event", "presence"]] })
  );
  assert.equal(badEvent.status, 489);
  assert.equal(errorId(badEvent), 4055);
  assert.equal(carol.sipae.verifyIncoming(badEvent).accept, true, "refusals are signed too");
  const noGruu = await carol.register(() => {
    const r = carol.registerRequest();
    r.setHeader("Supported", "msrtc-event-categories");
    return r;
  });
  assert.equal(noGruu.status, 421);
  assert.equal(errorId(noGruu), 2057);
  assert.equal(noGruu.header("require"), "gruu-10");
  assert.equal(lab.registrations.get("failed/bad-event"), 1);
  assert.equal(lab.registrations.get("failed/gruu-required"), 1);
});

Deno.test("provisioning: SUBSCRIBE → 200 then a signed NOTIFY with the XML; piggyback; 406; 400", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00006");
  assert.equal((await alice.register()).status, 200);
  const body =
    `<provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist">` +
    `<provisioningGroup name="ServerConfiguration"/><provisioningGroup name="ucPolicy"/>` +
    `</provisioningGroupList>`;
  const subscribe = (headers: Array<[string, string]>, text = body) =>
    alice.request("SUBSCRIBE", {
      to: `<${alice.aor}>`,
      body: text,
      contentType: PROVISIONING_CONTENT_TYPE,
      headers: [["Event", "vnd-microsoft-provisioning-v2"], ...headers],
    });

  const ok = await alice.sendSigned(subscribe([["Accept", PROVISIONING_CONTENT_TYPE]]));
  assert.equal(ok.status, 200);
  assert.equal(ok.header("expires"), "0");
  assert.equal(alice.sipae.verifyIncoming(ok).accept, true);
  const notify = await alice.nextRequest();
  assert.equal(notify.request.method, "NOTIFY");
  assert.equal(notify.signed, true, "the NOTIFY is signed with the SA");
  assert.equal(notify.request.header("event"), "vnd-microsoft-provisioning-v2");
  const xml = parseXml(new TextDecoder().decode(notify.request.body));
  assert.equal(xml.localName, "provisionGroupList");
  assert.deepEqual(
    xml.children.map((g) => g.attributes.find((a) => a.localName === "name")?.value),
    ["ServerConfiguration", "ucPolicy"],
  );

  const piggy = await alice.sendSigned(subscribe([["Supported", "ms-piggyback-first-notify"]]));
  assert.equal(piggy.status, 200);
  assert.equal(piggy.header("ms-piggyback-cseq"), "1");
  assert.equal(piggy.header("subscription-state"), "terminated;expires=0");
  assert.match(new TextDecoder().decode(piggy.body), /<provisionGroup name="ServerConfiguration">/);

  const wrongAccept = await alice.sendSigned(subscribe([["Accept", "application/pidf+xml"]]));
  assert.equal(wrongAccept.status, 406);
  const badXml = await alice.sendSigned(subscribe([], "<provisioningGroupList"));
  assert.equal(badXml.status, 400);
  assert.equal(errorId(badXml), 4001);
});

Deno.test("deregistration: a signed registration-notify NOTIFY per reason; the SA is gone after", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00007");
  assert.equal((await alice.register()).status, 200);
  const statuses = lab.agent.deregister(`sip:alice@${DOMAIN}`, "rejected");
  const notify = await alice.nextRequest();
  assert.deepEqual(await statuses, [200]);
  assert.equal(notify.signed, true);
  assert.equal(notify.request.header("event"), "registration-notify");
  assert.equal(notify.request.header("subscription-state"), "terminated;expires=0");
  assert.equal(notify.request.header("content-type"), "text/registration-event");
  assert.equal(errorId(notify.request), 4141);
  assert.equal(new TextDecoder().decode(notify.request.body), "deregistered;event=rejected");
  assert.equal(lab.agent.location.size, 0);
  // The SA was revoked: a signed request is challenged.
  assert.equal((await alice.sendSigned(service(alice))).status, 401);

  const bob = await lab.client("bob", "0b0b0b0b03");
  assert.equal((await bob.register()).status, 200);
  const moved = lab.agent.deregister(`sip:bob@${DOMAIN}`, "preferred-registrar-change", {
    preferredRegistrar: "sip:fe02.lab.sipfleet.test:5061;transport=tls",
  });
  const second = await bob.nextRequest();
  await moved;
  assert.equal(
    second.request.header("p-preferred-registrar"),
    "sip:fe02.lab.sipfleet.test:5061;transport=tls",
  );
  assert.equal(
    new TextDecoder().decode(second.request.body),
    "deregistered;event=preferred-registrar-change",
  );
});

Deno.test("routing: the AOR forks to every endpoint, a GRUU or a To epid reaches one", async () => {
  await using lab = await startLab();
  const desk = await lab.client("alice", "de5c000001");
  const phone = await lab.client("alice", "9407e00001");
  const bob = await lab.client("bob", "0b0b0b0b04");
  for (const c of [desk, phone, bob]) assert.equal((await c.register()).status, 200);
  const message = (to: string, uri = `sip:alice@${DOMAIN}`) =>
    bob.request("MESSAGE", { to, requestUri: uri, body: "hello", contentType: "text/plain" });

  // Fork: both endpoints get it, signed for each, with Bob asserted (RFC 3325).
  phone.answer = () => 486;
  const forked = await bob.sendSigned(message(`<sip:alice@${DOMAIN}>`));
  assert.equal(forked.status, 200, "best response (§16.7)");
  assert.equal(bob.sipae.verifyIncoming(forked).accept, true, "the answer is signed for Bob");
  const atDesk = await desk.nextRequest();
  const atPhone = await phone.nextRequest();
  for (const got of [atDesk, atPhone]) {
    assert.equal(got.signed, true);
    assert.equal(got.request.header("p-asserted-identity"), `<sip:bob@${DOMAIN}>`);
    assert.equal(got.request.header("authorization"), undefined, "Bob's credentials end at the FE");
  }

  // GRUU: only the phone.
  const gruu = lab.agent.location.lookup(`sip:alice@${DOMAIN}`)
    .find((b) => b.endpoint.epid === "9407e00001")!.endpoint.gruu!;
  phone.answer = () => 200;
  assert.equal((await bob.sendSigned(message(`<sip:alice@${DOMAIN}>`, gruu))).status, 200);
  assert.equal((await phone.nextRequest()).request.method, "MESSAGE");
  // To epid: only the desk.
  assert.equal(
    (await bob.sendSigned(message(`<sip:alice@${DOMAIN}>;epid=de5c000001`))).status,
    200,
  );
  assert.equal((await desk.nextRequest()).request.method, "MESSAGE");
  assert.equal(desk.received.length + phone.received.length, 0, "nobody else got a copy");

  // Unknown user and an unregistered one.
  const unknown = await bob.sendSigned(message(`<sip:zed@${DOMAIN}>`, `sip:zed@${DOMAIN}`));
  assert.equal(unknown.status, 404);
  assert.equal(errorId(unknown), 4005);
  const absent = await bob.sendSigned(message(`<sip:carol@${DOMAIN}>`, `sip:carol@${DOMAIN}`));
  assert.equal(absent.status, 480);
});

Deno.test("INVITE forks through the stateful proxy: 200 wins, ACK follows the Record-Route, unsigned BYE refused", async () => {
  await using lab = await startLab();
  const desk = await lab.client("alice", "de5c000002");
  const phone = await lab.client("alice", "9407e00002");
  const bob = await lab.client("bob", "0b0b0b0b05");
  for (const c of [desk, phone, bob]) assert.equal((await c.register()).status, 200);
  phone.answer = () => 486;
  const invite = bob.request("INVITE", { to: `<sip:alice@${DOMAIN}>` });
  const answered = await bob.sendSigned(invite);
  assert.equal(answered.status, 200);
  assert.equal(bob.sipae.verifyIncoming(answered).accept, true);
  assert.ok(answered.header("record-route")?.includes(";lr"), "the front end stays in the path");
  const atDesk = await desk.nextRequest();
  assert.equal(atDesk.signed, true);
  assert.equal(atDesk.request.header("p-asserted-identity"), `<sip:bob@${DOMAIN}>`);
  assert.equal((await phone.nextRequest()).request.method, "INVITE");
  // Bob's core acknowledges the 2xx along the route set; the desk gets the ACK.
  await desk.ackArrived();
  assert.equal(desk.acks, 1);
  // An in-dialog request without a signature is challenged by the front end, never routed.
  const dialog = [...bob.core.dialogs.dialogs()][0];
  assert.ok(dialog !== undefined);
  const bye = dialog.createRequest("BYE");
  const refused = await bob.send(bye);
  assert.equal(refused.status, 401);
  assert.equal(desk.received.length, 0);
});

Deno.test("a CANCEL whose signature fails cancels nothing; the signed one does (MS-SIPAE §3.3.5.1)", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce0000c");
  const bob = await lab.client("bob", "0b0b0b0b0c");
  for (const c of [alice, bob]) assert.equal((await c.register()).status, 200);
  // Bob rings and never answers the INVITE; other requests get 200.
  bob.answer = (request) => request.method === "INVITE" ? 180 : 200;
  const invite = alice.request("INVITE", { to: `<sip:bob@${DOMAIN}>` });
  alice.sipae.authorize(invite);
  const outcome: { final?: SipResponse } = {};
  const finalStatus = () => outcome.final?.status;
  let ringing!: () => void;
  const rung = new Promise<void>((resolve) => ringing = resolve);
  const sent = alice.core.request(invite, alice.server, {
    onProvisional: (response) => response.status === 180 && ringing(),
    onFinal: (response) => outcome.final = response,
  });
  await rung;
  // A CANCEL of that INVITE with a broken signature: answered 200 by the core (§9.2), ignored.
  const forged = createCancel(sent.request);
  alice.sipae.authorize(forged);
  const credentials = forged.header("authorization")!;
  forged.removeHeader("authorization");
  forged.addHeader(
    "Authorization",
    credentials.replace(/response="[0-9a-f]{8}/, 'response="00000000'),
  );
  const cancelAnswer = await new Promise<SipResponse>((resolve) =>
    alice.core.sendInTransaction(forged, alice.server, {
      onProvisional() {},
      onFinal: resolve,
      onTimeout() {},
      onTransportError() {},
    })
  );
  assert.equal(cancelAnswer.status, 200);
  // A MESSAGE to Bob after it: had the CANCEL been forwarded, Bob's 487 would come back first.
  const message = await alice.sendSigned(alice.request("MESSAGE", { to: `<sip:bob@${DOMAIN}>` }));
  assert.equal(message.status, 200);
  assert.equal(finalStatus(), undefined, "the INVITE still rings");
  // The core's own CANCEL is signed (prepareRequest): Bob's branch is cancelled, 487.
  assert.equal(sent.cancel(), true);
  await bob.nextRequest(); // the INVITE
  await bob.nextRequest(); // the MESSAGE
  for (let i = 0; i < 200 && finalStatus() === undefined; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(finalStatus(), 487);
});

Deno.test("a cnum below the 256-wide window is refused as a replay (MS-SIP §3.1.5.2)", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce00009");
  assert.equal((await alice.register()).status, 200);
  // Sign 258 requests locally (cnum 2…259), send the newest first, then the oldest.
  const signed: SipRequest[] = [];
  for (let i = 0; i < 258; i++) {
    const request = service(alice);
    alice.sipae.authorize(request);
    signed.push(request);
  }
  assert.equal((await alice.send(signed.at(-1)!)).status, 200);
  const old = await alice.send(signed[0]);
  assert.equal(old.status, 401);
  assert.equal(errorId(old), 1000);
  assert.equal(lab.auth.get("NTLM/challenged/auth-replay"), 1);
  assert.equal(lab.served.length, 1);
});

Deno.test("stopping tells every endpoint that asked for registration events: deactivated", async () => {
  await using lab = await startLab();
  const alice = await lab.client("alice", "a11ce0000a");
  assert.equal((await alice.register()).status, 200);
  const stopped = lab.agent.stop();
  const notify = await alice.nextRequest();
  await stopped;
  assert.equal(notify.signed, true);
  assert.equal(new TextDecoder().decode(notify.request.body), "deregistered;event=deactivated");
  assert.equal(lab.agent.location.size, 0);
});
