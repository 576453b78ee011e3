import assert from "node:assert/strict";
import { describeSocketBuffers } from "./e2e_udp_figure.ts";

const STOCK = {
  rmem_max: 212_992,
  wmem_max: 212_992,
  rmem_default: 212_992,
  wmem_default: 212_992,
};

Deno.test("describeSocketBuffers: raised, both pairs' buffers stated", () => {
  const note = describeSocketBuffers(
    {
      raised: true,
      values: {
        rmem_max: 4_194_304,
        wmem_max: 4_194_304,
        rmem_default: 8_388_608,
        wmem_default: 8_388_608,
      },
      previous: STOCK,
    },
    { receive: 8_388_608, send: 8_388_608 },
    4_194_304,
  );
  assert.match(note, /lab 8,388,608 B rcv \/ 8,388,608 B snd \(.*raised.*restored after/);
  assert.match(note, /SIPp -buff_size 4194304 → 8,388,608 B/);
});

Deno.test("describeSocketBuffers: not root, the lab ran with the default buffer", () => {
  const note = describeSocketBuffers(
    { raised: false, values: STOCK, why: "not root" },
    undefined,
    4_194_304,
  );
  assert.match(note, /lab ran with the default socket buffer: 212,992 B rcv \/ 212,992 B snd/);
  assert.match(note, /not root/);
  // SIPp's request is capped by the stock rmem_max, so its sockets are small too.
  assert.match(note, /SIPp -buff_size 4194304 → 425,984 B/);
});
