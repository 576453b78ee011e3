import assert from "node:assert/strict";
import { isPortBound } from "./loopback_ports.ts";
import { kamailioAvailable, optionsStatus, startKamailio } from "./kamailio.ts";

const available = await kamailioAvailable();
// Real-peer tests: skipped on a laptop without Kamailio, but CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

Deno.test({
  name: "kamailio: starts, answers OPTIONS over UDP and TCP, counts them, stops without a trace",
  ignore,
  async fn() {
    const proxy = await startKamailio();
    let stopped = false;
    try {
      assert.equal(proxy.address, `127.0.0.1:${proxy.port}`);
      const probe = { host: proxy.host, port: proxy.port, timeoutMs: 2000 };
      assert.equal(await optionsStatus({ ...probe, transport: "udp" }), 200);
      assert.equal(await optionsStatus({ ...probe, transport: "tcp" }), 200);
      const stats = await proxy.statistics();
      // The readiness probe and the two above; every one answered by the proxy itself.
      assert.ok(stats["core.rcv_requests_options"] >= 3, JSON.stringify(stats));
      assert.equal(stats["core.fwd_requests"], 0);
      const exit = await proxy.stop();
      stopped = true;
      assert.equal(exit.killedByHarness, false, proxy.output());
      // Its workers held the sockets too: nothing listens any more once it is gone.
      assert.equal(await isPortBound(proxy.port, "udp"), false);
      assert.equal(await isPortBound(proxy.port, "tcp"), false);
    } finally {
      if (!stopped) await proxy.stop();
    }
  },
});

Deno.test({
  name: "kamailio: a taken port is refused before starting (its owner would answer instead)",
  ignore,
  async fn() {
    const first = await startKamailio();
    try {
      await assert.rejects(
        () => startKamailio({ port: first.port }),
        new RegExp(`udp port ${first.port} is already in use`),
      );
    } finally {
      await first.stop();
    }
  },
});

Deno.test({
  name: "kamailio: a configuration it refuses ends the start with its log",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const configFile = `${dir}/broken.cfg`;
      await Deno.writeTextFile(
        configFile,
        "#!KAMAILIO\nrequest_route {\n\tno_such_function();\n}\n",
      );
      await assert.rejects(
        () => startKamailio({ configFile, readyTimeoutMs: 5000 }),
        /kamailio exited \(code \d+\) before answering[\s\S]*no_such_function/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Raw SIP over one UDP socket: every datagram received is queued as text. */
class RawPeer {
  readonly socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  readonly #queue: string[] = [];
  #wake: (() => void) | undefined;
  readonly #loop: Promise<void>;

  constructor() {
    this.#loop = (async () => {
      try {
        for (;;) {
          const [bytes] = await this.socket.receive();
          this.#queue.push(new TextDecoder().decode(bytes));
          this.#wake?.();
        }
      } catch {
        // Closed.
      }
    })();
  }

  get port(): number {
    return (this.socket.addr as Deno.NetAddr).port;
  }

  async send(text: string, port: number): Promise<void> {
    const bytes = new TextEncoder().encode(text.split("\n").join("\r\n"));
    await this.socket.send(bytes, { transport: "udp", hostname: "127.0.0.1", port });
  }

  /** The first queued message whose first line matches `start`; others before it are dropped. */
  async next(start: RegExp, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#queue.length > 0) {
        const message = this.#queue.shift()!;
        if (start.test(message.slice(0, message.indexOf("\r\n")))) return message;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message starting with ${start} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.#loop;
  }
}

function headers(message: string, name: string): string[] {
  const head = message.slice(0, message.indexOf("\r\n\r\n"));
  return head.split("\r\n").slice(1)
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(line.indexOf(":") + 1).trim());
}

