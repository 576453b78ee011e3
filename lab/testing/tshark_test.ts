import assert from "node:assert/strict";
import { messageToString, serializeMessage, SipRequest } from "../sip/message/mod.ts";
import {
  assertWireClean,
  captureFilter,
  dissect,
  type SipPacket,
  startCapture,
  tsharkAvailable,
} from "./tshark.ts";
import { labWireSamples } from "./wire_samples.ts";

const available = await tsharkAvailable();
// Real-peer tests: skipped on a laptop without tshark, but CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

const encoder = new TextEncoder();

function udpSocket(): { socket: Deno.DatagramConn; port: number } {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  return { socket, port: (socket.addr as Deno.NetAddr).port };
}

/** Sends each datagram and waits until the receiver has it, so every one is a real packet. */
async function deliver(
  sender: Deno.DatagramConn,
  receiver: Deno.DatagramConn,
  port: number,
  datagrams: Uint8Array[],
): Promise<void> {
  for (const bytes of datagrams) {
    await sender.send(bytes, { transport: "udp", hostname: "127.0.0.1", port });
    const [received] = await receiver.receive();
    assert.deepEqual(received, bytes);
  }
}

/** Reads from `conn` until `count` more octets have arrived. */
async function readOctets(conn: Deno.Conn, count: number): Promise<void> {
  const buffer = new Uint8Array(65536);
  let got = 0;
  while (got < count) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error(`connection closed after ${got} of ${count} octets`);
    got += n;
  }
}

function describe(p: SipPacket): string {
  return p.method ?? (p.status !== undefined ? String(p.status) : p.kind);
}

Deno.test("captureFilter: BPF terms per port and transport; bad ports rejected", () => {
  assert.equal(captureFilter([5060], "udp"), "udp port 5060");
  assert.equal(
    captureFilter([5060, 5061]),
    "udp port 5060 or tcp port 5060 or udp port 5061 or tcp port 5061",
  );
  assert.throws(() => captureFilter([]), /at least one port/);
  assert.throws(() => captureFilter([70000]), /bad port/);
});

Deno.test({
  name: "tshark: every message type the lab sends dissects as clean SIP over UDP",
  ignore,
  async fn() {
    const receiver = udpSocket();
    const sender = udpSocket();
    try {
      const samples = labWireSamples({
        local: `127.0.0.1:${sender.port}`,
        remote: `127.0.0.1:${receiver.port}`,
      });
      await using capture = await startCapture({ ports: [receiver.port], protocol: "udp" });
      await deliver(
        sender.socket,
        receiver.socket,
        receiver.port,
        samples.map((s) => serializeMessage(s.message)),
      );
      const result = await dissect(await capture.stop(), { ports: [receiver.port] });
      assert.equal(result.packets.length, samples.length, result.summary.expertReport);
      samples.forEach((sample, i) => {
        const packet = result.packets[i];
        assert.equal(packet.transport, "udp");
        if ("method" in sample.expect) {
          assert.equal(packet.kind, "request", sample.label);
          assert.equal(packet.method, sample.expect.method, sample.label);
        } else {
          assert.equal(packet.kind, "response", sample.label);
          assert.equal(packet.status, sample.expect.status, sample.label);
        }
        assert.equal(packet.malformed, false, sample.label);
        assert.equal(packet.callId, sample.message.callId, sample.label);
        assert.equal(packet.cseq, sample.message.header("CSeq"), sample.label);
      });
      assertWireClean(result);
      assert.equal(result.summary.messages, samples.length);
      assert.equal(result.summary.requests["INVITE"], 1);
      assert.equal(result.summary.responses["503"], 1);
      assert.equal(result.summary.withProblems, 0);
      // The extension header draws tshark's Note/Undecoded info, which is not a wire error.
      assert.ok(
        result.packets[0].expert.some((e) => /Note\/Undecoded.*x-lab-scenario/i.test(e)),
        result.packets[0].expert.join("\n"),
      );
    } finally {
      receiver.socket.close();
      sender.socket.close();
    }
  },
});

