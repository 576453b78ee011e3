import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  readSocketBufferSysctls,
  SOCKET_BUFFER_SYSCTLS,
  type SocketBufferValues,
  withSocketBuffers,
} from "./socket_buffer_sysctls.ts";

const OLD: SocketBufferValues = {
  rmem_max: 4_194_304,
  wmem_max: 212_992,
  rmem_default: 212_992,
  wmem_default: 212_992,
};
const WANTED: SocketBufferValues = {
  rmem_max: 4096,
  wmem_max: 4096,
  rmem_default: 8192,
  wmem_default: 8192,
};

/** A stand-in for /proc/sys/net/core holding `values`, in the kernel's format. */
async function fakeSysctlDir(values: SocketBufferValues): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-sysctl-" });
  for (const name of SOCKET_BUFFER_SYSCTLS) {
    await Deno.writeTextFile(`${dir}/${name}`, `${values[name]}\n`);
  }
  return dir;
}

Deno.test("withSocketBuffers: raised inside, restored after, also when the body throws", async () => {
  const dir = await fakeSysctlDir(OLD);
  try {
    const seen = await withSocketBuffers(WANTED, async (scope) => {
      assert.deepEqual(await readSocketBufferSysctls(dir), WANTED);
      return scope;
    }, { dir, privileged: true });
    assert.deepEqual(seen, { raised: true, values: WANTED, previous: OLD });
    assert.deepEqual(await readSocketBufferSysctls(dir), OLD);

    await assert.rejects(
      withSocketBuffers(WANTED, () => Promise.reject(new Error("probe failed")), {
        dir,
        privileged: true,
      }),
      /probe failed/,
    );
    assert.deepEqual(await readSocketBufferSysctls(dir), OLD);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withSocketBuffers: without privilege nothing is written, and the body is told", async () => {
  const dir = await fakeSysctlDir(OLD);
  try {
    const seen = await withSocketBuffers(WANTED, async (scope) => {
      assert.deepEqual(await readSocketBufferSysctls(dir), OLD);
      return scope;
    }, { dir, privileged: false });
    assert.deepEqual(seen, { raised: false, values: OLD, why: "not root" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A read-only sysctl holding a byte-count-like number: readable, never writable, even by root. */
const READ_ONLY_SYSCTL = "/proc/sys/kernel/ngroups_max";

Deno.test("withSocketBuffers: a sysctl that cannot be read changes nothing", async () => {
  const dir = await fakeSysctlDir(OLD);
  try {
    await Deno.remove(`${dir}/wmem_default`);
    const scope = await withSocketBuffers(WANTED, (s) => Promise.resolve(s), {
      dir,
      privileged: true,
    });
    assert.equal(scope.raised, false);
    assert.match(scope.raised ? "" : scope.why, /cannot read .*wmem_default/);
    assert.deepEqual(
      await Promise.all(
        ["rmem_max", "wmem_max", "rmem_default"].map((n) => Deno.readTextFile(`${dir}/${n}`)),
      ),
      [`${OLD.rmem_max}\n`, `${OLD.wmem_max}\n`, `${OLD.rmem_default}\n`],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "withSocketBuffers: one that cannot be written: those written are put back at once",
  ignore: Deno.uid() !== 0,
  async fn() {
    const dir = await fakeSysctlDir(OLD);
    try {
      await Deno.remove(`${dir}/wmem_default`);
      await Deno.symlink(READ_ONLY_SYSCTL, `${dir}/wmem_default`);
      const unchanged = await readSocketBufferSysctls(dir);
      const scope = await withSocketBuffers(WANTED, async (s) => {
        assert.deepEqual(await readSocketBufferSysctls(dir), unchanged);
        return s;
      }, { dir, privileged: true });
      assert.equal(scope.raised, false);
      assert.match(scope.raised ? "" : scope.why, /could not write .*wmem_default/);
      assert.deepEqual(await readSocketBufferSysctls(dir), unchanged);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("withSocketBuffers: SIGINT restores the old values, then ends the process", async () => {
  const dir = await fakeSysctlDir(OLD);
  const script = fileURLToPath(new URL("./testdata/hold_socket_buffers.ts", import.meta.url));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", script, dir],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await lines.read();
    assert.equal(value?.trim(), "raised");
    assert.equal((await readSocketBufferSysctls(dir)).rmem_default, 4096);
    child.kill("SIGINT");
    const status = await child.status;
    await lines.cancel();
    await child.stderr.cancel();
    assert.equal(status.code, 130);
    assert.deepEqual(await readSocketBufferSysctls(dir), OLD);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await Deno.remove(dir, { recursive: true });
  }
});
