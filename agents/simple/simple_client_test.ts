/**
 * The standard-SIP client against scripted peers on loopback that really decide: a registrar
 * verifying Digest with the lab's DigestVerifier, and a compositor keeping entity tags
 * (RFC 3903). Virtual time drives the refresh timers.
 */
import assert from "node:assert/strict";
import { DigestVerifier } from "../../lab/auth/digest/mod.ts";
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { availabilityOf, parsePidf } from "../../lab/protocols/pidf/mod.ts";
import { type Endpoint, openEndpoint } from "../sip_endpoint.ts";
import { SimpleClient } from "./simple_client.ts";

const DOMAIN = "lab.test";
const LOOPBACK = { protocol: "udp" as const, host: "127.0.0.1", port: 0 };

/** A loopback peer answering with `decide`; every request it got is kept. */
async function scriptedPeer(
  decide: (request: SipRequest) => { status: number; headers?: [string, string][] } | "challenge",
  verifier: DigestVerifier,
): Promise<{ endpoint: Endpoint; requests: SipRequest[] }> {
  const requests: SipRequest[] = [];
  const endpoint: Endpoint = await openEndpoint({
    listen: LOOPBACK,
    user: "server",
    allowedMethods: ["REGISTER", "PUBLISH", "OPTIONS"],
    handler: {
      onRequest(tx, request) {
        requests.push(request);
        const core = endpoint.core;
        const verdict = verifier.verify(request);
        const decision = verdict.ok ? decide(request) : "challenge";
        if (decision === "challenge") {
          const response = core.createResponse(request, 401);
          verifier.addChallenges(response);
          core.respond(tx, response);
          return;
        }
        core.respond(
          tx,
          core.createResponse(request, decision.status, undefined, { headers: decision.headers }),
        );
      },
    },
  });
  return { endpoint, requests };
}

function verifierFor(password: string): DigestVerifier {
  return new DigestVerifier({
    realm: DOMAIN,
    secret: crypto.getRandomValues(new Uint8Array(32)),
    algorithms: ["SHA-256", "MD5"],
    lookup: (user) => user === "alice" ? { password } : undefined,
  });
}