Deno.test({
  name: "tshark: the same messages over one TCP connection (coalesced, split, keep-alive)",
  ignore,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    let client: Deno.TcpConn | undefined;
    let server: Deno.Conn | undefined;
    try {
      await using capture = await startCapture({ ports: [port], protocol: "tcp" });
      client = await Deno.connect({ hostname: "127.0.0.1", port });
      server = await listener.accept();
      const local = `127.0.0.1:${(client.localAddr as Deno.NetAddr).port}`;
      const samples = labWireSamples({ local, remote: `127.0.0.1:${port}`, transport: "TCP" });
      const wire = samples.map((s) => serializeMessage(s.message));
      const send = async (bytes: Uint8Array) => {
        await client!.write(bytes);
        await readOctets(server!, bytes.length);
      };
      // Three messages in one segment (RFC 3261 §18.3 framing by Content-Length).
      const first = new Uint8Array([...wire[0], ...wire[1], ...wire[2]]);
      await send(first);
      // One message split across two segments.
      const half = wire[3].length >> 1;
      await send(wire[3].subarray(0, half));
      await send(wire[3].subarray(half));
      for (const bytes of wire.slice(4)) await send(bytes);
      // RFC 5626 §4.4.1 double-CRLF keep-alive ping.
      await send(encoder.encode("\r\n\r\n"));

      const result = await dissect(await capture.stop(), { ports: [port], protocol: "tcp" });
      const messages = result.packets.filter((p) => p.kind === "request" || p.kind === "response");
      assert.deepEqual(
        messages.map(describe),
        samples.map((s) => "method" in s.expect ? s.expect.method : String(s.expect.status)),
      );
      assert.equal(result.summary.keepalives, 1);
      assertWireClean(result);
      // The first three share a frame; the split one is reported once, in its completing frame.
      assert.equal(messages[0].frame, messages[2].frame);
      assert.notEqual(messages[3].frame, messages[2].frame);
    } finally {
      client?.close();
      server?.close();
      listener.close();
    }
  },
});

/** A clean in-dialog BYE as text, to be broken in specific ways. */
function cleanBye(local: string, remote: string, callId: string, transport = "UDP"): string {
  const bye = new SipRequest("BYE", `sip:bob@${remote}`);
  bye.addHeader("Via", `SIP/2.0/${transport} ${local};branch=z9hG4bK-neg-${callId}`);
  bye.addHeader("Max-Forwards", "70");
  bye.addHeader("From", "<sip:alice@lab.example>;tag=11");
  bye.addHeader("To", "<sip:bob@lab.example>;tag=22");
  bye.addHeader("Call-ID", callId);
  bye.addHeader("CSeq", "7 BYE");
  bye.addHeader("Content-Type", "text/plain");
  bye.body = encoder.encode("bye!");
  return messageToString(bye);
}

function mustReplace(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `"${from}" not in message`);
  return text.replace(from, to);
}

