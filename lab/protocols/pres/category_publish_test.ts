import assert from "node:assert/strict";
import { formatCategoryPublish, isDeletion, parseCategoryPublish } from "./category_publish.ts";
import { PresDocumentError } from "./document_reader.ts";
import { readState } from "./state_category.ts";
import { presFixture } from "./test_fixtures.ts";
import { formatVersionFault, parseVersionFault, WRONG_DELTA } from "./version_fault.ts";

const RP = 'xmlns="http://schemas.microsoft.com/2006/09/sip/rich-presence"';

Deno.test("publish: the guide's example (MS-PRES.md §4.1) reads and round-trips", () => {
  const doc = parseCategoryPublish(presFixture("publish_state_note.xml"));
  assert.equal(doc.uri, "sip:alice@contoso.com");
  const [state, note] = doc.publications;
  assert.deepEqual(
    [state.categoryName, state.instance, state.container, state.version, state.expireType],
    ["state", 536870912, 2, 22, "static"],
  );
  assert.deepEqual(readState(state.content!), {
    type: "userState",
    availability: 15500,
    manual: true,
  });
  assert.equal(isDeletion(state), false);
  assert.equal(isDeletion(note), true);
  assert.equal(note.content, undefined);
  const written = formatCategoryPublish(doc);
  assert.deepEqual(parseCategoryPublish(written), doc);
  assert.equal(formatCategoryPublish(parseCategoryPublish(written)), written);
});

Deno.test("publish: every expire type, time with expires", () => {
  for (const expireType of ["static", "user", "endpoint", "time"] as const) {
    const doc = {
      uri: "sip:a@lab.test",
      publications: [{
        categoryName: "note",
        instance: 0xffffffff,
        container: 400,
        version: 0,
        expireType,
        expires: expireType === "time" ? 600 : undefined,
        content: parseCategoryPublish(
          `<publish ${RP}><publications><publication categoryName="note" instance="0" ` +
            `container="400" version="0"><note xmlns="http://schemas.microsoft.com/2006/09/sip/note">` +
            `<body type="personal">a &amp; b</body></note></publication></publications></publish>`,
        ).publications[0].content,
      }],
    };
    if (doc.publications[0].expires === undefined) delete doc.publications[0].expires;
    assert.deepEqual(parseCategoryPublish(formatCategoryPublish(doc)), doc);
  }
});

Deno.test("publish: grammar violations throw PresDocumentError", () => {
  const bad = [
    "<publish", // not XML
    `<publish><publications/></publish>`, // no namespace
    `<publish ${RP}/>`, // no publications
    `<publish ${RP}><publications><publication instance="0" container="2" version="0"/></publications></publish>`,
    `<publish ${RP}><publications><publication categoryName="note" instance="-1" container="2" version="0"><note/></publication></publications></publish>`,
    `<publish ${RP}><publications><publication categoryName="note" instance="0" container="2" version="0" expireType="forever"><note/></publication></publications></publish>`,
    `<publish ${RP}><publications><publication categoryName="note" instance="0" container="2" version="0" expireType="time"><note/></publication></publications></publish>`,
    `<publish ${RP}><publications><publication categoryName="note" instance="0" container="2" version="0"/></publications></publish>`,
    `<publish ${RP}><publications><publication categoryName="note" instance="0" container="2" version="0"><state/></publication></publications></publish>`,
    `<publish ${RP}><publications><publication categoryName="note" instance="0" container="2" version="0"><note/><note/></publication></publications></publish>`,
  ];
  for (const text of bad) {
    assert.throws(() => parseCategoryPublish(text), PresDocumentError, text);
  }
});

Deno.test("version fault: the guide's example (MS-PRES.md §4.2) reads and round-trips", () => {
  const fault = parseVersionFault(presFixture("version_fault.xml"));
  assert.deepEqual(fault, {
    faultCode: WRONG_DELTA,
    operations: [{ index: 1, version: 1, curVersion: 2 }],
  });
  assert.deepEqual(parseVersionFault(formatVersionFault(fault)), fault);
  // MS-PRES delegate-management 409 example: the operation element has a space as content.
  assert.deepEqual(
    parseVersionFault(
      "<Fault> <Faultcode>Client.BadCall.WrongDelta</Faultcode> <details> " +
        '<operation index="1" version="1" curVersion="2" > </operation> </details> </Fault>',
    ),
    fault,
  );
  assert.throws(() => parseVersionFault("<Fault/>"), PresDocumentError);
  assert.equal(
    formatVersionFault(fault),
    "<Fault><Faultcode>Client.BadCall.WrongDelta</Faultcode><details>" +
      '<operation index="1" version="1" curVersion="2"/></details></Fault>',
  );
});

Deno.test("publish: device, services, contactCard, calendarData, routing, note round-trip", () => {
  // Shapes after MS-PRES §2.2.2.7.x (lab-written documents, not the specification's examples).
  const doc = parseCategoryPublish(presFixture("publish_categories.xml"));
  assert.deepEqual(
    doc.publications.map((p) => [p.categoryName, p.container, p.expireType, p.content?.namespace]),
    [
      ["device", 2, "endpoint", "http://schemas.microsoft.com/2006/09/sip/device"],
      ["services", 200, "user", "http://schemas.microsoft.com/2006/09/sip/service"],
      ["contactCard", 400, "static", "http://schemas.microsoft.com/2006/09/sip/contactcard"],
      ["calendarData", 1, "static", "http://schemas.microsoft.com/2006/09/sip/calendarData"],
      ["routing", 0, "static", "http://schemas.microsoft.com/2006/09/sip/routing"],
      ["note", 300, "time", "http://schemas.microsoft.com/2006/09/sip/note"],
    ],
  );
  assert.equal(doc.publications[5].expires, 3600);
  const card = doc.publications[2].content!;
  assert.equal(card.children[0].children[0].children[0].text, "Alice & co");
  assert.deepEqual(parseCategoryPublish(formatCategoryPublish(doc)), doc);
});
