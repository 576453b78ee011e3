import assert from "node:assert/strict";
import { parseNameAddr, type SipUri } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { type ContactChange, LocationService } from "./location_service.ts";

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
