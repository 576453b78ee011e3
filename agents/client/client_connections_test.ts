import assert from "node:assert/strict";
import { SipRequest } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination, FlowCloseReason } from "../../lab/sip/transport/mod.ts";
import { ClientConnections } from "./client_connections.ts";

/** A plain TCP server that keeps every accepted connection and what it read. */
class RecordingServer {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly conns: Deno.Conn[] = [];
  readonly received: string[] = [];
  readonly #loops: Promise<void>[] = [];
  readonly #accepting: Promise<void>;

  constructor() {
    this.#accepting = (async () => {
      for await (const conn of this.listener) {
        const at = this.conns.push(conn) - 1;
        this.received.push("");
        this.#loops.push((async () => {
          const buf = new Uint8Array(4096);
          try {
            for (;;) {
              const n = await conn.read(buf);
              if (n === null) {
                conn.close(); // answer the client's FIN at once
                break;
              }
              this.received[at] += new TextDecoder().decode(buf.subarray(0, n));
            }
          } catch {
            // closed under us
          }
        })());
      }
    })();
  }

  get port(): number {
    return (this.listener.addr as Deno.NetAddr).port;
  }

  async close() {
    this.listener.close();
    await this.#accepting;
    for (const c of this.conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    await Promise.all(this.#loops);
  }
}

async function until(condition: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function options(request: string): SipRequest {
  return new SipRequest("OPTIONS", "sip:127.0.0.1")
    .addHeader("Via", "SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK" + request)
    .addHeader("From", "<sip:a@lab>;tag=1")
    .addHeader("To", "<sip:a@lab>")
    .addHeader("Call-ID", request)
    .addHeader("CSeq", "1 OPTIONS")
    .addHeader("Max-Forwards", "70");
}

Deno.test("one connection per open() to the same server, sends routed by flow id", async () => {
  const server = new RecordingServer();
  const wheel = new TimerWheel();
  const closed: [Destination, FlowCloseReason][] = [];
  const connections = new ClientConnections({
    protocol: "tcp",
    wheel,
    events: { onMessage: () => {}, onFlowClosed: (s, r) => closed.push([s, r]) },
  });
  try {
    const target = { protocol: "tcp", host: "127.0.0.1", port: server.port };
    const a = await connections.open(target);
    const b = await connections.open(target);
    assert.notEqual(a.remote.flowId, b.remote.flowId);
    assert.notEqual(a.local.port, b.local.port);
    assert.equal(connections.size, 2);
    await connections.send(options("first"), a.remote);
    await connections.send(options("second"), b.remote);
    await until(() => server.received.join("").includes("second"), "both requests");
    const [onA, onB] = server.received;
    assert.ok(onA.includes("Call-ID: first") !== onB.includes("Call-ID: first"));
    await assert.rejects(
      connections.send(options("x"), { ...target, flowId: "client-tcp-none" }),
      /no open client connection/,
    );

    // The server drops one connection: its flow is reported closed, the other stays.
    server.conns[0].close();
    await until(() => closed.length === 1, "the flow close");
    assert.equal(connections.size, 1);
  } finally {
    await connections.close();
    await server.close();
    wheel.stop();
  }
});

Deno.test("keep-alive: a double CRLF once the flow is idle for the interval", async () => {
  const server = new RecordingServer();
  const wheel = new TimerWheel();
  const connections = new ClientConnections({
    protocol: "tcp",
    wheel,
    events: { onMessage: () => {} },
  });
  try {
    const flow = await connections.open({ protocol: "tcp", host: "127.0.0.1", port: server.port });
    assert.ok(connections.armKeepAlive(flow.remote.flowId!, 30));
    await until(() => server.received[0]?.startsWith("\r\n\r\n") ?? false, "a ping");
    assert.equal(connections.armKeepAlive("client-tcp-none", 30), false);
  } finally {
    await connections.close();
    await server.close();
    wheel.stop();
  }
});

Deno.test("open() to a closed port rejects as connect-failed", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const wheel = new TimerWheel();
  const connections = new ClientConnections({ protocol: "tcp", wheel, events: { onMessage() {} } });
  try {
    await assert.rejects(
      connections.open({ protocol: "tcp", host: "127.0.0.1", port }),
      (e: Error & { code?: string }) => e.code === "connect-failed",
    );
  } finally {
    await connections.close();
    wheel.stop();
  }
});
