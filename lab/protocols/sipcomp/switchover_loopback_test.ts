/**
 * MS-SIPCOMP over real loopback connections (TCP, and TLS with the lab CA): the NEGOTIATE
 * exchange, the switch-over at the exact octet after the 200 OK in both directions (checked
 * against raw sockets), messages flowing compressed both ways afterwards, refusal, and
 * tear-down on corrupt data.
 */
import assert from "node:assert/strict";
import { type AnySipMessage, type SipRequest, SipResponse } from "../../sip/message/message.ts";
import { parseMessage } from "../../sip/message/parser.ts";
import { serializeMessage } from "../../sip/message/serializer.ts";
import { TimerWheel } from "../../sip/timer/mod.ts";
import type { Destination } from "../../sip/transport/destination.ts";
import type { StreamTransport } from "../../sip/transport/stream_transport.ts";
import { TcpTransport } from "../../sip/transport/tcp.ts";
import { TlsTransport } from "../../sip/transport/tls.ts";
import type { FlowCloseReason, TransportEvents } from "../../sip/transport/transport.ts";
import { createLabCa, issueServerCert } from "../../pki/mod.ts";
import { SipcompClientSession } from "./client_session.ts";
import { PACKET_AT_FRONT, PACKET_COMPRESSED, PACKET_FLUSHED } from "./mppc_codes.ts";
import { buildNegotiateRequest, buildNegotiateResponse, readNegotiateAnswer } from "./negotiate.ts";
import { FLAGS_LENGTH_FRAMING } from "./packet.ts";
import { SipcompServer } from "./server_session.ts";
import { SipcompStreamFilter } from "./sipcomp_filter.ts";
import type { SipcompCloseCause, SipcompMode } from "./switchover_actions.ts";
import { concatBytes, sipCorpus } from "./test_support.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 3000) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads from `conn` until `done(received)` holds or the peer closes. */
async function readUntil(
  conn: Deno.Conn,
  done: (received: Uint8Array) => boolean,
): Promise<Uint8Array> {
  const buf = new Uint8Array(65536);
  let received: Uint8Array = new Uint8Array(0);
  while (!done(received)) {
    const n = await conn.read(buf);
    if (n === null) break;
    received = concatBytes([received, buf.subarray(0, n)]);
  }
  return received;
}

/** A whole SIP message without body at the start of `bytes` (its header ends the data). */
const headerComplete = (bytes: Uint8Array) => decoder.decode(bytes).endsWith("\r\n\r\n");

/** At least one whole compression packet (checked with a fresh decoder each time). */
const wholePacket = (bytes: Uint8Array) => FLAGS_LENGTH_FRAMING.decoder().push(bytes).length > 0;

/** A 200 answering `req` (RFC 3261 §8.2.6.2 copied headers). */
function okTo(req: SipRequest): SipResponse {
  const res = new SipResponse(200, "OK");
  for (const via of req.headerValues("via")) res.addHeader("Via", via);
  return res.addHeader("From", req.header("from")!)
    .addHeader("To", `${req.header("to")};tag=srv`)
    .addHeader("Call-ID", req.callId)
    .addHeader("CSeq", req.header("cseq")!);
}

type MakeTransport = (events: TransportEvents) => StreamTransport;
const tcp: MakeTransport = (events) => new TcpTransport({ events });

/** A server with MS-SIPCOMP: NEGOTIATEs go to SipcompServer, the rest is recorded. */
async function compressingServer(acceptCompression = true, makeTransport = tcp) {
  const messages: { msg: AnySipMessage; source: Destination }[] = [];
  const flowsClosed: FlowCloseReason[] = [];
  const settled: SipcompMode[] = [];
  const closed: SipcompCloseCause[] = [];
  const holder: { sipcomp?: SipcompServer } = {};
  const transport = makeTransport({
    onMessage: (msg, source) => {
      if (!holder.sipcomp!.onMessage(msg, source)) messages.push({ msg, source });
    },
    onFlowClosed: (source, reason) => {
      flowsClosed.push(reason);
      holder.sipcomp!.onFlowClosed(source, reason);
    },
  });
  const sipcomp = new SipcompServer({
    transport,
    acceptCompression,
    onSettled: (_flowId, mode) => settled.push(mode),
    onClosed: (_flowId, cause) => closed.push(cause),
  });
  holder.sipcomp = sipcomp;
  const local = await transport.listen({ hostname: "127.0.0.1", port: 0 });
  const dest: Destination = { protocol: transport.protocol, host: local.host, port: local.port };
  return {
    transport,
    sipcomp,
    messages,
    flowsClosed,
    settled,
    closed,
    dest,
    [Symbol.asyncDispose]: () => transport.close(),
  };
}

