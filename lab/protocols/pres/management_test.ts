import assert from "node:assert/strict";
import {
  formatContactDelta,
  formatContactList,
  parseContactDelta,
  parseContactList,
} from "./contact_list.ts";
import {
  formatAddGroupResult,
  formatContactOperation,
  parseAddGroupResult,
  parseContactOperation,
} from "./contact_management.ts";
import { formatSetContainerMembers, parseSetContainerMembers } from "./containers.ts";
import { PresDocumentError } from "./document_reader.ts";
import { formatSetSubscribers, parseSetSubscribers } from "./subscribers.ts";
import { presFixture } from "./test_fixtures.ts";

Deno.test("setContainerMembers: the guide's example (MS-PRES.md §4.7) and bad members", () => {
  const changes = parseSetContainerMembers(presFixture("set_container_members.xml"));
  assert.deepEqual(changes, [
    { id: 200, version: 5, members: [{ action: "add", type: "sameEnterprise" }] },
    {
      id: 300,
      version: 2,
      members: [{ action: "remove", type: "user", value: "bob@contoso.com" }],
    },
  ]);
  assert.deepEqual(parseSetContainerMembers(formatSetContainerMembers(changes)), changes);
  const ns = 'xmlns="http://schemas.microsoft.com/2006/09/sip/container-management"';
  for (
    const bad of [
      `<setContainerMembers ${ns}/>`,
      `<setContainerMembers ${ns}><container id="300" version="1"><member action="add" type="user"/></container></setContainerMembers>`,
      `<setContainerMembers ${ns}><container id="300" version="1"><member action="move" type="everyone"/></container></setContainerMembers>`,
      `<setContainerMembers ${ns}><container id="300" version="1"><member action="add" type="friends"/></container></setContainerMembers>`,
      `<setContainerMembers ${ns}><container id="x" version="1"/></setContainerMembers>`,
    ]
  ) assert.throws(() => parseSetContainerMembers(bad), PresDocumentError, bad);
});

Deno.test("setSubscribers: MS-PRES §2.2.2.6.2 example; exactly one, acknowledged true", () => {
  assert.equal(parseSetSubscribers(presFixture("set_subscribers.xml")), "john@contoso.com");
  assert.equal(parseSetSubscribers(formatSetSubscribers("a@lab.test")), "a@lab.test");
  const ns = 'xmlns="http://schemas.microsoft.com/2006/09/sip/presence-subscribers"';
  assert.throws(
    () =>
      parseSetSubscribers(
        `<setSubscribers ${ns}><subscriber user="a@b" acknowledged="true"/><subscriber user="c@d" acknowledged="true"/></setSubscribers>`,
      ),
    PresDocumentError,
  );
  assert.throws(
    () =>
      parseSetSubscribers(
        `<setSubscribers ${ns}><subscriber user="a@b" acknowledged="false"/></setSubscribers>`,
      ),
    PresDocumentError,
  );
});

Deno.test("contactList: MS-SIP §3.7.5.2 example (deltaNum 685) and deltas round-trip", () => {
  const list = parseContactList(presFixture("contact_list_685.xml"));
  assert.equal(list.deltaNum, 685);
  assert.deepEqual(list.groups.map((g) => [g.id, g.name]), [[1, "~"], [2, "Team"], [
    3,
    "External",
  ]]);
  assert.deepEqual(list.contacts[0], {
    uri: "contact1@tradewind.com",
    name: "",
    groups: [1, 3],
    subscribed: true,
    externalURI: "",
  });
  assert.equal(list.contacts[1].uri, "contact2@tradewind.com");
  assert.deepEqual(parseContactList(formatContactList(list)), list);
  const delta = {
    deltaNum: 686,
    prevDeltaNum: 685,
    changes: [
      { kind: "addedGroup" as const, group: { id: 4, name: "Friends", externalURI: "" } },
      {
        kind: "modifiedContact" as const,
        contact: {
          uri: "contact3@tradewind.com",
          name: "C",
          groups: [1, 4],
          subscribed: false,
          externalURI: "",
        },
      },
      { kind: "deletedContact" as const, uri: "contact4@tradewind.com" },
      { kind: "deletedGroup" as const, id: 2 },
    ],
  };
  assert.deepEqual(parseContactDelta(formatContactDelta(delta)), delta);
  assert.throws(
    () => parseContactDelta('<contactDelta deltaNum="1" prevDeltaNum="0"><x/></contactDelta>'),
    PresDocumentError,
  );
});

Deno.test("SOAP contact management: MS-SIP §4.6, §4.8, §4.9 examples and round-trips", () => {
  assert.deepEqual(parseContactOperation(presFixture("set_contact.xml")), {
    kind: "setContact",
    deltaNum: 12,
    contact: {
      uri: "sip:user4@server.contoso.com",
      name: "buddy 1",
      groups: [],
      subscribed: true,
      externalURI: "",
    },
  });
  const withGroups = parseContactOperation(presFixture("set_contact_groups.xml"));
  assert.equal(withGroups.kind === "setContact" && withGroups.contact.groups.join(","), "1,3");
  assert.deepEqual(parseContactOperation(presFixture("add_group.xml")), {
    kind: "addGroup",
    deltaNum: 16,
    name: "Friends",
    externalURI: "",
  });
  assert.deepEqual(parseContactOperation(presFixture("delete_group.xml")), {
    kind: "deleteGroup",
    deltaNum: 17,
    id: 1,
  });
  assert.equal(parseAddGroupResult(presFixture("add_group_result.xml")), 1);
  assert.equal(parseAddGroupResult(formatAddGroupResult(7)), 7);
  for (
    const op of [
      withGroups,
      { kind: "deleteContact" as const, deltaNum: 3, uri: "sip:bob@lab.test" },
      { kind: "addGroup" as const, deltaNum: 4, name: "A & B", externalURI: "" },
      { kind: "modifyGroup" as const, deltaNum: 5, id: 2, name: "Team", externalURI: "" },
      { kind: "deleteGroup" as const, deltaNum: 6, id: 2 },
    ]
  ) assert.deepEqual(parseContactOperation(formatContactOperation(op)), op);
  const env = (inner: string) =>
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
  const m = 'xmlns:m="http://schemas.microsoft.com/winrtc/2002/11/sip"';
  for (
    const bad of [
      env(""),
      env(`<m:dropTable ${m}><m:deltaNum>1</m:deltaNum></m:dropTable>`),
      env(`<m:deleteContact ${m}><m:URI>sip:a@b</m:URI></m:deleteContact>`),
      env(`<m:deleteGroup ${m}><m:groupID>x</m:groupID><m:deltaNum>1</m:deltaNum></m:deleteGroup>`),
    ]
  ) assert.throws(() => parseContactOperation(bad), PresDocumentError, bad);
});
