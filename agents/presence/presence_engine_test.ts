import assert from "node:assert/strict";
import {
  AVAILABILITY,
  type ContactOperation,
  formatBatchSubscribe,
  formatContactOperation,
  formatSetContainerMembers,
  formatSetSubscribers,
  parseBatchedNotify,
  parseContactDelta,
  parseContactList,
  parseEventCategories,
  parseRoamingData,
  parseVersionFault,
  PRES_CONTENT_TYPES,
  readState,
} from "../../lab/protocols/pres/mod.ts";
import { presFixture } from "../../lab/protocols/pres/test_fixtures.ts";
import type { PresenceEngine, PresenceOutcome } from "./presence_engine.ts";
import {
  ALICE,
  BOB,
  CAROL,
  EVE,
  notePublication,
  publishBody,
  statePublication,
  testEngine,
} from "./test_support.ts";

const PUBLISH = PRES_CONTENT_TYPES.categoryPublish;

function publish(engine: PresenceEngine, user: string, body: string, endpointId = "ep1") {
  return engine.service({ user, endpointId, contentType: PUBLISH, body });
}

function refusalOf(outcome: PresenceOutcome) {
  assert.equal(outcome.ok, false, "expected a refusal");
  return (outcome as Extract<PresenceOutcome, { ok: false }>).refusal;
}