/** A client whose connection to `server` starts with a NEGOTIATE. */
function negotiatingClient(server: Destination, makeTransport = tcp) {
  const messages: { msg: AnySipMessage; source: Destination }[] = [];
  const settled: SipcompMode[] = [];
  const closed: SipcompCloseCause[] = [];
  const wheel = new TimerWheel();
  const holder: { session?: SipcompClientSession } = {};
  const transport = makeTransport({
    onMessage: (msg, source) => {
      if (!holder.session!.onMessage(msg, source)) messages.push({ msg, source });
    },
    onFlowClosed: (source, reason) => holder.session!.onFlowClosed(source, reason),
  });
  const session = new SipcompClientSession({
    transport,
    server,
    local: { host: "127.0.0.1", port: 5060 },
    timers: wheel,
    onSettled: (mode) => settled.push(mode),
    onClosed: (cause) => closed.push(cause),
  });
  holder.session = session;
  return {
    transport,
    session,
    messages,
    settled,
    closed,
    [Symbol.asyncDispose]: async () => {
      await transport.close();
      wheel.stop();
    },
  };
}

const plainSize = (msgs: AnySipMessage[]) =>
  msgs.reduce((n, m) => n + serializeMessage(m).length, 0);

Deno.test("SIPCOMP over TCP: NEGOTIATE, switch-over, then compressed traffic both ways", async () => {
  await using srv = await compressingServer();
  await using cli = negotiatingClient(srv.dest);
  cli.session.start();
  await waitUntil(() => cli.settled.length === 1 && srv.settled.length === 1, "negotiation");
  assert.deepEqual(cli.settled, ["compressed"]);
  assert.deepEqual(srv.settled, ["compressed"]);
  assert.equal(cli.session.state, "Compressed");
  const flowId = cli.session.flowId!;
  assert.equal(srv.messages.length, 0, "the NEGOTIATE did not reach the core");
  assert.equal(srv.transport.connectionCount, 1);

  // Client → server: 60 messages; server → client: 60 others, on the flow the server saw.
  const up = sipCorpus(60, 31);
  const down = sipCorpus(60, 32);
  await Promise.all(up.map((m) => cli.transport.send(m, srv.dest)));
  await waitUntil(() => srv.messages.length === up.length, "messages at the server");
  const back = srv.messages[0].source;
  await Promise.all(down.map((m) => srv.transport.send(m, back)));
  await waitUntil(() => cli.messages.length === down.length, "messages at the client");

  assert.deepEqual(srv.messages.map((m) => m.msg.callId), up.map((m) => m.callId));
  assert.deepEqual(cli.messages.map((m) => m.msg.callId), down.map((m) => m.callId));
  assert.deepEqual(srv.messages.map((m) => m.msg.body), up.map((m) => m.body));
  assert.equal(cli.messages[0].source.flowId, flowId);
  assert.equal(cli.transport.connectionCount, 1);

  // Both filters carried everything, compressed.
  const serverFilter = srv.sipcomp.filter(back.flowId!) as SipcompStreamFilter;
  const clientFilter = cli.session.filter as SipcompStreamFilter;
  assert.equal(serverFilter.counters.plainIn, plainSize(up));
  assert.equal(clientFilter.counters.plainOut, plainSize(up));
  assert.equal(clientFilter.counters.plainIn, plainSize(down));
  assert.equal(serverFilter.counters.plainOut, plainSize(down));
  assert.ok(serverFilter.counters.wireIn < 0.6 * serverFilter.counters.plainIn);
  assert.ok(clientFilter.counters.wireIn < 0.6 * clientFilter.counters.plainIn);
});

Deno.test("SIPCOMP over TCP: the server decompresses from the octet after the NEGOTIATE", async () => {
  await using srv = await compressingServer();
  const raw = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    const negotiate = buildNegotiateRequest({
      server: srv.dest,
      local: { host: "127.0.0.1", port: 40000 },
      transport: "TCP",
    });
    await raw.write(serializeMessage(negotiate));
    const okBytes = await readUntil(raw, headerComplete);
    const ok = parseMessage(okBytes);
    assert.equal(ok.kind, "response");
    assert.equal(readNegotiateAnswer(ok as never), "accepted");

    // Guide §2.4: everything the client sends after the 200 is compressed — here a REGISTER
    // and an RFC 5626 ping, in one write.
    const filter = new SipcompStreamFilter();
    const [register] = sipCorpus(1, 5);
    await raw.write(
      concatBytes([
        filter.encode(serializeMessage(register)),
        filter.encode(encoder.encode("\r\n\r\n")),
      ]),
    );
    await waitUntil(() => srv.messages.length === 1, "the compressed REGISTER");
    assert.equal(srv.messages[0].msg.callId, register.callId);

    // The pong and the answer come back compressed.
    assert.deepEqual(filter.decode(await readUntil(raw, wholePacket)), [encoder.encode("\r\n")]);
    await srv.transport.send(okTo(srv.messages[0].msg as SipRequest), srv.messages[0].source);
    const [plain] = filter.decode(await readUntil(raw, wholePacket));
    assert.match(decoder.decode(plain), /^SIP\/2\.0 200 OK\r\n/);
  } finally {
    raw.close();
  }
});

