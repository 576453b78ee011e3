/**
 * The presence service over real sockets: a user agent core on UDP loopback plays the front end
 * (a FrontendHost built from an Endpoint, no authentication), two client cores publish,
 * subscribe and receive NOTIFY / BENOTIFY.
 */
import assert from "node:assert/strict";
import {
  formatBatchSubscribe,
  formatRoamingList,
  parseBatchedNotify,
  parseEventCategories,
  parseRoamingData,
  parseVersionFault,
  PRES_CONTENT_TYPES,
} from "../../lab/protocols/pres/mod.ts";
import { parseMsDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import { Dialog } from "../../lab/sip/dialog/mod.ts";
import type { SipRequest, SipResponse, SipUri } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import { type Endpoint, openEndpoint } from "../sip_endpoint.ts";
import type { FrontendHost, FrontendRequestContext } from "../frontend/frontend_service.ts";
import { canonicalAor, LocationService } from "../frontend/location_service.ts";
import type { FanoutEvent } from "./fanout_latency.ts";
import { presenceService } from "./presence_service.ts";
import { ALICE, BOB, notePublication, publishBody, USERS } from "./test_support.ts";

interface Client {
  endpoint: Endpoint;
  user: string;
  /** NOTIFY and BENOTIFY received, in order. */
  received: SipRequest[];
}

async function openClient(user: string, wheel: TimerWheel): Promise<Client> {
  const received: SipRequest[] = [];
  const client: Client = { user, received, endpoint: undefined as unknown as Endpoint };
  client.endpoint = await openEndpoint({
    listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
    user: user.slice(4, user.indexOf("@")),
    wheel,
    allowedMethods: ["NOTIFY", "BENOTIFY", "OPTIONS"],
    handler: {
      onRequest(tx, request) {
        received.push(request);
        // MS-SIP §3.5: a BENOTIFY is never answered.
        if (request.method === "NOTIFY") {
          client.endpoint.core.respond(tx, client.endpoint.core.createResponse(request, 200));
        }
      },
    },
  });
  return client;
}

/** Sends a request and resolves with its final response and the dialog it made. */
function send(
  client: Client,
  request: SipRequest,
  to: Destination,
): Promise<{ response: SipResponse; dialog?: Dialog }> {
  return new Promise((resolve) => {
    client.endpoint.core.request(request, to, {
      onFinal: (response, dialog) => {
        if (dialog === undefined && request.method === "SUBSCRIBE" && response.status < 300) {
          dialog = Dialog.fromUacResponse(request, response);
          client.endpoint.core.dialogs.add(dialog);
        }
        resolve({ response, dialog });
      },
    });
  });
}

function request(client: Client, method: string, target: string, opts: {
  headers?: Array<[string, string]>;
  body?: string;
  contentType?: string;
}) {
  return client.endpoint.core.createRequest(method, {
    to: `<${target}>`,
    from: `<${client.user}>;epid=ep-${client.user.slice(4, 7)}`,
    requestUri: target,
    headers: opts.headers,
    body: opts.body,
    contentType: opts.contentType,
  });
}

/** Waits (bounded) until `ready` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ready(); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(ready(), `timed out waiting for ${what}`);
}

function diagnosticsOf(response: SipResponse): number | undefined {
  const value = response.header("ms-diagnostics") ?? response.header("ms-diagnostics-public");
  if (value === undefined) return undefined;
  const parsed = parseMsDiagnostics(value);
  return parsed.ok ? parsed.value.errorId : undefined;
}

Deno.test("presence service: SUBSCRIBE, publish, NOTIFY/BENOTIFY fan-out and refusals over UDP", async () => {
  const wheel = new TimerWheel();
  const fanout: FanoutEvent[] = [];
  const presence = presenceService({
    wheel,
    serverName: "fe01.lab.test",
    latency: { notificationSent: (e) => fanout.push(e) },
  });
  let server: Endpoint | undefined;
  const clients: Client[] = [];
  try {
    server = await openEndpoint({
      listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
      user: "fe",
      wheel,
      allowedMethods: ["SERVICE", "SUBSCRIBE", "OPTIONS"],
      handler: {
        onRequest(tx, req) {
          const core = server!.core;
          const context: FrontendRequestContext = {
            request: req,
            tx,
            user: canonicalAor(req.from.uri as SipUri),
            endpoint: { epid: req.from.params.get("epid") ?? `ep-${req.from.tag}` },
            respond: (status, o = {}) =>
              core.respond(
                tx,
                core.createResponse(req, status, o.reason, {
                  headers: o.headers,
                  body: o.body,
                  contentType: o.contentType,
                }),
              ),
          };
          if (presence.handles(req)) presence.handle(context);
          else core.respond(tx, core.createResponse(req, 501));
        },
      },
    });
    const frontend = server;
    const host: FrontendHost = {
      core: frontend.core,
      domain: "lab.test",
      serverName: "fe01.lab.test",
      location: new LocationService(wheel),
      userExists: (aor) => USERS.has(aor),
      signRequest: () => false,
      signResponse: () => false,
      sendRequest: (req, destination, callbacks) =>
        frontend.core.request(req, destination, callbacks),
    };
    presence.start(host);
    const to: Destination = { protocol: "UDP", host: "127.0.0.1", port: frontend.address.port };
    const alice = await openClient(ALICE, wheel);
    const bob = await openClient(BOB, wheel);
    clients.push(alice, bob);

    // Bob watches Alice, offering BENOTIFY.
    const watch = await send(
      bob,
      request(bob, "SUBSCRIBE", ALICE, {
        headers: [["Event", "presence"], ["Expires", "600"], ["Supported", "ms-benotify"]],
      }),
      to,
    );
    assert.equal(watch.response.status, 200);
    assert.equal(watch.response.header("expires"), "600");
    assert.equal(watch.response.header("supported"), "ms-benotify");
    await until(() => bob.received.length === 1, "the first NOTIFY");
    const first = bob.received[0];
    assert.equal(first.method, "NOTIFY");
    assert.match(first.header("subscription-state")!, /^active;expires=(600|599)$/);
    assert.deepEqual(parseEventCategories(new TextDecoder().decode(first.body)), {
      uri: ALICE,
      categories: [],
    });

    // Alice watches herself (roaming-self), without BENOTIFY.
    const self = await send(
      alice,
      request(alice, "SUBSCRIBE", ALICE, {
        headers: [["Event", "vnd-microsoft-roaming-self"], ["Expires", "600"]],
        body: formatRoamingList(["categories", "containers", "subscribers"]),
        contentType: PRES_CONTENT_TYPES.roamingSelf,
      }),
      to,
    );
    assert.equal(self.response.status, 200);
    await until(() => alice.received.length === 1, "the roaming-self NOTIFY");
    const roaming = parseRoamingData(new TextDecoder().decode(alice.received[0].body));
    assert.deepEqual(roaming.containers?.map((c) => c.id), [100, 200, 300, 400, 32000]);

    // Alice publishes a note to the company container: both watchers hear of it.
    const published = await send(
      alice,
      request(alice, "SERVICE", ALICE, {
        body: publishBody(ALICE, [notePublication(200, 0, "at lunch")]),
        contentType: PRES_CONTENT_TYPES.categoryPublish,
      }),
      to,
    );
    assert.equal(published.response.status, 200);
    await until(() => bob.received.length === 2 && alice.received.length === 2, "fan-out");
    const benotify = bob.received[1];
    assert.equal(benotify.method, "BENOTIFY");
    assert.equal(benotify.header("event"), "presence");
    const seen = parseEventCategories(new TextDecoder().decode(benotify.body));
    assert.equal(seen.categories[0].content?.children[0].text, "at lunch");
    assert.equal(alice.received[1].method, "NOTIFY", "no BENOTIFY without ms-benotify");
    assert.equal(
      parseRoamingData(new TextDecoder().decode(alice.received[1].body)).categories
        ?.categories[0].version,
      1,
    );
    assert.deepEqual(fanout.map((e) => [e.watcher, e.method, e.kind]).sort(), [
      [ALICE, "NOTIFY", "self"],
      [BOB, "BENOTIFY", "presence"],
    ]);
    assert.ok(fanout.every((e) => e.sentAt >= e.acceptedAt && e.bytes > 0));

    // Refusals: stale version (409 + fault), malformed XML, someone else's URI, unknown user.
    const stale = await send(
      alice,
      request(alice, "SERVICE", ALICE, {
        body: publishBody(ALICE, [notePublication(200, 0, "again")]),
        contentType: PRES_CONTENT_TYPES.categoryPublish,
      }),
      to,
    );
    assert.equal(stale.response.status, 409);
    assert.equal(diagnosticsOf(stale.response), 2141);
    assert.equal(stale.response.header("content-type"), PRES_CONTENT_TYPES.fault);
    assert.deepEqual(
      parseVersionFault(new TextDecoder().decode(stale.response.body)).operations,
      [{ index: 1, version: 0, curVersion: 1 }],
    );
    const malformed = await send(
      alice,
      request(alice, "SERVICE", ALICE, {
        body: "<publish",
        contentType: PRES_CONTENT_TYPES.categoryPublish,
      }),
      to,
    );
    assert.deepEqual([malformed.response.status, diagnosticsOf(malformed.response)], [400, 4001]);
    const foreign = await send(
      alice,
      request(alice, "SERVICE", BOB, {
        body: publishBody(BOB, [notePublication(200, 0, "x")]),
        contentType: PRES_CONTENT_TYPES.categoryPublish,
      }),
      to,
    );
    assert.deepEqual([foreign.response.status, diagnosticsOf(foreign.response)], [403, 2004]);
    const ghost = await send(
      bob,
      request(bob, "SUBSCRIBE", "sip:ghost@lab.test", {
        headers: [["Event", "presence"], ["Expires", "600"]],
      }),
      to,
    );
    assert.deepEqual([ghost.response.status, diagnosticsOf(ghost.response)], [404, 4005]);
    const badEvent = await send(
      bob,
      request(bob, "SUBSCRIBE", ALICE, { headers: [["Event", "presence"], ["Expires", "x"]] }),
      to,
    );
    assert.equal(badEvent.response.status, 400);
    assert.equal(diagnosticsOf(badEvent.response), 4000);
    assert.equal(presence.engine.snapshot(ALICE)?.instances.length, 1, "store re-read");

    // Alice's endpoint signs out: its subscription ends with reason deactivated.
    const before = alice.received.length;
    presence.registrationEnded(ALICE, "ep-ali");
    await until(() => alice.received.length === before + 1, "the deactivated NOTIFY");
    assert.equal(
      alice.received[before].header("subscription-state"),
      "terminated;reason=deactivated",
    );

    // Un-SUBSCRIBE in the dialog: 200, then the final NOTIFY (RFC 6665 §4.1.2.3).
    const count = bob.received.length;
    const unsubscribe = watch.dialog!.createRequest("SUBSCRIBE", {
      extraHeaders: [["Event", "presence"], ["Expires", "0"]],
    });
    const done = await send(bob, unsubscribe, to);
    assert.equal(done.response.status, 200);
    await until(() => bob.received.length === count + 1, "the final NOTIFY");
    assert.match(bob.received[count].header("subscription-state")!, /^terminated/);
    assert.equal(presence.engine.subscriptionCount, 0);
    // A refresh of the ended subscription: 481 with ms-diagnostics.
    const gone = await send(
      bob,
      watch.dialog!.createRequest("SUBSCRIBE", {
        extraHeaders: [["Event", "presence"], ["Expires", "600"]],
      }),
      to,
    );
    assert.equal(gone.response.status, 481);
  } finally {
    presence.stop();
    for (const client of clients) await client.endpoint.close();
    await server?.close();
    wheel.stop();
  }
});

Deno.test("presence service: batched SUBSCRIBE over TCP, first notification piggybacked in the 200", async () => {
  const wheel = new TimerWheel();
  const presence = presenceService({ wheel });
  let server: Endpoint | undefined;
  let bob: Client | undefined;
  try {
    server = await openEndpoint({
      listen: { protocol: "tcp", host: "127.0.0.1", port: 0 },
      user: "fe",
      wheel,
      allowedMethods: ["SERVICE", "SUBSCRIBE", "OPTIONS"],
      handler: {
        onRequest(tx, req) {
          const core = server!.core;
          presence.handle({
            request: req,
            tx,
            user: canonicalAor(req.from.uri as SipUri),
            endpoint: {},
            respond: (status, o = {}) =>
              core.respond(tx, core.createResponse(req, status, o.reason, { headers: o.headers })),
          });
        },
      },
    });
    const frontend = server;
    presence.start({
      core: frontend.core,
      domain: "lab.test",
      serverName: "fe01.lab.test",
      location: new LocationService(wheel),
      userExists: (aor) => USERS.has(aor),
      signRequest: () => false,
      signResponse: () => false,
      sendRequest: (req, destination, callbacks) =>
        frontend.core.request(req, destination, callbacks),
    });
    const received: SipRequest[] = [];
    const endpoint: Endpoint = await openEndpoint({
      listen: { protocol: "tcp", host: "127.0.0.1", port: 0 },
      user: "bob",
      wheel,
      allowedMethods: ["NOTIFY", "BENOTIFY"],
      handler: {
        onRequest(tx, request) {
          received.push(request);
          endpoint.core.respond(tx, endpoint.core.createResponse(request, 200));
        },
      },
    });
    bob = { endpoint, user: BOB, received };
    const to: Destination = { protocol: "TCP", host: "127.0.0.1", port: frontend.address.port };
    const subscribed = await send(
      bob,
      request(bob, "SUBSCRIBE", BOB, {
        headers: [["Event", "presence"], ["Expires", "600"], [
          "Supported",
          "eventlist, ms-piggyback-first-notify",
        ]],
        body: formatBatchSubscribe({
          uri: BOB,
          action: "subscribe",
          id: "1",
          resources: [{ uri: ALICE, context: true }, { uri: "sip:ghost@lab.test", context: false }],
          categories: ["note", "state"],
        }),
        contentType: PRES_CONTENT_TYPES.batchSubscribe,
      }),
      to,
    );
    const answer = subscribed.response;
    assert.equal(answer.status, 200);
    assert.equal(answer.header("supported"), "ms-piggyback-first-notify");
    assert.equal(answer.header("event"), "presence");
    assert.equal(answer.header("subscription-state"), "active;expires=600");
    const batch = parseBatchedNotify(
      answer.header("content-type")!,
      new TextDecoder().decode(answer.body),
    );
    assert.deepEqual(batch.list.resources.map((r) => r.state), ["active", "terminated"]);
    assert.deepEqual(presence.engine.snapshot(ALICE)?.subscribers, [
      { user: "bob@lab.test", acknowledged: false, type: "sameEnterprise" },
    ]);
    // The next change is the first NOTIFY of the dialog; nothing was sent before it.
    presence.engine.service({
      user: ALICE,
      endpointId: "a1",
      contentType: PRES_CONTENT_TYPES.categoryPublish,
      body: publishBody(ALICE, [notePublication(200, 0, "hi")]),
    });
    await until(() => received.length === 1, "the NOTIFY after the piggybacked 200");
    assert.equal(received[0].method, "NOTIFY");
    assert.equal(
      parseEventCategories(new TextDecoder().decode(received[0].body)).categories[0].name,
      "note",
    );
  } finally {
    presence.stop();
    await bob?.endpoint.close();
    await server?.close();
    wheel.stop();
  }
});
