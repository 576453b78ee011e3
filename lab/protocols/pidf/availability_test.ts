import assert from "node:assert/strict";
import {
  AVAILABILITY_STATES,
  availabilityOf,
  firstNote,
  isAvailability,
  presenceDocument,
} from "./availability.ts";
import { formatPidf, parsePidf, type PidfDocument } from "./pidf_document.ts";

Deno.test("availability: every state survives a PIDF round trip", () => {
  for (const state of AVAILABILITY_STATES) {
    const doc = presenceDocument({ entity: "sip:alice@lab.test", state, note: `is ${state}` });
    const read = parsePidf(formatPidf(doc));
    assert.equal(availabilityOf(read), state);
    assert.equal(firstNote(read), `is ${state}`);
  }
});

Deno.test("availability: the documents use basic status and RFC 4480 activities as tabled", () => {
  const activities = (state: (typeof AVAILABILITY_STATES)[number]) => {
    const doc = presenceDocument({ entity: "sip:a@lab.test", state });
    return [doc.tuples[0].basic, ...(doc.person?.activities ?? []).map((a) => a.text ?? a.name)];
  };
  assert.deepEqual(activities("online"), ["open"]);
  assert.deepEqual(activities("busy"), ["open", "busy"]);
  assert.deepEqual(activities("do-not-disturb"), ["open", "busy", "do-not-disturb"]);
  assert.deepEqual(activities("away"), ["open", "away"]);
  assert.deepEqual(activities("be-right-back"), ["open", "away", "be-right-back"]);
  assert.deepEqual(activities("offline"), ["closed"]);
});

Deno.test("availability: documents written by others map to the nearest lab state", () => {
  const doc = (basic: "open" | "closed" | undefined, ...names: string[]): PidfDocument => ({
    entity: "pres:x@example.com",
    tuples: [{ id: "a", basic, notes: [] }],
    notes: [],
    person: { id: "p", activities: names.map((name) => ({ name })), notes: [] },
  });
  assert.equal(availabilityOf(doc("open", "on-the-phone")), "busy");
  assert.equal(availabilityOf(doc("open", "meeting")), "busy");
  assert.equal(availabilityOf(doc("open", "vacation")), "away");
  assert.equal(availabilityOf(doc("open", "sleeping")), "away");
  assert.equal(availabilityOf(doc("open", "working")), "online");
  assert.equal(availabilityOf(doc("closed", "busy")), "offline");
  assert.equal(availabilityOf(doc(undefined)), "offline");
  assert.equal(availabilityOf({ entity: "pres:x@y", tuples: [], notes: [] }), "offline");
  // RFC 3863 minimal example: open, no activities.
  const rfc = Deno.readTextFileSync(new URL("./testdata/rfc3863_minimal.xml", import.meta.url));
  assert.equal(availabilityOf(parsePidf(rfc)), "online");
});

Deno.test("availability: only the schema's names are states", () => {
  assert.ok(isAvailability("be-right-back"));
  assert.ok(!isAvailability("available"));
});
