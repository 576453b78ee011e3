import assert from "node:assert/strict";
import { formatPidf, parsePidf, type PidfDocument, PidfSyntaxError } from "./pidf_document.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));

Deno.test("pidf: the RFC 3863 minimal example reads as one open tuple with a contact", () => {
  const doc = parsePidf(fixture("rfc3863_minimal.xml"));
  assert.deepEqual(doc, {
    entity: "pres:someone@example.com",
    tuples: [{
      id: "sg89ae",
      basic: "open",
      contact: { uri: "tel:+09012345678", priority: 0.8 },
      notes: [],
    }],
    notes: [],
  });
});

Deno.test("pidf: the RFC 3863 extended example keeps notes with xml:lang, timestamp, skips extensions", () => {
  const doc = parsePidf(fixture("rfc3863_extended.xml"));
  assert.equal(doc.entity, "pres:someone@example.com");
  assert.equal(doc.tuples.length, 2);
  const [first, second] = doc.tuples;
  assert.equal(first.id, "bs35r9");
  assert.equal(first.basic, "open");
  assert.deepEqual(first.contact, { uri: "im:someone@mobilecarrier.net", priority: 0.8 });
  assert.deepEqual(first.notes, [
    { text: "Don't Disturb Please!", lang: "en" },
    { text: "Ne dérangez pas, s'il vous plaît", lang: "fr" },
  ]);
  assert.equal(first.timestamp, "2001-10-27T16:49:29Z");
  assert.deepEqual(second, {
    id: "eg92n8",
    basic: "open",
    contact: { uri: "mailto:someone@example.com", priority: 1 },
    notes: [],
  });
  assert.deepEqual(doc.notes, [{ text: "I'll be in Tokyo next week" }]);
});

Deno.test("pidf: a written document reads back the same, person and RPID activities included", () => {
  const doc: PidfDocument = {
    entity: "sip:alice@lab.sipfleet.test",
    tuples: [{
      id: "t1",
      basic: "open",
      contact: { uri: "sip:alice@127.0.0.1:5062", priority: 0.5 },
      notes: [{ text: "in the <lab> & busy", lang: "en" }],
      timestamp: "2026-11-23T22:00:00.000Z",
    }],
    notes: [{ text: "presence-level" }],
    person: {
      id: "p1",
      activities: [{ name: "away" }, { name: "other", text: "be-right-back" }],
      notes: [{ text: "coffee" }],
    },
  };
  const xml = formatPidf(doc);
  assert.match(
    xml,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf"/,
  );
  assert.match(xml, /xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"/);
  assert.match(xml, /in the &lt;lab&gt; &amp; busy/);
  // RFC 3863 §4.1.1: tuples, then notes, then other namespaces.
  assert.ok(xml.indexOf("<tuple") < xml.indexOf("presence-level"));
  assert.ok(xml.indexOf("presence-level") < xml.indexOf("<dm:person"));
  assert.deepEqual(parsePidf(xml), doc);
});

Deno.test("pidf: malformed or foreign documents are refused with the reason", () => {
  const ns = 'xmlns="urn:ietf:params:xml:ns:pidf"';
  const cases: [string, RegExp][] = [
    ["<presence/>", /not <presence> of urn:ietf:params:xml:ns:pidf/],
    [`<presence ${ns}/>`, /has no entity/],
    [`<presence ${ns} entity="pres:a@b"><tuple><status/></tuple></presence>`, /without id/],
    [`<presence ${ns} entity="pres:a@b"><tuple id="x"/></presence>`, /needs one <status>/],
    [
      `<presence ${ns} entity="pres:a@b"><tuple id="x"><status><basic>away</basic></status></tuple></presence>`,
      /"away", not open or closed/,
    ],
    [
      `<presence ${ns} entity="pres:a@b"><tuple id="x"><status/><contact priority="1.5">sip:a@b</contact></tuple></presence>`,
      /not a qvalue/,
    ],
    [
      `<presence ${ns} xmlns:e="urn:x" entity="pres:a@b"><tuple id="x"><status><e:mood mustUnderstand="true"/></status></tuple></presence>`,
      /<e:mood> is marked mustUnderstand/,
    ],
    [`<presence ${ns} entity="pres:a@b"><tuple id="x">`, /PIDF: .* at offset/],
  ];
  for (const [text, reason] of cases) {
    assert.throws(() => parsePidf(text), (e: unknown) => {
      assert.ok(e instanceof PidfSyntaxError, String(e));
      assert.match(e.message, reason);
      return true;
    });
  }
});

Deno.test("pidf: an extension not marked mustUnderstand is skipped (RFC 3863 mustUnderstand rule)", () => {
  const doc = parsePidf(
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:e="urn:x" entity="pres:a@b">' +
      '<tuple id="x"><status><e:mood mustUnderstand="false">sad</e:mood></status></tuple>' +
      "<e:extra/></presence>",
  );
  assert.deepEqual(doc.tuples, [{ id: "x", notes: [] }]);
});