Deno.test("engine: versions start at 1, go up per publication; a stale one is a 409 with the fault", () => {
  const { engine, wheel } = testEngine();
  try {
    assert.ok(publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 0, "one")])).ok);
    assert.ok(publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 1, "two")])).ok);
    assert.equal(engine.snapshot(ALICE)!.instances[0].version, 2);
    const before = engine.snapshot(ALICE);
    // The first publication is fine, the second stale: nothing of the request applies.
    const refusal = refusalOf(publish(
      engine,
      ALICE,
      publishBody(ALICE, [notePublication(400, 0, "new"), notePublication(200, 1, "stale")]),
    ));
    assert.equal(refusal.status, 409);
    assert.equal(refusal.errorId, 2141);
    assert.equal(refusal.body?.contentType, "application/msrtc-fault+xml");
    assert.deepEqual(parseVersionFault(refusal.body!.text), {
      faultCode: "Client.BadCall.WrongDelta",
      operations: [{ index: 2, version: 1, curVersion: 2 }],
    });
    assert.deepEqual(engine.snapshot(ALICE), before);
    // Delete with the current version; the instance then starts again at 0.
    assert.ok(
      publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 2, "", { expires: 0 })])).ok,
    );
    assert.equal(engine.snapshot(ALICE)!.instances.length, 0);
    assert.ok(publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 0, "again")])).ok);
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: each watcher sees only the container it resolves to (ACL)", () => {
  const { engine, wheel } = testEngine();
  try {
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [
        notePublication(100, 0, "external"),
        notePublication(200, 0, "company"),
        notePublication(400, 0, "personal"),
      ]),
    );
    const text = (watcher: string) =>
      engine.categoriesFor(watcher, ALICE, ["note"]).categories.map((c) =>
        c.content?.children[0].text
      );
    assert.deepEqual(text(BOB), ["company"], "sameEnterprise → 200");
    assert.deepEqual(text(EVE), ["external"], "federated → 100");
    assert.deepEqual(text("sip:zed@cloud.test"), [], "public cloud: no container admits it");
    // Carol into personal (400), Bob blocked (32000): user members beat domain classes.
    const ok = engine.service({
      user: ALICE,
      endpointId: "ep1",
      contentType: PRES_CONTENT_TYPES.setContainerMembers,
      body: formatSetContainerMembers([
        {
          id: 400,
          version: 0,
          members: [{ action: "add", type: "user", value: "carol@lab.test" }],
        },
        {
          id: 32000,
          version: 0,
          members: [{ action: "add", type: "user", value: "bob@lab.test" }],
        },
      ]),
    });
    assert.ok(ok.ok);
    assert.deepEqual(text(CAROL), ["personal"]);
    assert.deepEqual(text(BOB), []);
    // Moving Carol to the team container takes her out of personal (one container per user).
    assert.ok(
      engine.service({
        user: ALICE,
        endpointId: "ep1",
        contentType: PRES_CONTENT_TYPES.setContainerMembers,
        body: formatSetContainerMembers([
          {
            id: 300,
            version: 0,
            members: [{ action: "add", type: "user", value: "sip:carol@lab.test" }],
          },
        ]),
      }).ok,
    );
    const containers = engine.snapshot(ALICE)!.containers;
    assert.deepEqual(containers.find((c) => c.id === 400), { id: 400, version: 2, members: [] });
    assert.equal(containers.find((c) => c.id === 300)?.version, 1);
    assert.deepEqual(text(CAROL), []);
    // A stale container version: 409 with the fault, nothing changed.
    const before = engine.snapshot(ALICE);
    const refusal = refusalOf(engine.service({
      user: ALICE,
      endpointId: "ep1",
      contentType: PRES_CONTENT_TYPES.setContainerMembers,
      body: formatSetContainerMembers([
        { id: 200, version: 0, members: [] },
        { id: 400, version: 0, members: [{ action: "add", type: "everyone" }] },
      ]),
    }));
    assert.equal(refusal.status, 409);
    assert.deepEqual(parseVersionFault(refusal.body!.text).operations, [
      { index: 2, version: 0, curVersion: 2 },
    ]);
    assert.deepEqual(engine.snapshot(ALICE), before);
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: aggregation across endpoints; blocked watchers see offline", () => {
  const { engine, wheel } = testEngine();
  try {
    const seen = (watcher = BOB) => {
      const state = engine.categoriesFor(watcher, ALICE, ["state"]).categories[0];
      return state?.content === undefined ? undefined : readState(state.content);
    };
    assert.equal(seen(), undefined, "nothing published, nothing aggregated");
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [statePublication("machineState", 0x30000001, 5000, 0)]),
      "ep1",
    );
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [statePublication("machineState", 0x30000002, 3500, 0)]),
      "ep2",
    );
    assert.deepEqual(
      seen(),
      { type: "aggregateState", availability: 3500, manual: false },
      "most active machine",
    );
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [statePublication("userState", 0x20000000, 15500, 0, "static")]),
    );
    assert.equal(seen()?.availability, 15500, "the user's choice overrides the machines");
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [statePublication("phoneState", 0x80000001, 6500, 0)]),
    );
    assert.equal(seen()?.availability, 15500, "in a call does not override away");
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [{
        ...statePublication("userState", 0x20000000, 0, 1, "static"),
        expires: 0,
        content: undefined,
      }]),
    );
    assert.equal(seen()?.availability, 6500, "in a call raises available to busy");
    // Blocking Bob: 32000 holds the offline aggregate only.
    engine.service({
      user: ALICE,
      endpointId: "ep1",
      contentType: PRES_CONTENT_TYPES.setContainerMembers,
      body: formatSetContainerMembers([
        {
          id: 32000,
          version: 0,
          members: [{ action: "add", type: "user", value: "bob@lab.test" }],
        },
      ]),
    });
    assert.equal(seen()?.availability, AVAILABILITY.offline);
    assert.equal(seen(CAROL)?.availability, 6500);
    // Both endpoints go: offline.
    engine.endpointEnded(ALICE, "ep2", { lastEndpoint: false });
    assert.equal(seen(CAROL)?.availability, 6500, "ep1's machine and phone state remain");
    engine.endpointEnded(ALICE, "ep1", { lastEndpoint: true });
    assert.equal(seen(CAROL)?.availability, AVAILABILITY.offline);
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: expiry — time instances on the wheel, endpoint and user on sign-out", () => {
  const { engine, wheel, notes } = testEngine();
  try {
    engine.subscribe({ id: "w", watcher: BOB, event: "presence", target: ALICE, expires: 3600 });
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [
        notePublication(200, 0, "timed", { expireType: "time", expires: 30 }),
        { ...notePublication(200, 0, "ep"), instance: 1, expireType: "endpoint" },
        { ...notePublication(200, 0, "user"), instance: 2, expireType: "user" },
        { ...notePublication(200, 0, "static"), instance: 3 },
      ]),
      "ep1",
    );
    assert.equal(engine.snapshot(ALICE)!.instances.length, 4);
    notes.length = 0;
    wheel.advance(29_999);
    assert.equal(engine.snapshot(ALICE)!.instances.length, 4);
    wheel.advance(1);
    assert.deepEqual(engine.snapshot(ALICE)!.instances.map((i) => i.instance), [1, 2, 3]);
    assert.equal(notes.length, 1);
    assert.deepEqual(parseEventCategories(notes[0].body).categories, [{
      name: "note",
      instance: 0,
    }]);
    engine.endpointEnded(ALICE, "other", { lastEndpoint: false });
    assert.equal(
      engine.snapshot(ALICE)!.instances.length,
      3,
      "another endpoint's end changes nothing",
    );
    engine.endpointEnded(ALICE, "ep1", { lastEndpoint: false });
    assert.deepEqual(engine.snapshot(ALICE)!.instances.map((i) => i.instance), [2, 3]);
    engine.endpointEnded(ALICE, "ep2", { lastEndpoint: true });
    assert.deepEqual(engine.snapshot(ALICE)!.instances.map((i) => i.instance), [3]);
    assert.deepEqual(
      notes.slice(1).map((n) => parseEventCategories(n.body).categories),
      [[{ name: "note", instance: 1 }], [{ name: "note", instance: 2 }]],
    );
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: subscription lifetimes — expiry, refresh, autoextend on each notification", () => {
  const { engine, wheel, expired } = testEngine();
  try {
    engine.subscribe({ id: "a", watcher: BOB, event: "presence", target: ALICE, expires: 60 });
    engine.subscribe({ id: "b", watcher: CAROL, event: "presence", target: ALICE, expires: 60 });
    engine.subscribe({
      id: "c",
      watcher: "sip:dave@lab.test",
      event: "presence",
      target: ALICE,
      expires: 60,
      autoextend: true,
    });
    wheel.advance(50_000);
    assert.ok(engine.refresh("b", 60));
    publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 0, "x")]));
    wheel.advance(10_000);
    assert.deepEqual(expired, ["a"]);
    assert.equal(engine.subscriptionCount, 2);
    wheel.advance(50_000);
    assert.deepEqual(expired, ["a", "b", "c"]);
    assert.equal(engine.refresh("a", 60), false);
    assert.equal(engine.subscriptionCount, 0);
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: fan-out — every watcher gets its own view, stamped with the acceptance time", () => {
  const { engine, wheel, notes } = testEngine();
  try {
    const first = engine.subscribe({
      id: "bob",
      watcher: BOB,
      event: "presence",
      target: ALICE,
      expires: 600,
    });
    assert.ok(first.ok);
    assert.equal(first.content.contentType, PRES_CONTENT_TYPES.eventCategories);
    assert.deepEqual(parseEventCategories(first.content.body), { uri: ALICE, categories: [] });
    engine.subscribe({ id: "eve", watcher: EVE, event: "presence", target: ALICE, expires: 600 });
    engine.subscribe({
      id: "self",
      watcher: ALICE,
      event: "vnd-microsoft-roaming-self",
      target: ALICE,
      expires: 600,
    });
    publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 0, "lunch")]));
    assert.deepEqual(
      notes.map((n) => n.subscriptionId).sort(),
      ["bob", "self"],
      "Eve (federated) sees no change",
    );
    const toBob = notes.find((n) => n.subscriptionId === "bob")!;
    assert.equal(toBob.publisher, ALICE);
    assert.equal(typeof toBob.acceptedAt, "number");
    const categories = parseEventCategories(toBob.body).categories;
    assert.equal(categories.length, 1);
    assert.equal(categories[0].container, undefined, "watchers are not told the container");
    assert.equal(categories[0].content?.children[0].text, "lunch");
    const self = parseRoamingData(notes.find((n) => n.subscriptionId === "self")!.body);
    assert.equal(self.categories?.categories[0].container, 200);
    assert.equal(self.categories?.categories[0].version, 1);
    // A container change re-evaluates watchers: Bob into 32000 loses the note.
    notes.length = 0;
    engine.service({
      user: ALICE,
      endpointId: "ep1",
      contentType: PRES_CONTENT_TYPES.setContainerMembers,
      body: formatSetContainerMembers([
        {
          id: 32000,
          version: 0,
          members: [{ action: "add", type: "user", value: "bob@lab.test" }],
        },
      ]),
    });
    const bobNow = notes.find((n) => n.subscriptionId === "bob")!;
    assert.deepEqual(parseEventCategories(bobNow.body).categories, [{ name: "note", instance: 0 }]);
    const selfNow = parseRoamingData(notes.find((n) => n.subscriptionId === "self")!.body);
    assert.equal(selfNow.containers?.find((c) => c.id === 32000)?.members[0].value, "bob@lab.test");
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: batched subscription — rlmi states, parts, subscribers with context", () => {
  const { engine, wheel, notes } = testEngine();
  try {
    publish(
      engine,
      CAROL,
      publishBody(CAROL, [
        notePublication(200, 0, "hello"),
        statePublication("machineState", 1, 3500, 0),
      ]),
    );
    engine.subscribe({
      id: "cs",
      watcher: CAROL,
      event: "vnd-microsoft-roaming-self",
      target: CAROL,
      expires: 600,
    });
    const body = formatBatchSubscribe({
      uri: ALICE,
      action: "subscribe",
      id: "1",
      resources: [
        { uri: CAROL, context: true },
        { uri: "sip:nobody@lab.test", context: false },
        { uri: "sip:frank@pool2.lab.test", context: false },
      ],
      categories: ["note", "state"],
    });
    const outcome = engine.subscribe({
      id: "batch",
      watcher: ALICE,
      event: "presence",
      target: ALICE,
      contentType: PRES_CONTENT_TYPES.batchSubscribe,
      body,
      expires: 600,
    });
    assert.ok(outcome.ok);
    const batch = parseBatchedNotify(outcome.content.contentType, outcome.content.body);
    assert.deepEqual(
      batch.list.resources.map((r) => [r.uri, r.state, r.poolFqdn ?? r.reason ?? r.cid]),
      [
        [CAROL, "active", "carol@lab.test"],
        ["sip:nobody@lab.test", "terminated", "noresource"],
        ["sip:frank@pool2.lab.test", "resubscribe", "pool2.lab.test"],
      ],
    );
    assert.equal(batch.parts.length, 1);
    assert.deepEqual(batch.parts[0].categories.categories.map((c) => c.name).sort(), [
      "note",
      "state",
    ]);
    const carolState = batch.parts[0].categories.categories.find((c) => c.name === "state");
    assert.equal(readState(carolState!.content!)?.availability, 3500);
    // Carol's endpoints learn of the new subscriber (acknowledged false) …
    const prompt = parseRoamingData(notes.find((n) => n.subscriptionId === "cs")!.body);
    assert.deepEqual(prompt.subscribers, [{
      user: "alice@lab.test",
      acknowledged: false,
      type: "sameEnterprise",
    }]);
    // … and acknowledge it: the entry is dropped; a second acknowledgement is a 400.
    const ack = () =>
      engine.service({
        user: CAROL,
        endpointId: "c1",
        contentType: PRES_CONTENT_TYPES.setSubscribers,
        body: formatSetSubscribers("alice@lab.test"),
      });
    assert.ok(ack().ok);
    assert.deepEqual(engine.snapshot(CAROL)!.subscribers, []);
    const refusal = refusalOf(ack());
    assert.deepEqual([refusal.status, refusal.errorId], [400, 2000]);
    // A later change reaches the batch as a single categories document.
    notes.length = 0;
    publish(engine, CAROL, publishBody(CAROL, [notePublication(200, 1, "bye")]));
    const change = notes.find((n) => n.subscriptionId === "batch")!;
    assert.equal(change.contentType, PRES_CONTENT_TYPES.eventCategories);
    assert.equal(parseEventCategories(change.body).categories[0].content?.children[0].text, "bye");
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: roaming contacts — full list, deltas, deltaNum and group rules", () => {
  const { engine, wheel, notes } = testEngine();
  try {
    const first = engine.subscribe({
      id: "rc",
      watcher: ALICE,
      event: "vnd-microsoft-roaming-contacts",
      target: ALICE,
      expires: 600,
    });
    assert.ok(first.ok);
    assert.deepEqual(parseContactList(first.content.body), {
      deltaNum: 1,
      groups: [{ id: 1, name: "~", externalURI: "" }],
      contacts: [],
    });
    const soap = (op: Parameters<typeof formatContactOperation>[0]) =>
      engine.service({
        user: ALICE,
        endpointId: "a",
        contentType: "application/SOAP+xml",
        body: formatContactOperation(op),
      });
    const added = soap({ kind: "addGroup", deltaNum: 1, name: "Team" });
    assert.ok(added.ok && added.body?.text.includes("<m:groupID>2</m:groupID>"));
    assert.ok(
      soap({
        kind: "setContact",
        deltaNum: 2,
        contact: { uri: BOB, name: "Bob", groups: [2], subscribed: true },
      }).ok,
    );
    const before = engine.snapshot(ALICE);
    const refusals: Array<[ContactOperation, number, number]> = [
      [{ kind: "deleteGroup", deltaNum: 2, id: 2 }, 409, 2141],
      [{ kind: "deleteGroup", deltaNum: 3, id: 2 }, 400, 2002],
      [{ kind: "deleteGroup", deltaNum: 3, id: 1 }, 403, 2002],
      [{ kind: "addGroup", deltaNum: 3, name: "Team" }, 400, 2015],
      [{ kind: "deleteContact", deltaNum: 3, uri: CAROL }, 400, 2001],
      [
        { kind: "setContact", deltaNum: 3, contact: { uri: CAROL, groups: [9], subscribed: true } },
        400,
        2002,
      ],
    ];
    for (const [op, status, errorId] of refusals) {
      const refusal = refusalOf(soap(op));
      assert.deepEqual([refusal.status, refusal.errorId], [status, errorId], JSON.stringify(op));
      assert.deepEqual(engine.snapshot(ALICE), before);
    }
    assert.deepEqual(
      notes.map((n) => parseContactDelta(n.body)).map((
        d,
      ) => [d.prevDeltaNum, d.deltaNum, d.changes[0].kind]),
      [[1, 2, "addedGroup"], [2, 3, "addedContact"]],
    );
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: bad input — the right status and ErrorId, and the store unchanged", () => {
  const { engine, wheel, notes } = testEngine({
    limits: { maxBodyBytes: 2048, maxPublications: 2, maxBatchResources: 2 },
  });
  try {
    publish(
      engine,
      ALICE,
      publishBody(ALICE, [
        notePublication(200, 0, "keep"),
        statePublication("machineState", 1, 3500, 0),
      ]),
    );
    engine.subscribe({ id: "bob", watcher: BOB, event: "presence", target: ALICE, expires: 600 });
    const before = engine.snapshot(ALICE);
    notes.length = 0;
    const cases: Array<
      [string, () => PresenceOutcome | ReturnType<PresenceEngine["subscribe"]>, number, number]
    > = [
      [
        "malformed XML",
        () => publish(engine, ALICE, "<publish xmlns='x'><publications>"),
        400,
        4001,
      ],
      [
        "category content not the category",
        () =>
          publish(
            engine,
            ALICE,
            publishBody(ALICE, [{ ...notePublication(200, 1, "x"), categoryName: "state" }]),
          ),
        400,
        4001,
      ],
      [
        "wrong content type",
        () =>
          engine.service({ user: ALICE, endpointId: "e", contentType: "text/plain", body: "hi" }),
        415,
        4013,
      ],
      [
        "unknown container",
        () => publish(engine, ALICE, publishBody(ALICE, [notePublication(250, 1, "x")])),
        400,
        4000,
      ],
      [
        "stale version",
        () => publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 7, "x")])),
        409,
        2141,
      ],
      [
        "aggregate is read-only",
        () =>
          publish(
            engine,
            ALICE,
            publishBody(ALICE, [{ ...statePublication("userState", 0, 3500, 1), container: 200 }]),
          ),
        403,
        2003,
      ],
      [
        "publishing for someone else",
        () => publish(engine, ALICE, publishBody(BOB, [notePublication(200, 1, "x")])),
        403,
        2004,
      ],
      [
        "oversize body",
        () =>
          publish(engine, ALICE, publishBody(ALICE, [notePublication(200, 1, "x".repeat(3000))])),
        413,
        2010,
      ],
      [
        "too many publications",
        () =>
          publish(
            engine,
            ALICE,
            publishBody(
              ALICE,
              [1, 2, 3].map((i) => ({ ...notePublication(400, 0, "x"), instance: i })),
            ),
          ),
        413,
        2010,
      ],
      [
        "subscription to an unknown user",
        () =>
          engine.subscribe({
            id: "x1",
            watcher: BOB,
            event: "presence",
            target: "sip:ghost@lab.test",
            expires: 60,
          }),
        404,
        4005,
      ],
      [
        "batch too big",
        () =>
          engine.subscribe({
            id: "x2",
            watcher: BOB,
            event: "presence",
            target: BOB,
            contentType: PRES_CONTENT_TYPES.batchSubscribe,
            body: formatBatchSubscribe({
              uri: BOB,
              action: "subscribe",
              id: "1",
              resources: [ALICE, CAROL, EVE].map((uri) => ({ uri, context: false })),
              categories: ["state"],
            }),
            expires: 60,
          }),
        413,
        2012,
      ],
      [
        "batch addressed to a contact",
        () =>
          engine.subscribe({
            id: "x3",
            watcher: BOB,
            event: "presence",
            target: ALICE,
            contentType: PRES_CONTENT_TYPES.batchSubscribe,
            body: presFixture("batch_subscribe.xml"),
            expires: 60,
          }),
        403,
        2004,
      ],
      [
        "self subscription to another user",
        () =>
          engine.subscribe({
            id: "x4",
            watcher: BOB,
            event: "vnd-microsoft-roaming-self",
            target: ALICE,
            expires: 60,
          }),
        403,
        2004,
      ],
      [
        "unknown container in setContainerMembers",
        () =>
          engine.service({
            user: ALICE,
            endpointId: "e",
            contentType: PRES_CONTENT_TYPES.setContainerMembers,
            body: formatSetContainerMembers([{ id: 7, version: 0, members: [] }]),
          }),
        400,
        4000,
      ],
      [
        "setSubscribers for a stranger",
        () =>
          engine.service({
            user: ALICE,
            endpointId: "e",
            contentType: PRES_CONTENT_TYPES.setSubscribers,
            body: formatSetSubscribers("x@lab.test"),
          }),
        400,
        2000,
      ],
    ];
    for (const [name, run, status, errorId] of cases) {
      const outcome = run();
      assert.equal(outcome.ok, false, name);
      const refusal = (outcome as { refusal: { status: number; errorId: number } }).refusal;
      assert.deepEqual([refusal.status, refusal.errorId], [status, errorId], name);
      assert.deepEqual(engine.snapshot(ALICE), before, `${name}: store re-read`);
    }
    assert.equal(notes.length, 0, "no refused request notified anyone");
    assert.equal(engine.snapshot(BOB)?.subscribers.length ?? 0, 0);
    assert.equal(engine.subscriptionCount, 1, "refused subscriptions hold nothing");
  } finally {
    engine.clear();
    wheel.stop();
  }
});

