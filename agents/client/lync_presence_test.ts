/**
 * Presence between two Lync client endpoints through the real lab front end hosting the MS-PRES
 * presence server (TLS on loopback, MS-SIPAE NTLM): each endpoint publishes its state with
 * SERVICE and watches the other (SUBSCRIBE Event: presence, BENOTIFY offered); notifications
 * arrive signed and are verified (an unverified one is discarded, so a received one was
 * verified). When Alice signs out, the front end ends her registration, the presence server
 * drops her endpoint's state and Bob hears of it; her own subscription ends.
 */
import assert from "node:assert/strict";
import {
  formatCategoryPublish,
  parseEventCategories,
  PRES_CONTENT_TYPES,
  stateElement,
} from "../../lab/protocols/pres/mod.ts";
import { Dialog } from "../../lab/sip/dialog/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { type FanoutEvent, presenceService } from "../presence/mod.ts";
import type { EndpointSession } from "./endpoint_session.ts";
import type { LyncEndpoint } from "./lync_endpoint.ts";
import { account, type ClientLab, DOMAIN, startClientLab, until } from "./test_support.ts";

const ALICE = `sip:alice@${DOMAIN}`;
const BOB = `sip:bob@${DOMAIN}`;

/** A signed-in endpoint whose session records NOTIFY / BENOTIFY (answering NOTIFY 200). */
async function watcher(lab: ClientLab, name: string) {
  const online = lab.reports.next("online");
  const endpoint = lab.client.signIn(account(name));
  assert.equal(await online, endpoint);
  const session = endpoint.session();
  const received: SipRequest[] = [];
  endpoint.setHandler({
    onRequest: (tx, request) => {
      received.push(request);
      // MS-SIP §3.5: a BENOTIFY is never answered.
      if (request.method !== "BENOTIFY") {
        session.core.respond(tx, session.core.createResponse(request, 200));
      }
    },
  });
  return { endpoint, session, received };
}

/** Sends from the endpoint's session; resolves with the final response (and its dialog). */
function send(
  session: EndpointSession,
  method: string,
  target: string,
  opts: { headers?: Array<[string, string]>; body?: string; contentType?: string },
): Promise<{ response: SipResponse; dialog?: Dialog }> {
  const request = session.core.createRequest(method, {
    to: `<${target}>`,
    from: `<${session.aor}>;epid=${session.epid}`,
    requestUri: target,
    ...opts,
  });
  return new Promise((resolve) => {
    session.core.request(request, session.outbound, {
      onFinal: (response) => {
        if (method !== "SUBSCRIBE" || response.status >= 300) return resolve({ response });
        // RFC 6665 §4.1.2.1: the 2xx makes the subscription's dialog.
        const dialog = Dialog.fromUacResponse(request, response);
        session.core.dialogs.add(dialog);
        resolve({ response, dialog });
      },
    });
  });
}

/** Alice's state (MS-PRES 2.2.x `state`, user-expiring at her endpoint) as a SERVICE body. */
function publishState(endpoint: LyncEndpoint, availability: number, version: number): string {
  return formatCategoryPublish({
    uri: endpoint.account.aor,
    publications: [{
      categoryName: "state",
      instance: 1,
      container: 2,
      version,
      expireType: "endpoint",
      content: stateElement("machineState", availability),
    }],
  });
}

/** The availabilities of the `state` categories a notification (or piggybacking 200) carries. */
function availabilities(message: SipRequest | SipResponse): string[] {
  const document = parseEventCategories(new TextDecoder().decode(message.body));
  return document.categories.filter((c) => c.name === "state")
    .map((c) => c.content?.children.find((e) => e.name === "availability")?.text ?? "");
}

Deno.test("presence through the front end: SERVICE, SUBSCRIBE, signed NOTIFY/BENOTIFY, sign-out", async () => {
  const fanout: FanoutEvent[] = [];
  const lab = await startClientLab({ provisioning: false }, {
    services: [presenceService({ latency: { notificationSent: (e) => fanout.push(e) } })],
  });
  try {
    const alice = await watcher(lab, "alice");
    const bob = await watcher(lab, "bob");

    // Each watches the other (BENOTIFY offered, MS-SIP §3.5).
    const subscribe = [["Event", "presence"], ["Expires", "600"], ["Supported", "ms-benotify"]];
    const bobWatch = await send(bob.session, "SUBSCRIBE", ALICE, {
      headers: subscribe as Array<[string, string]>,
    });
    const aliceWatch = await send(alice.session, "SUBSCRIBE", BOB, {
      headers: subscribe as Array<[string, string]>,
    });
    assert.deepEqual([bobWatch.response.status, aliceWatch.response.status], [200, 200]);
    // MS-SIP §3.4.4.1: the session core offers ms-piggyback-first-notify (its Supported), so
    // the first notification rides in the 200.
    assert.match(bobWatch.response.header("supported") ?? "", /ms-piggyback-first-notify/);
    assert.deepEqual(availabilities(bobWatch.response), []);

    // Alice publishes Online (3500): Bob hears it by BENOTIFY.
    const published = await send(alice.session, "SERVICE", ALICE, {
      body: publishState(alice.endpoint, 3500, 0),
      contentType: PRES_CONTENT_TYPES.categoryPublish,
    });
    assert.equal(published.response.status, 200);
    await until(() => bob.received.length === 1, "the BENOTIFY of Alice's state");
    assert.equal(bob.received[0].method, "BENOTIFY");
    assert.ok(availabilities(bob.received[0]).includes("3500"));
    assert.ok(fanout.some((e) => e.publisher === ALICE && e.watcher === BOB));

    // Bob publishes Busy (6500): Alice hears it.
    const bobPublished = await send(bob.session, "SERVICE", BOB, {
      body: publishState(bob.endpoint, 6500, 0),
      contentType: PRES_CONTENT_TYPES.categoryPublish,
    });
    assert.equal(bobPublished.response.status, 200);
    await until(() => alice.received.length === 1, "Bob's state at Alice");
    assert.ok(availabilities(alice.received[0]).includes("6500"));

    // Alice signs out: her endpoint-expiring state goes, Bob is told; her own watch ends
    // (the front end tells the presence server before answering her REGISTER).
    const ended = lab.reports.next("ended");
    alice.endpoint.signOut();
    await ended;
    assert.equal(alice.received.length, 2);
    assert.equal(alice.received[1].header("subscription-state"), "terminated;reason=deactivated");
    await until(() => bob.received.length === 2, "Alice's sign-out at Bob");
    assert.ok(!availabilities(bob.received[1]).includes("3500"));
    assert.equal(lab.frontend.location.lookup(ALICE).length, 0);
  } finally {
    await lab.close();
  }
});
