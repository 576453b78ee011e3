import assert from "node:assert/strict";
import { BenchUsageError, parseBenchArgs } from "./bench_args.ts";

const IDS = ["parser", "e2e", "runner"];

Deno.test("parseBenchArgs: defaults, --quick, --only in the bench's order", () => {
  assert.deepEqual(parseBenchArgs([], IDS), { quick: false, help: false });
  assert.deepEqual(parseBenchArgs(["--quick", "--only", "runner,parser"], IDS), {
    quick: true,
    only: ["parser", "runner"],
    help: false,
  });
  assert.deepEqual(parseBenchArgs(["--only=e2e", "--only", "parser"], IDS).only, ["parser", "e2e"]);
});

Deno.test("parseBenchArgs: unknown figures and options are usage errors", () => {
  assert.throws(() => parseBenchArgs(["--only", "parser,sign-in"], IDS), BenchUsageError);
  assert.throws(() => parseBenchArgs(["--only", "parser,sign-in"], IDS), /unknown figure sign-in/);
  assert.throws(() => parseBenchArgs(["--only", ","], IDS), /at least one figure/);
  assert.throws(() => parseBenchArgs(["--fast"], IDS), BenchUsageError);
  assert.throws(() => parseBenchArgs(["e2e"], IDS), BenchUsageError);
});
