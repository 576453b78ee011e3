import assert from "node:assert/strict";
import { SipRequest } from "../message/message.ts";
import type { Destination } from "../transaction/mod.ts";
import { nextHop } from "./next_hop.ts";

function bye(uri: string, route?: string): SipRequest {
  const req = new SipRequest("BYE", uri);
  if (route !== undefined) req.addHeader("Route", route);
  return req;
}

const source: Destination = { protocol: "tcp", host: "192.0.2.4", port: 40512, flowId: "c7" };

Deno.test("§8.1.2: the Request-URI when it names an IP address, transport from its parameter", () => {
  assert.deepEqual(nextHop(bye("sip:alice@192.0.2.4:5070"), undefined, "UDP"), {
    protocol: "UDP",
    host: "192.0.2.4",
    port: 5070,
  });
  assert.deepEqual(nextHop(bye("sip:alice@192.0.2.4;transport=tcp"), undefined, "UDP"), {
    protocol: "TCP",
    host: "192.0.2.4",
    port: 5060,
  });
  assert.deepEqual(nextHop(bye("sips:alice@[2001:db8::4]"), undefined, "UDP"), {
    protocol: "TLS",
    host: "[2001:db8::4]",
    port: 5061,
  });
  // No transport parameter: the protocol the dialog was set up over.
  assert.deepEqual(nextHop(bye("sip:alice@192.0.2.4:5070"), source, "UDP"), {
    protocol: "tcp",
    host: "192.0.2.4",
    port: 5070,
  });
});

Deno.test("§8.1.2: the first Route entry wins over the Request-URI", () => {
  const req = bye("sip:alice@192.0.2.4:5070", "<sip:192.0.2.77:5080;lr>, <sip:192.0.2.78;lr>");
  assert.deepEqual(nextHop(req, undefined, "UDP"), {
    protocol: "UDP",
    host: "192.0.2.77",
    port: 5080,
  });
});

Deno.test("host names fall back to the dialog's peer; its own address keeps its connection", () => {
  assert.equal(nextHop(bye("sip:alice@atlanta.example.com"), source, "UDP"), source);
  assert.equal(nextHop(bye("sip:alice@atlanta.example.com"), undefined, "UDP"), undefined);
  assert.equal(nextHop(bye("sip:alice@192.0.2.4:40512;transport=tcp"), source, "UDP"), source);
});