Deno.test("engine: a batchSub with action unsubscribe takes resources out of the batch", () => {
  const { engine, wheel, notes } = testEngine();
  try {
    const batch = (action: "subscribe" | "unsubscribe", resources: string[]) =>
      engine.subscribe({
        id: "b",
        watcher: ALICE,
        event: "presence",
        target: ALICE,
        contentType: PRES_CONTENT_TYPES.batchSubscribe,
        body: formatBatchSubscribe({
          uri: ALICE,
          action,
          id: "7",
          resources: resources.map((uri) => ({ uri, context: false })),
          categories: ["note"],
        }),
        expires: 600,
      });
    assert.ok(batch("subscribe", [BOB, CAROL]).ok);
    const out = batch("unsubscribe", [BOB]);
    assert.ok(out.ok);
    const list = parseBatchedNotify(out.content.contentType, out.content.body).list;
    assert.equal(list.fullState, false);
    assert.deepEqual(list.resources.map((r) => [r.uri, r.state, r.reason]), [
      [BOB, "terminated", "deactivated"],
    ]);
    publish(engine, BOB, publishBody(BOB, [notePublication(200, 0, "b")]));
    publish(engine, CAROL, publishBody(CAROL, [notePublication(200, 0, "c")]));
    assert.deepEqual(notes.map((n) => n.publisher), [CAROL]);
    const unknown = engine.subscribe({
      id: "nope",
      watcher: ALICE,
      event: "presence",
      target: ALICE,
      contentType: PRES_CONTENT_TYPES.batchSubscribe,
      body: formatBatchSubscribe({
        uri: ALICE,
        action: "unsubscribe",
        id: "8",
        resources: [{ uri: BOB, context: false }],
        categories: ["note"],
      }),
      expires: 600,
    });
    assert.equal(unknown.ok, false);
  } finally {
    engine.clear();
    wheel.stop();
  }
});
