import assert from "node:assert/strict";
import { parseNameAddr, type SipUri } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { type BindingRemoval, type ContactChange, LocationService } from "./location_service.ts";

const AOR = "sip:alice@lab.test";
const SOURCE = { protocol: "UDP", host: "127.0.0.1", port: 5070 };

function change(contact: string, expiresS: number): ContactChange {
  const parsed = parseNameAddr(contact);
  return { contact: { ...parsed, uri: parsed.uri as SipUri }, expiresS, source: SOURCE };
}

Deno.test("an update with one out-of-order contact changes nothing (§10.3 step 7 atomicity)", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const location = new LocationService(wheel);
  assert.deepEqual(
    location.update(AOR, { callId: "a", cseq: 5 }, {
      kind: "contacts",
      contacts: [change("<sip:alice@h1>", 600)],
    }),
    { ok: true, added: 1, refreshed: 0, removed: 0 },
  );
  // Another Call-ID may add h2, but h1 is bound by Call-ID "a" at CSeq 5: with "a" and
  // CSeq 5 again the whole update fails, h2 included.
  const refused = location.update(AOR, { callId: "a", cseq: 5 }, {
    kind: "contacts",
    contacts: [change("<sip:alice@h2>", 600), change("<sip:alice@h1>", 0)],
  });
  assert.deepEqual(refused, { ok: false, reason: "out-of-order" });
  assert.equal(location.lookup(AOR).length, 1);
  assert.deepEqual(
    location.update(AOR, { callId: "b", cseq: 1 }, {
      kind: "contacts",
      contacts: [change("<sip:alice@h2>", 600), change("<sip:alice@h1>", 0)],
    }),
    { ok: true, added: 1, refreshed: 0, removed: 1 },
    "another Call-ID replaces regardless of CSeq",
  );
  assert.equal(location.lookup(AOR)[0].uri.host, "h2");
  location.clear();
  assert.equal(wheel.size, 0, "clear disarms the expiry timers");
  wheel.stop();
});

Deno.test("expiry removes a binding at its time, a refresh moves the time", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const location = new LocationService(wheel);
  const h1 = (expiresS: number, cseq: number) =>
    location.update(AOR, { callId: "a", cseq }, {
      kind: "contacts",
      contacts: [change("<sip:alice@h1>", expiresS)],
    });
  h1(60, 1);
  wheel.advance(50_000);
  h1(60, 2);
  wheel.advance(50_000);
  assert.equal(location.size, 1, "refreshed at 50 s, lapses at 110 s");
  assert.equal(location.remainingSeconds(location.lookup(AOR)[0]), 10);
  wheel.advance(10_000);
  assert.equal(location.size, 0);
  assert.equal(location.addressesOfRecord, 0);
  wheel.stop();
});

Deno.test("one binding per +sip.instance: a new contact of the same instance replaces it (MS-SIPRE §4.2)", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const location = new LocationService(wheel);
  const instance = "4233FD41-093B-5FD6-B5D2-651ED55969E6";
  const withInstance = (contact: string, id: string) => ({
    ...change(contact, 600),
    endpoint: { epid: "8248ca9ebb", instance: id },
  });
  location.update(AOR, { callId: "a", cseq: 1 }, {
    kind: "contacts",
    contacts: [withInstance("<sip:alice@h1:5061>", instance)],
  });
  // Reconnected on another port: same instance (any case), a new Call-ID.
  const result = location.update(AOR, { callId: "b", cseq: 1 }, {
    kind: "contacts",
    contacts: [withInstance("<sip:alice@h1:6000>", instance.toLowerCase())],
  });
  assert.deepEqual(result, { ok: true, added: 0, refreshed: 1, removed: 0 });
  assert.equal(location.lookup(AOR).length, 1);
  assert.equal(location.lookup(AOR)[0].uri.port, 6000);
  // remove() takes the bindings a predicate selects and disarms their timers.
  assert.equal(location.remove(AOR, (b) => b.endpoint.epid === "8248ca9ebb").length, 1);
  assert.equal(location.size, 0);
  assert.deepEqual(location.addresses(), []);
  wheel.stop();
});

Deno.test("the removal callback hears of unregistered, removed and lapsed bindings", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const heard: string[] = [];
  const location = new LocationService(wheel, (binding, cause: BindingRemoval) => {
    heard.push(`${binding.uri.host} ${cause} left=${location.lookup(binding.aor).length}`);
  });
  location.update(AOR, { callId: "a", cseq: 1 }, {
    kind: "contacts",
    contacts: [change("<sip:alice@h1>", 600), change("<sip:alice@h2>", 600)],
  });
  // §10.2.2: Expires 0 for one contact, then the server removes the other.
  location.update(AOR, { callId: "a", cseq: 2 }, {
    kind: "contacts",
    contacts: [change("<sip:alice@h1>", 0)],
  });
  location.remove(AOR);
  // §10.2.1: a binding lapses; `*` removes all.
  location.update(AOR, { callId: "b", cseq: 1 }, {
    kind: "contacts",
    contacts: [change("<sip:alice@h3>", 1)],
  });
  wheel.advance(1000);
  location.update(AOR, { callId: "c", cseq: 1 }, {
    kind: "contacts",
    contacts: [change("<sip:alice@h4>", 600)],
  });
  location.update(AOR, { callId: "c", cseq: 2 }, { kind: "remove-all" });
  location.update(AOR, { callId: "d", cseq: 1 }, {
    kind: "contacts",
    contacts: [change("<sip:alice@h5>", 600)],
  });
  location.clear();
  assert.deepEqual(heard, [
    "h1 unregistered left=1",
    "h2 removed left=0",
    "h3 expired left=0",
    "h4 unregistered left=0",
  ]);
});
