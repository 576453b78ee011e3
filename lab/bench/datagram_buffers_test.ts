import assert from "node:assert/strict";
import {
  grantedSocketBuffer,
  measureDatagramBuffers,
  parseSkmemBuffers,
} from "./datagram_buffers.ts";
import { readSocketBufferSysctls } from "./socket_buffer_sysctls.ts";

Deno.test("parseSkmemBuffers: rb and tb of ss -m output, by name, not by position", () => {
  const ss = "UNCONN 0      0          127.0.0.1:5099      0.0.0.0:*\n" +
    "\t skmem:(r0,rb8388608,t0,tb8388608,f0,w0,o0,bl0,d0)\n";
  assert.deepEqual(parseSkmemBuffers(ss), { receive: 8_388_608, send: 8_388_608 });
  assert.deepEqual(parseSkmemBuffers("skmem:(tb4096,r0,rb212992)"), {
    receive: 212_992,
    send: 4096,
  });
  assert.equal(parseSkmemBuffers("skmem:(r0,rb212992,t0)"), undefined);
  assert.equal(parseSkmemBuffers(""), undefined);
});

Deno.test("grantedSocketBuffer: socket(7) caps the request at the max, then doubles it", () => {
  assert.equal(grantedSocketBuffer(4_194_304, 4_194_304), 8_388_608);
  assert.equal(grantedSocketBuffer(4_194_304, 212_992), 425_984);
  assert.equal(grantedSocketBuffer(65_536, 212_992), 131_072);
});

// Reading a socket back needs `ss` (iproute2).
const ssAvailable = await new Deno.Command("ss", { args: ["-V"], stdout: "null", stderr: "null" })
  .output().then((out) => out.success, () => false);

Deno.test({
  name: "measureDatagramBuffers: a Deno UDP socket gets the kernel's defaults as they are",
  ignore: !ssAvailable,
  async fn() {
    const measured = await measureDatagramBuffers();
    const kernel = await readSocketBufferSysctls();
    assert.deepEqual(measured, { receive: kernel.rmem_default, send: kernel.wmem_default });
  },
});
