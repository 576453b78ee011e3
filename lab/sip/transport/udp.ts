/**
 * SIP over UDP (RFC 3261 §18.1.1, §18.2): one `Deno.listenDatagram` socket per transport, a
 * receive loop that parses each datagram as exactly one message (§18.3) and survives any
 * input, and sends with one datagram per message.
 *
 * @module
 */
import { parseMessage, type ParseOptions } from "../message/parser.ts";
import { serializeMessage } from "../message/serializer.ts";
import { interned } from "../message/interned.ts";
import { bareHost, sipHost } from "./address.ts";
import type { Destination } from "./destination.ts";
import { InboundDelivery } from "./inbound.ts";
import { TransportError } from "./transport_error.ts";
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  type ListenOptions,
  type LocalAddress,
  type SendPayload,
  type SipTransport,
  type TransportContext,
} from "./transport.ts";

/** Construction options of {@link UdpTransport}. */
export interface UdpTransportConfig extends TransportContext {
  /**
   * RFC 3261 §18.1.1: a request larger than 1300 octets (or within 200 of the path MTU) MUST go
   * over a congestion-controlled transport. When set, `send` rejects such requests with
   * TransportError "datagram-too-large" so the caller can switch to TCP; unset (the default),
   * every datagram is sent whatever its size, as load tests sometimes want.
   */
  maxRequestDatagramSize?: number;
}

/** The §18.1.1 threshold, for {@link UdpTransportConfig.maxRequestDatagramSize}. */
export const RFC3261_UDP_REQUEST_LIMIT = 1300;

/** The largest UDP payload (RFC 768 over IPv4: 65535 − 8 − 20). */
const MAX_DATAGRAM = 65507;

/**
 * A UDP transport.
 *
 * @example
 * ```ts
 * const udp = new UdpTransport({ events: { onMessage: (msg, src) => console.log(msg.kind, src) } });
 * await udp.listen({ hostname: "127.0.0.1", port: 0 });
 * await udp.send(request, { protocol: "udp", host: "127.0.0.1", port: 5060 });
 * await udp.close();
 * ```
 */
export class UdpTransport implements SipTransport {
  readonly protocol = "udp" as const;
  readonly reliable = false;
  readonly #config: UdpTransportConfig;
  readonly #inbound: InboundDelivery;
  /** Parser options with the size limit, built once rather than per datagram. */
  readonly #parseOptions: ParseOptions;
  #socket: Deno.DatagramConn | undefined;
  #local: LocalAddress | undefined;
  #loop: Promise<void> | undefined;
  #closed = false;

  constructor(config: UdpTransportConfig) {
    this.#config = config;
    this.#inbound = new InboundDelivery("udp", config.events, config.metrics);
    this.#parseOptions = {
      ...config.parse,
      maxSize: config.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    };
  }

  get local(): LocalAddress | undefined {
    return this.#local;
  }

  // deno-lint-ignore require-await -- async so that a bind failure rejects instead of throwing
  async listen(opts: ListenOptions): Promise<LocalAddress> {
    if (this.#closed) throw new TransportError("closed", "transport closed");
    if (this.#socket) throw new Error("UdpTransport: already listening");
    const socket = Deno.listenDatagram({
      transport: "udp",
      hostname: bareHost(opts.hostname),
      port: opts.port,
    });
    const addr = socket.addr as Deno.NetAddr;
    this.#socket = socket;
    this.#local = { host: sipHost(addr.hostname), port: addr.port };
    this.#loop = this.#receiveLoop(socket);
    return this.#local;
  }

  async send(payload: SendPayload, dest: Destination): Promise<void> {
    const socket = this.#socket;
    if (this.#closed) throw new TransportError("closed", "transport closed");
    if (socket === undefined) throw new TransportError("not-listening", "UDP send before listen");
    const bytes = payload instanceof Uint8Array ? payload : serializeMessage(payload);
    const limit = this.#config.maxRequestDatagramSize;
    if (
      limit !== undefined && !(payload instanceof Uint8Array) && payload.kind === "request" &&
      bytes.length > limit
    ) {
      throw new TransportError(
        "datagram-too-large",
        `request of ${bytes.length} octets exceeds ${limit} (RFC 3261 §18.1.1)`,
      );
    }
    try {
      await socket.send(bytes, {
        transport: "udp",
        hostname: bareHost(dest.host),
        port: dest.port,
      });
    } catch (e) {
      throw new TransportError(
        this.#closed ? "closed" : "write-failed",
        `UDP send to ${dest.host}:${dest.port} failed`,
        { cause: e },
      );
    }
    const metrics = this.#inbound.metrics;
    metrics.bytesOut("udp", bytes.length);
    metrics.messageOut("udp");
  }

  async close(): Promise<void> {
    if (this.#closed) return await this.#loop;
    this.#closed = true;
    this.#socket?.close();
    await this.#loop;
  }

  async #receiveLoop(socket: Deno.DatagramConn): Promise<void> {
    const buf = new Uint8Array(MAX_DATAGRAM + 1);
    while (!this.#closed) {
      let datagram: Uint8Array;
      let addr: Deno.NetAddr;
      try {
        const [data, from] = await socket.receive(buf);
        datagram = data;
        addr = from as Deno.NetAddr;
      } catch (e) {
        if (this.#closed || e instanceof Deno.errors.BadResource) return;
        // Linux reports an earlier send's ICMP error on the next receive; the socket lives on.
        this.#inbound.error(e);
        continue;
      }
      this.#onDatagram(datagram, addr);
    }
  }

  #onDatagram(datagram: Uint8Array, addr: Deno.NetAddr) {
    const metrics = this.#inbound.metrics;
    metrics.bytesIn("udp", datagram.length);
    if (isOnlyCrlf(datagram)) {
      // RFC 5626 §3.5.1 / §4.4.2: CRLF keep-alives belong to stream transports; UDP uses STUN.
      metrics.dropped("udp", "keep-alive");
      return;
    }
    if (isStun(datagram)) {
      metrics.dropped("udp", "stun");
      return;
    }
    const source: Destination = {
      protocol: "udp",
      host: interned(sipHost(addr.hostname)),
      port: addr.port,
    };
    let msg;
    try {
      msg = parseMessage(datagram, this.#parseOptions);
    } catch (e) {
      this.#inbound.parseFailure(e, source);
      return;
    }
    this.#inbound.message(msg, source, datagram.length);
  }
}

function isOnlyCrlf(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b !== 0x0d && b !== 0x0a) return false;
  }
  return true;
}

/**
 * RFC 5389 §6 / RFC 7983 §7: a STUN message starts with two zero bits and carries the magic
 * cookie 0x2112A442 at octets 4–7; a SIP message starts with a letter.
 */
function isStun(data: Uint8Array): boolean {
  return data.length >= 20 && (data[0] & 0xc0) === 0 && data[4] === 0x21 &&
    data[5] === 0x12 && data[6] === 0xa4 && data[7] === 0x42;
}