Deno.test({
  name: "tshark checker flags deliberately broken SIP over UDP, and only that",
  ignore,
  async fn() {
    const receiver = udpSocket();
    const sender = udpSocket();
    const local = `127.0.0.1:${sender.port}`;
    const remote = `127.0.0.1:${receiver.port}`;
    const broken: { label: string; text: string; problem: RegExp | null }[] = [
      { label: "clean control", text: cleanBye(local, remote, "ok-1"), problem: null },
      {
        label: "Content-Length larger than body",
        text: mustReplace(cleanBye(local, remote, "cl"), "Content-Length: 4", "Content-Length: 40"),
        problem: /Content-Length 40 but the datagram carries 4 body octets/,
      },
      {
        label: "CSeq number not numeric",
        text: mustReplace(cleanBye(local, remote, "cseq"), "CSeq: 7 BYE", "CSeq: abc BYE"),
        problem: /CSeq "abc BYE" is not a 32-bit number/,
      },
      {
        label: "CSeq method differs from the request method",
        text: mustReplace(cleanBye(local, remote, "cseqm"), "CSeq: 7 BYE", "CSeq: 7 INVITE"),
        problem: /CSeq method INVITE differs from BYE/,
      },
      {
        label: "Max-Forwards missing",
        text: mustReplace(cleanBye(local, remote, "mf"), "Max-Forwards: 70\r\n", ""),
        problem: /missing Max-Forwards/,
      },
      {
        label: "header section not terminated",
        text: mustReplace(
          cleanBye(local, remote, "crlf").replace(/\r\n\r\nbye!$/, "\r\n"),
          "Content-Length: 4",
          "Content-Length: 0",
        ),
        problem: /tshark: Warning\/Malformed \(sip\): Header not terminated/,
      },
      {
        label: "header line without colon",
        text: mustReplace(cleanBye(local, remote, "colon"), "Via: SIP", "Via SIP"),
        problem: /header line without a colon/,
      },
      { label: "garbage", text: "hello, this is not SIP", problem: /not dissected as SIP/ },
      { label: "CRLF keep-alive", text: "\r\n\r\n", problem: null },
    ];
    try {
      await using capture = await startCapture({ ports: [receiver.port], protocol: "udp" });
      await deliver(
        sender.socket,
        receiver.socket,
        receiver.port,
        broken.map((b) => encoder.encode(b.text)),
      );
      const result = await dissect(await capture.stop(), { ports: [receiver.port] });
      assert.equal(result.packets.length, broken.length, result.summary.expertReport);
      broken.forEach((b, i) => {
        const problems = result.packets[i].problems;
        if (b.problem === null) assert.deepEqual(problems, [], b.label);
        else assert.ok(problems.some((p) => b.problem!.test(p)), `${b.label}: ${problems}`);
      });
      assert.equal(result.packets.at(-1)?.kind, "keepalive");
      assert.equal(result.packets[5].malformed, true);
      assert.equal(result.summary.withProblems, broken.length - 2);
      assert.throws(() => assertWireClean(result), /7 of 9 captured SIP packets are not clean/);
      // Only the clean ones pass.
      assertWireClean([result.packets[0], result.packets[8]]);
    } finally {
      receiver.socket.close();
      sender.socket.close();
    }
  },
});

Deno.test({
  name: "tshark checker flags TCP framing errors (Content-Length too small, then too large)",
  ignore,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    let client: Deno.TcpConn | undefined;
    let server: Deno.Conn | undefined;
    try {
      await using capture = await startCapture({ ports: [port], protocol: "tcp" });
      client = await Deno.connect({ hostname: "127.0.0.1", port });
      server = await listener.accept();
      const local = `127.0.0.1:${(client.localAddr as Deno.NetAddr).port}`;
      const remote = `127.0.0.1:${port}`;
      const bye = (callId: string) => cleanBye(local, remote, callId, "TCP");
      const stream = [
        mustReplace(bye("short"), "Content-Length: 4", "Content-Length: 2"),
        bye("clean"),
        mustReplace(bye("long"), "Content-Length: 4", "Content-Length: 400"),
      ];
      for (const text of stream) {
        const bytes = encoder.encode(text);
        await client.write(bytes);
        await readOctets(server, bytes.length);
      }
      const result = await dissect(await capture.stop(), { ports: [port], protocol: "tcp" });
      assert.equal(result.packets.length, 3, JSON.stringify(result.packets));
      const [short, shifted, long] = result.packets;
      // Framed by its Content-Length, the first message itself looks fine ...
      assert.equal(short.method, "BYE");
      assert.equal(short.callId, "short");
      assert.deepEqual(short.problems, []);
      // ... but its 2 unframed body octets ("e!") now prefix the next message on the stream.
      assert.equal(shifted.method, "e!BYE");
      assert.equal(shifted.callId, "clean");
      assert.match(shifted.problems.join(), /CSeq method BYE differs from e!BYE/);
      // The last message waits forever for 396 more body octets.
      assert.equal(long.kind, "other");
      assert.match(long.problems.join(), /never completes a SIP message/);
      assert.throws(() => assertWireClean(result), /2 of 3 captured SIP packets are not clean/);
    } finally {
      client?.close();
      server?.close();
      listener.close();
    }
  },
});
