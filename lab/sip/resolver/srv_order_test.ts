import { deepEqual, equal } from "node:assert/strict";
import type { SrvRecord } from "./dns_lookup.ts";
import { orderSrvRecords } from "./srv_order.ts";

function srv(target: string, priority: number, weight: number, port = 5060): SrvRecord {
  return { priority, weight, port, target };
}

/** A random source returning the given numbers in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error("random sequence exhausted");
    return values[i++];
  };
}

/** The number in [0, 1) that makes the RFC 2782 draw pick the integer `drawn` out of 0..total. */
function drawing(drawn: number, total: number): number {
  return (drawn + 0.5) / (total + 1);
}

const targets = (records: SrvRecord[]) => records.map((r) => r.target);

Deno.test("SRV order: lower priority always first, whatever the weights (RFC 2782)", () => {
  const records = [srv("backup", 20, 1000), srv("main", 10, 0), srv("spare", 30, 5)];
  for (const r of [0, 0.5, 0.999]) {
    deepEqual(targets(orderSrvRecords(records, () => r)), ["main", "backup", "spare"]);
  }
});

Deno.test("SRV order: each integer draw 0..sum picks by running sum, weight 0 only on 0", () => {
  // Zero-weight records go first; with weights 0, 10, 30 the draw R in 0..40 picks
  // "zero" for R = 0, "ten" for R = 1..10 and "thirty" for R = 11..40.
  const records = [srv("thirty", 10, 30), srv("zero", 10, 0), srv("ten", 10, 10)];
  const firstPicks = new Map<string, number>();
  for (let drawn = 0; drawn <= 40; drawn++) {
    // Later draws do not matter here: always 0.
    const first = orderSrvRecords(records, sequence(drawing(drawn, 40), 0, 0))[0].target;
    firstPicks.set(first, (firstPicks.get(first) ?? 0) + 1);
  }
  deepEqual(Object.fromEntries(firstPicks), { zero: 1, ten: 10, thirty: 30 });
});

Deno.test("SRV order: known sequence of draws (RFC 2782 selection repeated)", () => {
  const records = [srv("a", 1, 10), srv("b", 1, 20), srv("c", 1, 30), srv("d", 2, 0)];
  // Round 1: list a(10) b(20) c(30), total 60, R = 35 → running 10, 30, 60 → c.
  // Round 2: a(10) b(20), total 30, R = 11 → running 10, 30 → b. Round 3: a alone.
  // Priority 2: d alone.
  const order = orderSrvRecords(
    records,
    sequence(drawing(35, 60), drawing(11, 30), drawing(0, 10), drawing(0, 0)),
  );
  deepEqual(targets(order), ["c", "b", "a", "d"]);
});

Deno.test("SRV order: all weights zero keeps the answer's order; input is not changed", () => {
  const records = [srv("x", 5, 0), srv("y", 5, 0), srv("z", 5, 0)];
  const copy = structuredClone(records);
  deepEqual(targets(orderSrvRecords(records, () => 0.7)), ["x", "y", "z"]);
  deepEqual(records, copy);
});

Deno.test("SRV order: a random source at the top of its range still picks a record", () => {
  const order = orderSrvRecords([srv("a", 0, 1), srv("b", 0, 1)], () => 1);
  equal(order.length, 2);
  deepEqual(targets(order).sort(), ["a", "b"]);
});
