import assert from "node:assert/strict";
import { freeLoopbackPort, isLoopbackHost, isPortBound } from "./loopback_ports.ts";

Deno.test("isPortBound: a bound UDP socket and a TCP listener, not a connected TCP client", async () => {
  const udp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: tcp.addr.port });
  const accepted = await tcp.accept();
  try {
    assert.equal(await isPortBound((udp.addr as Deno.NetAddr).port, "udp"), true);
    assert.equal(await isPortBound(tcp.addr.port, "tcp"), true);
    // The client's local port carries an established connection, not a listener.
    assert.equal(await isPortBound((client.localAddr as Deno.NetAddr).port, "tcp"), false);
  } finally {
    client.close();
    accepted.close();
    udp.close();
    tcp.close();
  }
});

Deno.test("freeLoopbackPort: returns a port that can be bound right away", () => {
  for (const transport of ["udp", "tcp"] as const) {
    const port = freeLoopbackPort(transport);
    assert.ok(port > 0 && port < 65536);
    const socket = transport === "udp"
      ? Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port })
      : Deno.listen({ hostname: "127.0.0.1", port });
    socket.close();
  }
});

Deno.test("isLoopbackHost: only 127/8, ::1 and localhost", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ["192.0.2.1", "0.0.0.0", "::", "lab.example", "127.0.0.1.example"]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});