/** Waits (bounded) until `done()` holds, letting the sockets deliver meanwhile. */
async function until(what: string, done: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("registration: digest 401 then 200, refresh before expiry, unregister with Expires 0", async () => {
  const peer = await scriptedPeer((request) => {
    const expires = Number(request.header("expires"));
    const contact = request.header("contact")!;
    // RFC 3261 §10.3 item 8: the registrar may shorten the lifetime; it says so per contact.
    return {
      status: 200,
      headers: expires === 0 ? [] : [["Contact", `${contact};expires=${Math.min(expires, 60)}`]],
    };
  }, verifierFor("pw"));
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  const client = await SimpleClient.start({
    listen: LOOPBACK,
    server: peer.endpoint.address,
    domain: DOMAIN,
    wheel,
  });
  try {
    const alice = client.addUser({ name: "alice", password: "pw" });
    const result = await alice.register();
    assert.deepEqual(result, { ok: true, status: 200, reason: "OK", expires: 60 });
    assert.equal(peer.requests.length, 2);
    const [first, second] = peer.requests;
    assert.equal(first.header("authorization"), undefined);
    assert.match(second.header("authorization")!, /^Digest username="alice"/);
    // §10.2.4: one Call-ID for the binding, CSeq rising.
    assert.equal(second.callId, first.callId);
    assert.equal(second.cseq.seq, first.cseq.seq + 1);
    assert.equal(second.uri, `sip:${DOMAIN}`);
    assert.equal(second.header("contact"), alice.contact);

    // 60 s granted: the refresh goes out 30 s in (half the lifetime, at most 32 s early).
    wheel.advance(29_000);
    assert.equal(peer.requests.length, 2);
    wheel.advance(1_000);
    await until(
      "refresh",
      () => alice.registration.state === "registered" && peer.requests.length === 3,
    );
    // Signed at once with the next nonce-count: no second challenge.
    assert.match(peer.requests[2].header("authorization")!, /nc=00000002/);

    const gone = await alice.unregister();
    assert.equal(gone.ok, true);
    assert.equal(peer.requests[3].header("expires"), "0");
    assert.equal(alice.registration.state, "unregistered");
  } finally {
    await client.stop();
    await peer.endpoint.close();
  }
});

/** A compositor of RFC 3903 §6: entity tags it issued, and the body each one stands for. */
class Compositor {
  readonly tags = new Map<string, string>();
  #next = 1;

  decide = (request: SipRequest): { status: number; headers?: [string, string][] } => {
    const match = request.header("sip-if-match");
    let body = new TextDecoder().decode(request.body);
    if (match !== undefined) {
      // §6 step 4: an unknown entity tag is a 412.
      const known = this.tags.get(match);
      if (known === undefined) return { status: 412 };
      this.tags.delete(match);
      if (body === "") body = known;
    } else if (body === "") {
      return { status: 400 };
    }
    if (request.header("expires") === "0") return { status: 200 };
    const tag = `e${this.#next++}`;
    this.tags.set(tag, body);
    return { status: 200, headers: [["SIP-ETag", tag], ["Expires", request.header("expires")!]] };
  };

  availabilityOf(tag: string): string {
    return availabilityOf(parsePidf(this.tags.get(tag)!));
  }
}

Deno.test("publication: SIP-If-Match on changes, 412 publishes afresh, a change in flight waits", async () => {
  const compositor = new Compositor();
  const peer = await scriptedPeer(compositor.decide, verifierFor("pw"));
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  const client = await SimpleClient.start({
    listen: LOOPBACK,
    server: peer.endpoint.address,
    domain: DOMAIN,
    wheel,
  });
  try {
    const alice = client.addUser({ name: "alice", password: "pw" }, {
      publication: { expires: 120 },
    });
    const first = await alice.publish("online", "hello");
    assert.deepEqual(first, { ok: true, status: 200, reason: "OK", etag: "e1" });
    assert.equal(compositor.availabilityOf("e1"), "online");

    // Two changes in a row: the second waits for the first's answer, then names its tag.
    const [busy, away] = await Promise.all([alice.publish("busy"), alice.publish("away")]);
    assert.equal(busy.ok && away.ok, true);
    assert.equal(away.etag, "e3");
    assert.equal(compositor.availabilityOf("e3"), "away");
    const modifies = peer.requests.filter((r) => r.header("sip-if-match") !== undefined);
    assert.deepEqual(modifies.map((r) => r.header("sip-if-match")), ["e1", "e2"]);

    // The compositor loses the entity: the refresh gets 412 and the state is published anew.
    compositor.tags.clear();
    const sentBefore = peer.requests.length;
    // 120 s granted: the refresh is due 32 s before the end.
    wheel.advance(87_000);
    assert.equal(peer.requests.length, sentBefore);
    wheel.advance(1_000);
    await until(
      "re-publication",
      () => alice.publication.state === "published" && peer.requests.length === sentBefore + 2,
    );
    const [refresh, fresh] = peer.requests.slice(sentBefore);
    assert.equal(refresh.header("sip-if-match"), "e3");
    assert.equal(refresh.body.length, 0);
    assert.equal(fresh.header("sip-if-match"), undefined);
    assert.equal(alice.publication.etag, "e4");
    assert.equal(compositor.availabilityOf("e4"), "away");
    assert.deepEqual(alice.publication.sent, { initial: 3, refresh: 1, modify: 2, remove: 0 });

    const removed = await alice.publication.remove();
    assert.equal(removed.ok, true);
    assert.equal(peer.requests.at(-1)!.header("expires"), "0");
    assert.equal(peer.requests.at(-1)!.header("sip-if-match"), "e4");
  } finally {
    await client.stop();
    await peer.endpoint.close();
  }
});
