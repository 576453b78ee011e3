/**
 * SIMPLE presence and pager-mode messages between lab clients through a real Kamailio with its
 * presence modules (presence, presence_xml; db_text tables written by the harness): PUBLISH of
 * PIDF, SUBSCRIBE / NOTIFY, conditional refresh and modification (SIP-If-Match), 412 handling,
 * un-SUBSCRIBE, and MESSAGE relayed to the registered contact.
 */
import assert from "node:assert/strict";
import { kamailioAvailable } from "../../lab/testing/kamailio.ts";
import { startKamailioRegistrar } from "../../lab/testing/kamailio_registrar.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { SubscriptionEnd } from "../../lab/sip/dialog/mod.ts";
import { SimpleClient } from "./simple_client.ts";
import type { PresenceUpdate } from "./presence_watch.ts";
import type { ReceivedMessage } from "./pager.ts";

const available = await kamailioAvailable();
// Real-peer tests: skipped on a laptop without Kamailio, but CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

/** Values pushed by callbacks, awaited one by one with a bound. */
class Inbox<T> {
  readonly #items: T[] = [];
  #wake: (() => void) | undefined;

  push = (item: T): void => {
    this.#items.push(item);
    this.#wake?.();
  };

  /** The next item matching `accept` (earlier non-matching ones are dropped). */
  async next(what: string, accept: (item: T) => boolean = () => true, timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#items.length > 0) {
        const item = this.#items.shift()!;
        if (accept(item)) return item;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
        this.#wake = resolve;
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }
}

Deno.test({
  name:
    "kamailio presence: PUBLISH PIDF, NOTIFY to the watcher, changes, refresh, unsubscribe, MESSAGE",
  ignore,
  async fn() {
    const registrar = await startKamailioRegistrar({
      users: [{ name: "alice", password: "alice-pw" }, { name: "bob", password: "bob-pw" }],
      presence: true,
    });
    // Virtual time for the clients: the refresh timers fire when the test says, Kamailio runs
    // in real time (loopback UDP needs no retransmission).
    const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
    const clients: SimpleClient[] = [];
    try {
      const server = { protocol: "udp" as const, host: registrar.host, port: registrar.port };
      const listen = { protocol: "udp" as const, host: "127.0.0.1", port: 0 };
      for (let i = 0; i < 2; i++) {
        clients.push(await SimpleClient.start({ listen, server, domain: registrar.domain, wheel }));
      }
      const messages = new Inbox<ReceivedMessage>();
      const alice = clients[0].addUser({ name: "alice", password: "alice-pw" }, {
        publication: { expires: 600 },
      });
      const bob = clients[1].addUser({ name: "bob", password: "bob-pw" }, {
        handlers: { onMessage: messages.push },
      });
      const aliceAor = `sip:alice@${registrar.domain}`;

      // RFC 3903 §4.2: the initial PUBLISH (challenged with 401: this server answers it).
      const published = await alice.publish("online", "at my desk");
      assert.equal(published.ok, true, `${JSON.stringify(published)}\n${registrar.output()}`);
      assert.ok(published.etag, "the 2xx carries a SIP-ETag");
      assert.deepEqual(alice.publication.sent, { initial: 2, refresh: 0, modify: 0, remove: 0 });

      // RFC 3856: Bob watches Alice; the first NOTIFY carries her PIDF.
      const updates = new Inbox<PresenceUpdate>();
      const ended = new Inbox<SubscriptionEnd>();
      const watch = bob.watch(aliceAor, { onPresence: updates.push, onEnded: ended.push }, {
        expires: 60,
      });
      const first = await updates.next("NOTIFY with presence", (u) => u.document !== undefined);
      assert.equal(first.subscriptionState, "active");
      assert.equal(first.availability, "online");
      assert.equal(first.note, "at my desk");
      assert.equal(first.document?.entity, aliceAor);

      // RFC 6665 §4.1.2.2: 60 s granted, the in-dialog refresh goes out 30 s in; the notifier
      // answers it and sends the current state again.
      wheel.advance(30_000);
      const again = await updates.next("NOTIFY after the refresh", (u) => u.document !== undefined);
      assert.deepEqual([again.subscriptionState, again.availability], ["active", "online"]);
      assert.equal(watch.state, "active");

      // §4.4: a modification (SIP-If-Match, new body) reaches the watcher.
      const busy = await alice.publish("busy", "in a meeting");
      assert.equal(busy.ok, true);
      assert.notEqual(busy.etag, published.etag);
      const second = await updates.next("NOTIFY busy", (u) => u.availability === "busy");
      assert.equal(second.note, "in a meeting");
      assert.equal((await alice.publish("away")).ok, true);
      await updates.next("NOTIFY away", (u) => u.availability === "away");

      // §4.3: a refresh names the tag and has no body; the state stays as published.
      const refreshed = await alice.publication.refresh();
      assert.equal(refreshed.ok, true);
      assert.equal(alice.publication.sent.refresh, 1);
      assert.equal(alice.publication.state, "published");

      // MESSAGE (RFC 3428) from Alice to Bob's AoR: relayed to his registered contact.
      assert.equal((await bob.register()).ok, true);
      const sent = await alice.message(`sip:bob@${registrar.domain}`, "tea at 4? — ☕");
      assert.deepEqual([sent.ok, sent.status], [true, 200]);
      const received = await messages.next("MESSAGE at Bob");
      assert.equal(received.text, "tea at 4? — ☕");
      assert.equal(received.from, aliceAor);
      // §7: an unknown body type is refused by Bob's UA with 415, relayed back by the proxy.
      const html = await alice.message(`sip:bob@${registrar.domain}`, "<b>hi</b>", "text/html");
      assert.deepEqual([html.ok, html.status], [false, 415]);
      assert.equal(bob.received, 1);

      // RFC 6665 §4.1.2.3: Expires 0, the final NOTIFY terminates the subscription.
      assert.equal(watch.unsubscribe(), true);
      const end = await ended.next("end of the subscription");
      assert.equal(end.cause, "NOTIFY_TERMINATED");

      // §4.5: removing the publication.
      const removed = await alice.publication.remove();
      assert.equal(removed.ok, true);
      assert.equal(alice.publication.state, "removed");

      const stats = await registrar.statistics();
      assert.ok(stats["core.rcv_requests_publish"] >= 6, JSON.stringify(stats));
      // Initial (challenged, then signed), refresh, un-SUBSCRIBE — and, the virtual clock
      // having jumped past Timer E, possibly a retransmission of the refresh.
      assert.ok([4, 5].includes(stats["core.rcv_requests_subscribe"]), JSON.stringify(stats));
    } finally {
      for (const client of clients) await client.stop();
      wheel.stop();
      await registrar.stop();
    }
  },
});