Deno.test({
  name: "kamailio: relays to the Request-URI, record-routes, and in-dialog requests follow Route",
  ignore,
  async fn() {
    const proxy = await startKamailio();
    const uac = new RawPeer();
    const uas = new RawPeer();
    try {
      const kp = proxy.port;
      const target = `sip:service@127.0.0.1:${uas.port}`;
      const dialog = [
        `From: <sip:caller@lab.sipfleet.test>;tag=uac1`,
        `Call-ID: kamailio-relay-test`,
      ];
      await uac.send(
        [
          `INVITE ${target} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${uac.port};branch=z9hG4bKinvite1`,
          "Max-Forwards: 70",
          ...dialog,
          `To: <${target}>`,
          "CSeq: 1 INVITE",
          `Contact: <sip:caller@127.0.0.1:${uac.port}>`,
          "Content-Length: 0",
          "",
          "",
        ].join("\n"),
        kp,
      );
      // §16.6: the proxy adds its Via above ours, decrements Max-Forwards and, record-routing,
      // puts itself in Record-Route with lr (§16.6 item 4, RFC 3261 §19.1.1).
      const invite = await uas.next(/^INVITE /);
      assert.match(invite, new RegExp(`^INVITE ${target} SIP/2\\.0\r\n`));
      const vias = headers(invite, "Via");
      assert.equal(vias.length, 2);
      assert.match(vias[0], new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${kp};branch=z9hG4bK`));
      assert.match(vias[1], /branch=z9hG4bKinvite1/);
      assert.deepEqual(headers(invite, "Max-Forwards"), ["69"]);
      const recordRoute = headers(invite, "Record-Route");
      assert.equal(recordRoute.length, 1);
      assert.match(recordRoute[0], new RegExp(`^<sip:127\\.0\\.0\\.1:${kp};lr[;>]`));

      const copied = (name: string) => headers(invite, name).map((v) => `${name}: ${v}`);
      await uas.send(
        [
          "SIP/2.0 200 OK",
          ...copied("Via"),
          ...copied("Record-Route"),
          ...dialog.slice(0, 1),
          `To: <${target}>;tag=uas1`,
          dialog[1],
          "CSeq: 1 INVITE",
          `Contact: <sip:service@127.0.0.1:${uas.port}>`,
          "Content-Length: 0",
          "",
          "",
        ].join("\n"),
        kp,
      );
      const ok = await uac.next(/^SIP\/2\.0 200 /);
      assert.deepEqual(headers(ok, "Via").length, 1);
      assert.deepEqual(headers(ok, "Record-Route"), recordRoute);

      // §12.2.1.1: the route set is the Record-Route (loose router first: Route, then the
      // remote target as Request-URI); the proxy takes its entry off and relays to the UAS.
      const inDialog = (method: string, cseq: number, branch: string) =>
        [
          `${method} sip:service@127.0.0.1:${uas.port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${uac.port};branch=${branch}`,
          "Max-Forwards: 70",
          `Route: ${recordRoute[0]}`,
          ...dialog.slice(0, 1),
          `To: <${target}>;tag=uas1`,
          dialog[1],
          `CSeq: ${cseq} ${method}`,
          "Content-Length: 0",
          "",
          "",
        ].join("\n");
      await uac.send(inDialog("ACK", 1, "z9hG4bKack1"), kp);
      const ack = await uas.next(/^ACK /);
      assert.deepEqual(headers(ack, "Route"), []);
      await uac.send(inDialog("BYE", 2, "z9hG4bKbye1"), kp);
      const bye = await uas.next(/^BYE /);
      assert.deepEqual(headers(bye, "Route"), []);
      assert.equal(headers(bye, "Via").length, 2);
      await uas.send(
        ["SIP/2.0 200 OK", ...headers(bye, "Via").map((v) => `Via: ${v}`)].concat(
          dialog.slice(0, 1),
          `To: <${target}>;tag=uas1`,
          dialog[1],
          "CSeq: 2 BYE",
          "Content-Length: 0",
          "",
          "",
        ).join("\n"),
        kp,
      );
      await uac.next(/^SIP\/2\.0 200 /);

      const stats = await proxy.statistics();
      assert.equal(stats["core.rcv_requests_invite"], 1);
      assert.equal(stats["core.rcv_requests_ack"], 1);
      assert.equal(stats["core.rcv_requests_bye"], 1);
    } finally {
      await uac.close();
      await uas.close();
      await proxy.stop();
    }
  },
});
