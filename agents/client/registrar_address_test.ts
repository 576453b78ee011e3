import assert from "node:assert/strict";
import { registrarAddress } from "./registrar_address.ts";

Deno.test("registrarAddress reads the Director's 301 Contact (MS-SIPREGE §5)", () => {
  assert.deepEqual(registrarAddress("<sip:pool.fqdn:5061;transport=tls>"), {
    protocol: "tls",
    host: "pool.fqdn",
    port: 5061,
  });
});

Deno.test("registrarAddress defaults: TLS on 5061, TCP on 5060, sips is TLS", () => {
  assert.deepEqual(registrarAddress("sip:pool2.contoso.com"), {
    protocol: "tls",
    host: "pool2.contoso.com",
    port: 5061,
  });
  assert.deepEqual(registrarAddress("sip:127.0.0.1;transport=TCP"), {
    protocol: "tcp",
    host: "127.0.0.1",
    port: 5060,
  });
  assert.equal(registrarAddress("sips:[::1]:5071")?.protocol, "tls");
});

Deno.test("registrarAddress refuses UDP (MS-CONMGMT §2.1), tel: and garbage", () => {
  assert.equal(registrarAddress("sip:pool;transport=udp"), undefined);
  assert.equal(registrarAddress("tel:+15550100"), undefined);
  assert.equal(registrarAddress("<not a uri>"), undefined);
});
