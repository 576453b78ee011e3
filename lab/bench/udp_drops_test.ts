import assert from "node:assert/strict";
import { parseUdpCounters, readUdpCounters, udpCountersDelta } from "./udp_drops.ts";

// The layout of Linux 6.x /proc/net/snmp (UdpLite rows must not be taken for Udp).
const SNMP = [
  "Tcp: RtoAlgorithm RtoMin",
  "Tcp: 1 200",
  "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors",
  "Udp: 79335 118 7 79510 5 2 0",
  "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors",
  "UdpLite: 0 0 0 0 0 0 0",
  "",
].join("\n");

Deno.test("parseUdpCounters: named columns of the Udp rows", () => {
  assert.deepEqual(parseUdpCounters(SNMP), { rcvbufErrors: 5, sndbufErrors: 2, noPorts: 118 });
  assert.equal(parseUdpCounters("Tcp: A\nTcp: 1\n"), undefined);
});

Deno.test("udpCountersDelta: after − before; undefined when either is missing", () => {
  const before = { rcvbufErrors: 5, sndbufErrors: 2, noPorts: 118 };
  assert.deepEqual(
    udpCountersDelta(before, { rcvbufErrors: 9, sndbufErrors: 2, noPorts: 120 }),
    { rcvbufErrors: 4, sndbufErrors: 0, noPorts: 2 },
  );
  assert.equal(udpCountersDelta(undefined, before), undefined);
});

Deno.test({
  name: "readUdpCounters: this machine's counters",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const counters = await readUdpCounters();
    assert.ok(counters !== undefined && counters.rcvbufErrors >= 0);
  },
});
