import assert from "node:assert/strict";
import { formatBatchedNotify, parseBatchedNotify } from "./batched_notify.ts";
import { formatBatchSubscribe, parseBatchSubscribe } from "./batch_subscribe.ts";
import { PresDocumentError } from "./document_reader.ts";
import { formatEventCategories, parseEventCategories } from "./event_categories.ts";
import {
  formatRoamingData,
  formatRoamingList,
  parseRoamingData,
  parseRoamingList,
} from "./roaming_self.ts";
import { aggregateStateElement, readState } from "./state_category.ts";
import { presFixture } from "./test_fixtures.ts";

Deno.test("categories: the guide's example (MS-PRES.md §4.3), removed instance, round-trip", () => {
  const doc = parseEventCategories(presFixture("event_categories.xml"));
  assert.equal(doc.uri, "sip:bob@contoso.com");
  assert.equal(doc.categories[0].publishTime, "2008-01-11T19:57:51.190Z");
  assert.equal(readState(doc.categories[0].content!)?.type, "aggregateState");
  assert.equal(readState(doc.categories[0].content!)?.availability, 3500);
  assert.deepEqual(doc.categories[1], { name: "note" });
  assert.deepEqual(parseEventCategories(formatEventCategories(doc)), doc);
  const self = {
    uri: "sip:a@lab.test",
    categories: [{
      name: "state",
      instance: 0,
      publishTime: "2026-01-01T00:00:00.000Z",
      container: 100,
      version: 4,
      expireType: "user" as const,
      content: aggregateStateElement(6500),
    }],
  };
  assert.deepEqual(parseEventCategories(formatEventCategories(self)), self);
  assert.throws(() => parseEventCategories("<categories/>"), PresDocumentError);
});

Deno.test("batchSub: the guide's example (MS-PRES §6.8) reads and round-trips", () => {
  const doc = parseBatchSubscribe(presFixture("batch_subscribe.xml"));
  assert.deepEqual(doc, {
    uri: "sip:alice@contoso.com",
    name: "",
    action: "subscribe",
    id: "63792024",
    resources: [
      { uri: "sip:bob@contoso.com", context: false },
      { uri: "sip:carol@contoso.com", context: true },
    ],
    categories: ["calendarData", "contactCard", "note", "state"],
  });
  assert.deepEqual(parseBatchSubscribe(formatBatchSubscribe(doc)), doc);
  const ns = 'xmlns="http://schemas.microsoft.com/2006/01/sip/batch-subscribe"';
  for (
    const bad of [
      `<batchSub ${ns} uri="sip:a@b"/>`,
      `<batchSub ${ns} uri="sip:a@b"><action name="fetch"><adhocList/></action></batchSub>`,
      `<batchSub ${ns} uri="sip:a@b"><action name="subscribe"><adhocList><resource/></adhocList></action></batchSub>`,
      `<batchSub ${ns}><action name="subscribe"><adhocList/></action></batchSub>`,
    ]
  ) assert.throws(() => parseBatchSubscribe(bad), PresDocumentError, bad);
});

Deno.test("batched NOTIFY: rlmi list with active, resubscribe (poolFqdn), terminated; parts", () => {
  const categories = parseEventCategories(presFixture("event_categories.xml"));
  const notify = {
    list: {
      uri: "sip:alice@contoso.com",
      version: 1,
      fullState: true,
      resources: [
        { uri: "sip:bob@contoso.com", state: "active" as const, id: "0", cid: "bob@contoso.com" },
        {
          uri: "sip:eve@fabrikam.com",
          state: "resubscribe" as const,
          id: "0",
          poolFqdn: "pool2.contoso.com",
        },
        {
          uri: "sip:nobody@contoso.com",
          state: "terminated" as const,
          id: "0",
          reason: "noresource",
        },
      ],
    },
    parts: [{ contentId: "bob@contoso.com", categories }],
  };
  const { contentType, body } = formatBatchedNotify(notify, "B");
  assert.equal(
    contentType,
    'multipart/related; type="application/rlmi+xml"; start=resourceList; boundary=B',
  );
  assert.ok(
    body.startsWith("--B\r\nContent-Type: application/rlmi+xml\r\nContent-ID: resourceList"),
  );
  assert.ok(body.endsWith("--B--\r\n"));
  assert.deepEqual(parseBatchedNotify(contentType, body), notify);
  assert.throws(() => parseBatchedNotify("multipart/related", body), PresDocumentError);
  assert.throws(() => parseBatchedNotify(contentType, "--B\r\n"), PresDocumentError);
});

Deno.test("roaming self: roamingList (MS-PRES.md §4.6) and roamingData round-trip", () => {
  const types = parseRoamingList(presFixture("roaming_list.xml"));
  assert.deepEqual(types, ["categories", "containers", "subscribers"]);
  assert.deepEqual(parseRoamingList(formatRoamingList(types)), types);
  const data = {
    categories: {
      uri: "sip:alice@lab.test",
      categories: [{
        name: "note",
        instance: 0,
        container: 400,
        version: 2,
        expireType: "static" as const,
      }],
    },
    containers: [
      { id: 200, version: 1, members: [{ type: "sameEnterprise" as const }] },
      { id: 300, version: 3, members: [{ type: "user" as const, value: "bob@lab.test" }] },
    ],
    subscribers: [{ user: "carol@lab.test", acknowledged: false, type: "sameEnterprise" as const }],
  };
  assert.deepEqual(parseRoamingData(formatRoamingData(data)), data);
  assert.throws(
    () =>
      parseRoamingList(
        '<roamingList xmlns="http://schemas.microsoft.com/2006/09/sip/roaming-self"><roaming type="delegatez"/></roamingList>',
      ),
    PresDocumentError,
  );
});
