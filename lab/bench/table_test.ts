import assert from "node:assert/strict";
import { rowRatio } from "./figure.ts";
import { formatBenchTable, formatValue } from "./table.ts";

Deno.test("formatValue: separators, decimals, missing values", () => {
  assert.equal(formatValue(19_250.4), "19,250");
  assert.equal(formatValue(0.04321, 3), "0.043");
  assert.equal(formatValue(undefined), "—");
  assert.equal(formatValue(Number.NaN), "—");
});

Deno.test("rowRatio: ours / peer, only when both exist", () => {
  const peer = { kind: "same-run" as const, name: "SIPp", value: 8000 };
  assert.equal(rowRatio({ figure: "x", ours: 2000, peer }), 0.25);
  assert.equal(rowRatio({ figure: "x", peer }), undefined);
  assert.equal(rowRatio({ figure: "x", ours: 1, peer: { kind: "none" } }), undefined);
  assert.equal(rowRatio({ figure: "x", ours: 1, peer: { ...peer, value: 0 } }), undefined);
});

Deno.test("formatBenchTable: one aligned table; references labelled; notes after it", () => {
  const table = formatBenchTable([
    {
      figure: "calls/s",
      ours: 2000,
      peer: { kind: "same-run", name: "SIPp", value: 8000 },
      note: "lab: 2000✓",
    },
    {
      figure: "parser (msg/s)",
      ours: 200_000,
      peer: { kind: "reference", name: "naive", value: 250_000, source: "notes" },
    },
    { figure: "lateness (ms)", ours: 3.5, peer: { kind: "none" }, decimals: 2 },
    { figure: "arrivals/s", ours: 9990, peer: { kind: "target", value: 10_000 } },
  ]);
  const lines = table.split("\n");
  assert.equal(
    lines[0],
    "| figure         |    ours | peer                                   | peer figure (same run) | ratio (ours/peer) |",
  );
  assert.match(lines[1], /^\| -+ \| -+: \| -+ \| -+: \| -+: \|$/);
  assert.equal(
    lines[2],
    "| calls/s        |   2,000 | SIPp                                   |                  8,000 |              0.25 |",
  );
  assert.match(
    lines[3],
    /\| naive: reference \(notes\), not same run \|\s+250,000 \(ref\) \|\s+0\.80 \(ref\) \|$/,
  );
  assert.match(lines[4], /\| lateness \(ms\) {2}\| {4}3\.50 \| —\s+\|\s+— \|\s+— \|$/);
  assert.match(lines[5], /\| target\s+\|\s+10,000 \|\s+1\.00 \|$/);
  assert.equal(new Set(lines.slice(0, 6).map((l) => l.length)).size, 1, "columns aligned");
  assert.deepEqual(lines.slice(6), ["", "- calls/s: lab: 2000✓"]);
});
