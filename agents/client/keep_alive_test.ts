import assert from "node:assert/strict";
import { KEEP_ALIVE_PROPOSAL, negotiatedKeepAliveMs, parseKeepAlive } from "./keep_alive.ts";

Deno.test("parseKeepAlive reads the MS-CONMGMT capture of the server's answer", () => {
  assert.deepEqual(parseKeepAlive("UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300"), {
    role: "UAS",
    tcp: false,
    hopHop: true,
    endEnd: false,
    timeoutSeconds: 300,
  });
});

Deno.test("parseKeepAlive reads the client proposal and ignores generic params", () => {
  assert.deepEqual(parseKeepAlive(KEEP_ALIVE_PROPOSAL), { role: "UAC", hopHop: true });
  assert.deepEqual(parseKeepAlive("uac;x-vendor=1"), { role: "UAC" });
});

Deno.test("parseKeepAlive refuses an unknown role, a bad flag and a non-numeric timeout", () => {
  assert.equal(parseKeepAlive("PROXY;timeout=300"), undefined);
  assert.equal(parseKeepAlive("UAS;hop-hop=maybe"), undefined);
  assert.equal(parseKeepAlive("UAS;timeout=soon"), undefined);
});

Deno.test("negotiatedKeepAliveMs takes the UAS timeout, else the 60 s default", () => {
  assert.equal(negotiatedKeepAliveMs(["UAS; hop-hop=yes; timeout=300"]), 300_000);
  assert.equal(negotiatedKeepAliveMs(["UAS;timeout=bad", "UAS;timeout=2"]), 2_000);
  assert.equal(negotiatedKeepAliveMs([]), 60_000);
  assert.equal(negotiatedKeepAliveMs(["UAS;timeout=0"]), 60_000);
  assert.equal(negotiatedKeepAliveMs(["UAS;hop-hop=no;timeout=30"], 90), 90_000);
});
