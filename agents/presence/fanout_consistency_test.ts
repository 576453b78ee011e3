/**
 * MS-PRES.md §11 correctness checks under a random walk of publications, deletions and
 * container changes (seeded, bounded): each watcher's view rebuilt from the notifications it
 * received equals what the engine says it may see, and no watcher ever receives an instance
 * from a container it does not resolve to.
 */
import assert from "node:assert/strict";
import {
  type CategoryEntry,
  formatSetContainerMembers,
  parseEventCategories,
  PRES_CONTENT_TYPES,
} from "../../lab/protocols/pres/mod.ts";
import { writeXml } from "../../lab/protocols/xml/mod.ts";
import {
  ALICE,
  BOB,
  CAROL,
  EVE,
  notePublication,
  publishBody,
  testEngine,
} from "./test_support.ts";

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WATCHERS = [BOB, CAROL, EVE, "sip:dave@lab.test"];
const CONTAINERS = [100, 200, 300, 400];

Deno.test("fan-out: views rebuilt from notifications match the ACL after every step", () => {
  const { engine, wheel, notes } = testEngine();
  const next = random(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  try {
    for (const [i, watcher] of WATCHERS.entries()) {
      const first = engine.subscribe({
        id: `w${i}`,
        watcher,
        event: "presence",
        target: ALICE,
        expires: 3600,
      });
      assert.ok(first.ok);
    }
    const views = new Map(WATCHERS.map((w) => [w, new Map<string, string>()]));
    const versions = new Map<string, number>();
    const containerVersions = new Map<number, number>();
    /** Watcher checks with something visible / with a watcher that sees nothing. */
    let nonEmpty = 0, empty = 0;
    for (let step = 0; step < 300; step++) {
      const roll = next();
      if (roll < 0.7) {
        const container = pick(CONTAINERS);
        const instance = Math.floor(next() * 3);
        const key = `${container}/${instance}`;
        const version = versions.get(key) ?? 0;
        const remove = version > 0 && next() < 0.3;
        const publication = {
          ...notePublication(container, version, `s${step}`),
          instance,
          ...(remove ? { expires: 0, content: undefined } : {}),
        };
        assert.ok(
          engine.service({
            user: ALICE,
            endpointId: "e",
            contentType: PRES_CONTENT_TYPES.categoryPublish,
            body: publishBody(ALICE, [publication]),
          }).ok,
          `step ${step}`,
        );
        versions.set(key, remove ? 0 : version + 1);
      } else {
        const container = pick([...CONTAINERS, 32000]);
        const watcher = pick(WATCHERS);
        const action = next() < 0.6 ? "add" : "remove";
        const version = containerVersions.get(container) ?? 0;
        assert.ok(
          engine.service({
            user: ALICE,
            endpointId: "e",
            contentType: PRES_CONTENT_TYPES.setContainerMembers,
            body: formatSetContainerMembers([{
              id: container,
              version,
              members: [{ action, type: "user", value: watcher }],
            }]),
          }).ok,
          `step ${step}`,
        );
        for (const c of engine.snapshot(ALICE)!.containers) containerVersions.set(c.id, c.version);
      }
      for (const note of notes.splice(0)) {
        const view = views.get(note.watcher)!;
        for (const entry of parseEventCategories(note.body).categories) apply(view, entry);
      }
      for (const watcher of WATCHERS) {
        const allowed = engine.categoriesFor(watcher, ALICE).categories;
        const expected = new Map(
          allowed.map((e) => [`${e.name}/${e.instance}`, writeXml(e.content!)]),
        );
        assert.deepEqual(views.get(watcher), expected, `step ${step}: ${watcher}`);
        if (expected.size > 0) nonEmpty++;
        else empty++;
      }
    }
    assert.ok(nonEmpty > 100 && empty > 10, `the walk exercised both (${nonEmpty}, ${empty})`);
  } finally {
    engine.clear();
    wheel.stop();
  }
});

function apply(view: Map<string, string>, entry: CategoryEntry): void {
  const key = `${entry.name}/${entry.instance}`;
  if (entry.content === undefined) view.delete(key);
  else view.set(key, writeXml(entry.content));
}