Deno.test("SIPCOMP over TCP: the client decompresses from the octet after the 200 OK", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dest: Destination = { protocol: "tcp", host: "127.0.0.1", port: listener.addr.port };
  await using cli = negotiatingClient(dest);
  try {
    cli.session.start();
    const raw = await listener.accept();
    try {
      const negotiate = parseMessage(await readUntil(raw, headerComplete)) as SipRequest;
      assert.equal(negotiate.method, "NEGOTIATE");
      // The 200 OK and, right behind it in the same write, a compressed server request.
      const filter = new SipcompStreamFilter();
      const [notify] = sipCorpus(1, 9);
      await raw.write(concatBytes([
        serializeMessage(buildNegotiateResponse(negotiate, { kind: "accept" })),
        filter.encode(serializeMessage(notify)),
      ]));
      await waitUntil(() => cli.messages.length === 1, "the compressed request at the client");
      assert.deepEqual(cli.settled, ["compressed"]);
      assert.equal(cli.messages[0].msg.callId, notify.callId);

      // What the client sends now is compressed.
      await cli.transport.send(sipCorpus(2, 9)[1], cli.messages[0].source);
      const wire = await readUntil(raw, wholePacket);
      const [packet] = FLAGS_LENGTH_FRAMING.decoder().push(wire);
      assert.equal(packet.flags, PACKET_AT_FRONT | PACKET_COMPRESSED, "the first packet");
      const [plain] = filter.decode(wire);
      assert.match(decoder.decode(plain), /\r\nCall-ID: /);
    } finally {
      raw.close();
    }
  } finally {
    listener.close();
  }
});

Deno.test("SIPCOMP over TCP: a refusing server leaves the hop uncompressed", async () => {
  await using srv = await compressingServer(false);
  await using cli = negotiatingClient(srv.dest);
  cli.session.start();
  await waitUntil(() => cli.settled.length === 1, "negotiation");
  assert.deepEqual(cli.settled, ["uncompressed"]);
  assert.deepEqual(srv.settled, ["uncompressed"]);
  assert.equal(cli.session.state, "Plain");
  assert.equal(cli.session.filter, undefined);
  const [message] = sipCorpus(1, 8);
  await cli.transport.send(message, srv.dest);
  await waitUntil(() => srv.messages.length === 1, "a plain message");
  assert.equal(srv.sipcomp.filter(srv.messages[0].source.flowId!), undefined);
  await srv.transport.send(sipCorpus(2, 8)[1], srv.messages[0].source);
  await waitUntil(() => cli.messages.length === 1, "a plain message back");
});

Deno.test("SIPCOMP over TCP: FLUSHED|COMPRESSED tears the connection down", async () => {
  await using srv = await compressingServer();
  const raw = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    await raw.write(serializeMessage(buildNegotiateRequest({
      server: srv.dest,
      local: { host: "127.0.0.1", port: 40001 },
      transport: "TCP",
    })));
    await readUntil(raw, headerComplete);
    await raw.write(
      FLAGS_LENGTH_FRAMING.encode(new Uint8Array([0x61]), PACKET_FLUSHED | PACKET_COMPRESSED),
    );
    await waitUntil(() => srv.closed.length === 1, "the tear-down");
    assert.deepEqual(srv.closed, ["decompression-error"]);
    assert.deepEqual(srv.flowsClosed, ["filter"]);
    assert.equal((await readUntil(raw, () => false)).length, 0, "connection closed, nothing sent");
    assert.equal(srv.messages.length, 0);
  } finally {
    raw.close();
  }
});

Deno.test("SIPCOMP over TLS: compression inside TLS after the NEGOTIATE exchange", async () => {
  const ca = await createLabCa({ commonName: "sipfleet sipcomp test CA" });
  const creds = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
  await using srv = await compressingServer(
    true,
    (events) => new TlsTransport({ events, cert: creds.certPem, key: creds.keyPem }),
  );
  await using cli = negotiatingClient(
    srv.dest,
    (events) => new TlsTransport({ events, caCerts: [ca.certPem] }),
  );
  assert.equal(cli.session.request.topVia.transport, "TLS");
  cli.session.start();
  await waitUntil(() => cli.settled.length === 1 && srv.settled.length === 1, "negotiation");
  assert.deepEqual([cli.settled, srv.settled], [["compressed"], ["compressed"]]);
  const up = sipCorpus(20, 41);
  await Promise.all(up.map((m) => cli.transport.send(m, srv.dest)));
  await waitUntil(() => srv.messages.length === up.length, "messages at the server");
  const back = srv.messages[0].source;
  assert.equal(back.protocol, "tls");
  await Promise.all(sipCorpus(20, 42).map((m) => srv.transport.send(m, back)));
  await waitUntil(() => cli.messages.length === 20, "messages at the client");
  const filter = srv.sipcomp.filter(back.flowId!) as SipcompStreamFilter;
  assert.equal(filter.counters.plainIn, plainSize(up));
  assert.ok(filter.counters.wireIn < 0.6 * filter.counters.plainIn);
});
