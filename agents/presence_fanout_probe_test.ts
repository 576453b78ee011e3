/**
 * The fan-out probe on a hand-driven clock: a publication waits for the watchers subscribed
 * when it was sent, each watcher's first notification about the publisher is one sample, the
 * last one closes the publication; a superseded or abandoned publication is handled.
 */
import assert from "node:assert/strict";
import { FanoutProbe, type FanoutSamples } from "./presence_fanout_probe.ts";

function recorder() {
  const seen = { perWatcher: [] as number[], perPublication: [] as number[], superseded: 0 };
  const samples: FanoutSamples = {
    perWatcher: (ms) => seen.perWatcher.push(ms),
    perPublication: (ms) => seen.perPublication.push(ms),
    superseded: () => seen.superseded++,
  };
  return { seen, samples };
}

Deno.test("fan-out probe: per watcher and per publication, from SERVICE sent", () => {
  let now = 1000;
  const { seen, samples } = recorder();
  const probe = new FanoutProbe(samples, () => now);
  probe.watch("sip:bob@lab.test", ["sip:alice@lab.test"]);
  probe.watch("<sip:Carol@lab.test>", ["sip:alice@lab.test"]);
  probe.published("sip:alice@lab.test");
  now = 1004;
  probe.notified("sip:bob@lab.test", "sip:alice@lab.test");
  probe.notified("sip:bob@lab.test", "sip:alice@lab.test"); // a second one is not the same sample
  now = 1010;
  probe.notified("sip:carol@lab.test", "sip:ALICE@lab.test");
  assert.deepEqual(seen.perWatcher, [4, 10]);
  assert.deepEqual(seen.perPublication, [10]);
  assert.equal(probe.pending, 0);
  // Nobody watches Bob: his publication waits for nothing.
  probe.published("sip:bob@lab.test");
  assert.equal(probe.pending, 0);
});

Deno.test("fan-out probe: superseded publications and watchers that leave", () => {
  let now = 0;
  const { seen, samples } = recorder();
  const probe = new FanoutProbe(samples, () => now);
  probe.watch("sip:bob@lab.test", ["sip:alice@lab.test"]);
  probe.watch("sip:carol@lab.test", ["sip:alice@lab.test"]);
  probe.published("sip:alice@lab.test");
  now = 5;
  probe.published("sip:alice@lab.test");
  assert.equal(seen.superseded, 1);
  now = 7;
  probe.notified("sip:bob@lab.test", "sip:alice@lab.test");
  // Carol signs out before hearing: the publication is complete with Bob's delay.
  probe.unwatch("sip:carol@lab.test");
  assert.deepEqual(seen.perWatcher, [2]);
  assert.deepEqual(seen.perPublication, [2]);
  assert.equal(probe.pending, 0);
});
