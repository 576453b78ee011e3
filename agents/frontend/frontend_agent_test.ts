/**
 * The front end's registrar on the wire: raw UDP REGISTER exchanges against a running
 * FrontendAgent (virtual timer wheel, controllable nonce clock). After every refused request
 * another user still registers: the server keeps serving everyone else.
 */
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lab/metrics/mod.ts";
import { readDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import type { SipResponse } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { FrontendAgent } from "./frontend_agent.ts";
import type { RegistrarMetricsSink } from "./registrar_metrics.ts";
import { registrarMetricsIn } from "./registrar_metrics.ts";
import { RegisterClient } from "./test_support.ts";

const DOMAIN = "lab.sipfleet.test";
const PASSWORDS = new Map([
  ["alice", "alice-pw"],
  ["bob", "bob-pw"],
  ["carol", "carol-pw"],
  ["dave", "dave-pw"],
]);

interface Lab {
  agent: FrontendAgent;
  wheel: TimerWheel;
  counts: Map<string, number>;
  /** The nonce clock, ms. */
  clock: { now: number };
  client(user: string, password?: string): RegisterClient;
  /** A fresh user registers from scratch: the server still serves. */
  assertStillServing(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function startLab(): Promise<Lab> {
  const wheel = new TimerWheel({ mode: "virtual" });
  const counts = new Map<string, number>();
  const metrics: RegistrarMetricsSink = {
    registration: (outcome, reason) => {
      const key = `${outcome}/${reason}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  };
  const clock = { now: 1_700_000_000_000 };
  const agent = await FrontendAgent.start({
    listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
    domain: DOMAIN,
    users: (name) => PASSWORDS.has(name) ? { password: PASSWORDS.get(name)! } : undefined,
    wheel,
    metrics,
    serverName: "fe01.lab.sipfleet.test",
    digest: { now: () => clock.now },
  });
  const clients: RegisterClient[] = [];
  const client = (user: string, password = PASSWORDS.get(user) ?? "none") => {
    const c = new RegisterClient(agent.address.port, DOMAIN, user, password);
    clients.push(c);
    return c;
  };
  return {
    agent,
    wheel,
    counts,
    clock,
    client,
    async assertStillServing() {
      const probe = client("dave");
      const ok = await probe.register();
      assert.equal(ok.status, 200, "another user still registers");
      await probe.register({ contacts: ["*"], expires: 0 });
    },
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.close();
      await agent.stop();
      wheel.stop();
    },
  };
}

/** The catalogue's ms-diagnostics (with source) or ms-diagnostics-public (without, §2.2.1.2). */
function assertDiagnostics(
  response: SipResponse,
  errorId: number,
  header: "ms-diagnostics" | "ms-diagnostics-public" = "ms-diagnostics",
): void {
  const diagnostics = readDiagnostics(response, header);
  assert.ok(diagnostics, `${header} on ${response.status}`);
  assert.equal(diagnostics.errorId, errorId);
  assert.ok((diagnostics.reason ?? "").length > 0, "a reason text");
  assert.equal(
    diagnostics.source,
    header === "ms-diagnostics" ? "fe01.lab.sipfleet.test" : undefined,
  );
}

Deno.test("REGISTER: 401 challenge, then 200 listing the contact with expires and a Date", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const challenge = await alice.send(alice.request());
  assert.equal(challenge.status, 401);
  const www = challenge.headerValues("www-authenticate");
  assert.equal(www.length, 2, "Digest MD5 first, then NTLM (MS-SIPAE §3.3.5.1)");
  assert.match(www[0], /^Digest /);
  assert.match(
    www[1],
    /^NTLM realm="SIP Communications Service", targetname="fe01\.lab\.sipfleet\.test"/,
  );
  assert.match(www[0], /realm="lab\.sipfleet\.test"/);
  assert.match(www[0], /algorithm=MD5/);
  assert.match(www[0], /qop="auth"/);
  assert.equal(alice.digest.handleChallenge(challenge).kind, "retry");

  const ok = await alice.sendAuthorized();
  assert.equal(ok.status, 200);
  assert.equal(ok.contacts.length, 1);
  assert.equal(ok.contacts[0].uriText, `sip:alice@127.0.0.1:${alice.peer.port}`);
  assert.equal(ok.contacts[0].params.get("expires"), "3600");
  const date = ok.header("date") ?? "";
  // RFC 3261 §20.17: RFC 1123 date in GMT.
  assert.match(date, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.equal(ok.callId, alice.callId);

  const bindings = lab.agent.location.lookup(`sip:alice@${DOMAIN}`);
  assert.equal(bindings.length, 1);
  assert.equal(bindings[0].source.port, alice.peer.port);
  assert.equal(lab.counts.get("challenged/missing-credentials"), 1);
  assert.equal(lab.counts.get("ok/registered"), 1);
});

Deno.test("REGISTER: a wrong password gets 403 with ms-diagnostics 1000 and is counted", async () => {
  await using lab = await startLab();
  const mallory = lab.client("alice", "guess");
  const refused = await mallory.register();
  assert.equal(refused.status, 403);
  assertDiagnostics(refused, 1000);
  assert.equal(refused.headerValues("www-authenticate").length, 0, "final: no new challenge");
  assert.equal(lab.counts.get("failed/wrong-password"), 1);
  assert.equal(lab.agent.location.size, 0);
  await lab.assertStillServing();
});

Deno.test("REGISTER: an unknown user gets 403 with ms-diagnostics 1003", async () => {
  await using lab = await startLab();
  const ghost = lab.client("ghost", "whatever");
  const refused = await ghost.register();
  assert.equal(refused.status, 403);
  assertDiagnostics(refused, 1003);
  assert.equal(lab.counts.get("failed/unknown-user"), 1);
  await lab.assertStillServing();
});

Deno.test("REGISTER: a Request-URI of another domain gets 404 with ms-diagnostics 1005", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const refused = await alice.send(alice.request({ uri: "sip:elsewhere.example" }));
  assert.equal(refused.status, 404);
  assertDiagnostics(refused, 1005);
  assert.equal(lab.counts.get("failed/domain-not-ours"), 1);
  await lab.assertStillServing();
});

Deno.test("REGISTER: an authenticated user registering another AOR gets 403 (4004)", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const refused = await alice.register({ toUser: "bob" });
  assert.equal(refused.status, 403);
  assertDiagnostics(refused, 4004, "ms-diagnostics-public");
  assert.equal(lab.agent.location.lookup(`sip:bob@${DOMAIN}`).length, 0);
  // Alice's credentials on a request whose From is Bob.
  const impostor = alice.request();
  impostor.removeHeader("From");
  impostor.addHeader("From", `<sip:bob@${DOMAIN}>;tag=x1`);
  alice.digest.authorize(impostor);
  const forged = await alice.send(impostor);
  assert.equal(forged.status, 403);
  assertDiagnostics(forged, 4004, "ms-diagnostics-public");
  await lab.assertStillServing();
});

Deno.test("REGISTER: a nonce past its lifetime gets 401 stale=TRUE, the retry succeeds", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  assert.equal((await alice.register()).status, 200);
  lab.clock.now += 301_000; // the default nonce lifetime is 300 s
  const stale = await alice.sendAuthorized();
  assert.equal(stale.status, 401);
  assert.match(stale.header("www-authenticate") ?? "", /stale=true/i);
  assert.equal(lab.counts.get("challenged/stale-nonce"), 1);
  assert.deepEqual(alice.digest.handleChallenge(stale), { kind: "retry", stale: true });
  assert.equal((await alice.sendAuthorized()).status, 200);
});

Deno.test("REGISTER: a replayed nonce-count gets 401 stale=TRUE and changes nothing", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  assert.equal((await alice.send(alice.request())).status, 401);
  const first = alice.request({ expires: 600 });
  alice.digest.handleChallenge(await alice.send(alice.request()));
  alice.digest.authorize(first);
  assert.equal((await alice.send(first)).status, 200);
  // Same credentials (same nc) on a new REGISTER: a replay.
  const replay = alice.request({ expires: 0 });
  replay.setHeader("Authorization", first.header("authorization")!);
  const refused = await alice.send(replay);
  assert.equal(refused.status, 401);
  assert.match(refused.header("www-authenticate") ?? "", /stale=true/i);
  assert.equal(lab.counts.get("challenged/replayed-nonce-count"), 1);
  assert.equal(lab.agent.location.lookup(`sip:alice@${DOMAIN}`).length, 1, "not unregistered");
  await lab.assertStillServing();
});

Deno.test("REGISTER: too short an interval gets 423 with Min-Expires (§10.3 step 7)", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const brief = await alice.register({ expires: 10 });
  assert.equal(brief.status, 423);
  assert.equal(brief.reason, "Interval Too Brief");
  assert.equal(brief.header("min-expires"), "60");
  assert.equal(lab.agent.location.size, 0);
  // Longer than the maximum is shortened, not refused.
  const ok = await alice.sendAuthorized({ expires: 100_000 });
  assert.equal(ok.status, 200);
  assert.equal(ok.contacts[0].params.get("expires"), "7200");
  await lab.assertStillServing();
});

Deno.test("REGISTER: refresh, a second contact, a fetch, then `*` removes all", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const aor = `sip:alice@${DOMAIN}`;
  assert.equal((await alice.register({ expires: 600 })).status, 200);
  const refreshed = await alice.sendAuthorized({ expires: 900 });
  assert.equal(refreshed.status, 200);
  assert.equal(refreshed.contacts.length, 1, "refreshed, not duplicated");
  assert.equal(refreshed.contacts[0].params.get("expires"), "900");
  assert.equal(lab.counts.get("ok/refreshed"), 1);

  const second = "<sip:alice@127.0.0.1:5999;transport=udp>;expires=300";
  const both = await alice.sendAuthorized({ contacts: [second] });
  assert.equal(both.status, 200);
  assert.deepEqual(
    both.contacts.map((c) => c.params.get("expires")).sort(),
    ["300", "900"],
  );
  const fetched = await alice.sendAuthorized({ contacts: [] });
  assert.equal(fetched.status, 200);
  assert.equal(fetched.contacts.length, 2, "a REGISTER without Contact lists the bindings");
  assert.equal(lab.counts.get("ok/fetched"), 1);

  const misuse = await alice.sendAuthorized({ contacts: ["*"], expires: 30 });
  assert.equal(misuse.status, 400, "`*` needs Expires: 0");
  assert.equal(lab.agent.location.lookup(aor).length, 2);

  const removed = await alice.sendAuthorized({ contacts: ["*"], expires: 0 });
  assert.equal(removed.status, 200);
  assert.equal(removed.contacts.length, 0);
  assert.equal(lab.agent.location.lookup(aor).length, 0);
  assert.equal(lab.counts.get("ok/unregistered"), 1);
  await lab.assertStillServing();
});

Deno.test("REGISTER: same Call-ID with a CSeq not above the binding's fails (§10.3 step 7)", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const ok = await alice.register({ expires: 600 });
  assert.equal(ok.status, 200);
  const bound = ok.cseq.seq;
  // Let the earlier transactions end (Timer J, 64*T1): while one with the same From tag,
  // Call-ID and CSeq lives, the core answers a repeat 482 as a merged request (§8.2.2.2).
  lab.wheel.advance(40_000);
  const older = await alice.sendAuthorized({ expires: 0, cseq: bound - 1 });
  assert.equal(older.status, 500);
  assert.equal(lab.agent.location.lookup(`sip:alice@${DOMAIN}`).length, 1, "nothing changed");
  assert.equal(lab.counts.get("failed/out-of-order"), 1);
  const removal = await alice.sendAuthorized({ expires: 0 });
  assert.equal(removal.status, 200);
  assert.equal(lab.agent.location.size, 0);
});

Deno.test("a binding lapses when its interval passes without a refresh", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  assert.equal((await alice.register({ expires: 120 })).status, 200);
  lab.wheel.advance(119_000);
  assert.equal(lab.agent.location.size, 1);
  const listed = await alice.sendAuthorized({ contacts: [] });
  assert.equal(listed.contacts[0].params.get("expires"), "1");
  lab.wheel.advance(2_000);
  assert.equal(lab.agent.location.size, 0);
  const empty = await alice.sendAuthorized({ contacts: [] });
  assert.equal(empty.status, 200);
  assert.equal(empty.contacts.length, 0);
});

Deno.test("MS-SIPREGE: Event other than registration → 489 (4055); msrtc without gruu-10 → 421 (2057)", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const badEvent = await alice.register({ headers: [["Event", "presence"]] });
  assert.equal(badEvent.status, 489);
  assertDiagnostics(badEvent, 4055);
  const noGruu = await alice.sendAuthorized({
    headers: [["Supported", "msrtc-event-categories, adhoclist"]],
  });
  assert.equal(noGruu.status, 421);
  assert.equal(noGruu.header("require"), "gruu-10");
  assertDiagnostics(noGruu, 2057);
  assert.equal(lab.agent.location.size, 0);
  await lab.assertStillServing();
});

Deno.test("MS-SIPREGE: presence-state and the ms-keep-alive answer in the 200", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const headers: Array<[string, string]> = [
    ["Supported", "gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence"],
    ["Event", "registration"],
    ["ms-keep-alive", "UAC;hop-hop=yes"],
  ];
  const added = await alice.register({ headers });
  assert.equal(added.status, 200);
  assert.equal(added.header("presence-state"), 'register-action="added"');
  assert.equal(added.header("ms-keep-alive"), "UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300");
  const refreshed = await alice.sendAuthorized({ headers });
  assert.equal(refreshed.header("presence-state"), 'register-action="refreshed"');
  const plain = await alice.sendAuthorized();
  assert.equal(plain.header("presence-state"), undefined, "only for MS presence clients");
  assert.equal(plain.header("ms-keep-alive"), undefined, "only when offered");
});

Deno.test("OPTIONS and INVITE need authentication; OPTIONS gets 200 with Allow; an unknown method gets 501", async () => {
  await using lab = await startLab();
  const alice = lab.client("alice");
  const options = alice.request();
  options.method = "OPTIONS";
  options.setHeader("CSeq", "1 OPTIONS");
  options.uri = `sip:${DOMAIN}`;
  const challenge = await alice.send(options);
  assert.equal(challenge.status, 401, "nothing unauthenticated is served");
  alice.digest.handleChallenge(challenge);
  const authorized = alice.request();
  authorized.method = "OPTIONS";
  authorized.setHeader("CSeq", "2 OPTIONS");
  authorized.uri = `sip:${DOMAIN}`;
  alice.digest.authorize(authorized);
  const ok = await alice.send(authorized);
  assert.equal(ok.status, 200);
  assert.match(ok.header("allow") ?? "", /REGISTER/);
  const invite = alice.request();
  invite.method = "INVITE";
  invite.setHeader("CSeq", "3 INVITE");
  invite.uri = `sip:bob@${DOMAIN}`;
  assert.equal((await alice.send(invite)).status, 401);
  const ping = alice.request();
  ping.method = "PING";
  ping.setHeader("CSeq", "4 PING");
  // RFC 3261 §21.5.2: a method the server does not recognise.
  assert.equal((await alice.send(ping)).status, 501);
  await lab.assertStillServing();
});

Deno.test("registrarMetricsIn counts into a MetricsRegistry by outcome and reason", () => {
  const registry = new MetricsRegistry();
  const sink = registrarMetricsIn(registry);
  sink.registration("failed", "wrong-password");
  sink.registration("failed", "wrong-password");
  sink.registration("ok", "registered");
  const family = registry.counter("registrar_registrations");
  assert.equal(family.with({ outcome: "failed", reason: "wrong-password" }).value, 2);
  assert.equal(family.with({ outcome: "ok", reason: "registered" }).value, 1);
});
