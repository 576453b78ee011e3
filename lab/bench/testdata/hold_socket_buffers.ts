/**
 * For socket_buffer_sysctls_test.ts: `hold_socket_buffers.ts <dir>` raises the four sysctls
 * in `<dir>` (a stand-in for /proc/sys/net/core) to 4096, prints `raised`, then waits (at most
 * 10 s) for the test to interrupt it.
 */
import { withSocketBuffers } from "../socket_buffer_sysctls.ts";

const [dir] = Deno.args;
await withSocketBuffers(
  { rmem_max: 4096, wmem_max: 4096, rmem_default: 4096, wmem_default: 4096 },
  async (scope) => {
    console.log(scope.raised ? "raised" : `not raised: ${scope.why}`);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  },
  { dir, privileged: true },
);
