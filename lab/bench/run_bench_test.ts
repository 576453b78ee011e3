import assert from "node:assert/strict";
import type { BenchFigure } from "./figure.ts";
import { runBench, writeBenchReport } from "./run_bench.ts";

const working: BenchFigure = {
  id: "working",
  title: "a figure that measures",
  run: (context) =>
    Promise.resolve({
      rows: [{
        figure: "things/s",
        ours: context.quick ? 10 : 20,
        peer: { kind: "same-run", name: "peer", value: 40 },
      }],
      details: { quick: context.quick },
    }),
};

const broken: BenchFigure = {
  id: "broken",
  title: "a figure that throws",
  run: () => Promise.reject(new Error("socket refused\nsecond line")),
};

Deno.test("runBench: every figure runs; a throwing one becomes an error row", async () => {
  const log: string[] = [];
  const report = await runBench([broken, working], { quick: true, log: (l) => log.push(l) });
  assert.deepEqual(report.figures.map((f) => f.id), ["broken", "working"]);
  const [failed, ok] = report.figures;
  assert.match(failed.error ?? "", /socket refused/);
  assert.deepEqual(failed.rows, [{
    figure: "broken: failed",
    peer: { kind: "none" },
    note: "Error: socket refused",
  }]);
  assert.equal(ok.error, undefined);
  assert.equal(ok.rows[0].ours, 10);
  assert.equal(ok.rows[0].ratio, 0.25);
  assert.deepEqual(ok.details, { quick: true });
  assert.equal(report.quick, true);
  assert.ok(log.includes("working: a figure that measures"));
});

Deno.test("writeBenchReport: results/bench-<timestamp>.json holds the report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-bench-" });
  try {
    const report = await runBench([working], { quick: false, log: () => {} });
    const path = await writeBenchReport(report, `${dir}/results`);
    assert.match(path, /\/results\/bench-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$/);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), report);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
