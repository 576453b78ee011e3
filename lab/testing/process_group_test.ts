import assert from "node:assert/strict";
import { parseShellTimes, spawnToolGroup, type ToolGroupOptions } from "./process_group.ts";

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-pg-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function options(dir: string, extra: Partial<ToolGroupOptions> = {}): ToolGroupOptions {
  return { workDir: dir, killAfterMs: 10_000, ...extra };
}

async function processExists(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // A zombie (state Z) is already dead, only not yet reaped.
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test("parseShellTimes: dash and bash `times` output, children line", () => {
  assert.equal(parseShellTimes("0m0.000000s 0m0.000000s\n0m0.180000s 0m0.310000s\n"), 490);
  assert.equal(parseShellTimes("0m0.001s 0m0.002s\n1m2.500s 0m0.250s\n"), 62_750);
  assert.equal(parseShellTimes("0m0.000000s 0m0.000000s\n"), undefined);
  assert.equal(parseShellTimes(""), undefined);
});

Deno.test("spawnToolGroup: exit code, output and CPU time of a finished tool", async () => {
  await withDir(async (dir) => {
    const script = 'i=0; while [ "$i" -lt 150000 ]; do i=$((i+1)); done; echo done; exit 3';
    const tool = spawnToolGroup("sh", ["-c", script], options(dir));
    const exit = await tool.exited;
    assert.equal(exit.code, 3);
    assert.equal(exit.killedByHarness, false);
    assert.ok(exit.cpuMs > 0, `a 150k-iteration shell loop used CPU: ${exit.cpuMs}`);
    assert.equal(tool.stdout(), "done\n");
    assert.equal(tool.done, true);
  });
});

Deno.test("spawnToolGroup: signals reach the tool itself, not the wrapper", async () => {
  await withDir(async (dir) => {
    const tool = spawnToolGroup("sleep", ["30"], options(dir));
    const pid = await tool.toolPid();
    assert.equal(await processExists(pid), true);
    await tool.signal("SIGTERM");
    const exit = await tool.exited;
    // The wrapper reports its child's death by SIGTERM as 128 + 15, and was not killed itself.
    assert.equal(exit.code, 143);
    assert.equal(exit.signal, null);
    assert.equal(exit.killedByHarness, false);
  });
});

Deno.test("spawnToolGroup: the guard SIGKILLs the whole group, tool included", async () => {
  await withDir(async (dir) => {
    const tool = spawnToolGroup("sleep", ["30"], options(dir, { killAfterMs: 300 }));
    const pid = await tool.toolPid();
    const exit = await tool.exited;
    assert.equal(exit.killedByHarness, true);
    assert.equal(exit.signal, "SIGKILL");
    assert.equal(await processExists(pid), false);
  });
});

Deno.test("spawnToolGroup: waitForOutput resolves on the pattern, rejects on early exit", async () => {
  await withDir(async (dir) => {
    const tool = spawnToolGroup("sh", ["-c", "echo 'Capturing on lo' >&2; sleep 30"], options(dir));
    try {
      await tool.waitForOutput(/Capturing on/, 5000);
    } finally {
      await tool.killGroup();
      await tool.exited;
    }
  });
  await withDir(async (dir) => {
    const tool = spawnToolGroup("sh", ["-c", "echo nope >&2; exit 2"], options(dir));
    await assert.rejects(tool.waitForOutput(/Capturing on/, 5000), /exited \(code 2\)/);
    await tool.exited;
  });
});

Deno.test("spawnToolGroup: cpuCore pins the tool with taskset", async () => {
  await withDir(async (dir) => {
    const tool = spawnToolGroup(
      "grep",
      ["Cpus_allowed_list", "/proc/self/status"],
      options(dir, { cpuCore: 0 }),
    );
    await tool.exited;
    assert.match(tool.stdout(), /Cpus_allowed_list:\s+0\n/);
  });
});
