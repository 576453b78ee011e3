import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { validateCommand } from "./validate_command.ts";

const BASIC_CALL = fileURLToPath(new URL("../../scenarios/basic-call.yaml", import.meta.url));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

Deno.test("validate: ok for a valid file, located problems and exit 1 for a broken one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const broken = `${dir}/broken.yaml`;
    await Deno.writeTextFile(
      broken,
      (await Deno.readTextFile(BASIC_CALL)).replace("rate: 50", "rate: lots"),
    );
    const io = capture();
    assert.equal(await validateCommand([BASIC_CALL, broken, `${dir}/missing.yaml`], io.output), 1);
    assert.deepEqual(io.out, [`${BASIC_CALL}: ok — basic-call, constant-arrival-rate`]);
    assert.equal(io.err.length, 2);
    assert.match(
      io.err[0],
      new RegExp(`^${broken}: 1 problem\\n${broken}:\\d+:9: load\\.rate: must be a number$`),
    );
    assert.equal(io.err[1], `${dir}/missing.yaml: no such file`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validate: planned workloads are named; no file is a usage error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/planned.yaml`;
    await Deno.writeTextFile(
      file,
      "name: p\ntarget: { kind: lab, agents: { frontend: {} } }\npopulation: { count: 5 }\n" +
        "workloads: [{ kind: voicemail }, { kind: chat }, { kind: chat, name: chat2 }]\n" +
        "load: { executor: constant-users, users: 5, duration: 1m }\n",
    );
    const io = capture();
    assert.equal(await validateCommand([file], io.output), 0);
    assert.deepEqual(io.out, [
      `${file}: ok — p, constant-users (not available yet: voicemail, chat)`,
    ]);
    const usage = capture();
    assert.equal(await validateCommand([], usage.output), 2);
    assert.deepEqual(usage.err, ["usage: lab validate <scenario.yaml>..."]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
