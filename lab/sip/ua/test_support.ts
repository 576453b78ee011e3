/**
 * Helpers for the user agent core tests: a core on real loopback sockets with a recording
 * agent, a raw UDP peer for byte-level tests, counting metrics sinks and a bounded wait.
 * Not part of the public API.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import type { Destination, ServerTransaction } from "../transaction/mod.ts";
import {
  type DropReason,
  NO_TRANSPORT_METRICS,
  TransportManager,
  type TransportMetricsSink,
  type TransportProtocol,
} from "../transport/mod.ts";
import type { Dialog } from "../dialog/mod.ts";
import type { UaHandler } from "./handler.ts";
import type { UaMetricsSink } from "./metrics_sink.ts";
import { UserAgentCore, type UserAgentCoreOptions } from "./user_agent_core.ts";

/** How the test agent answers an INVITE. */
export type InviteAnswer =
  /** 180 Ringing, then 200 OK with a body. */
  | "accept"
  /** 180 Ringing, then 486 Busy Here. */
  | "busy"
  /** 180 Ringing only (the caller will cancel). */
  | "ring";

/** Everything the core told the test agent, in order. */
export class RecordingAgent implements UaHandler {
  readonly requests: { tx: ServerTransaction; request: SipRequest; dialog?: Dialog }[] = [];
  readonly acks: SipRequest[] = [];
  readonly cancels: SipRequest[] = [];
  readonly ackTimeouts: Dialog[] = [];
  readonly ended: { dialog: Dialog; cause: string }[] = [];
  inviteAnswer: InviteAnswer = "accept";
  /** Set to the core once it exists, so the agent can answer. */
  core: UserAgentCore | undefined;

  onRequest(tx: ServerTransaction, request: SipRequest, dialog: Dialog | undefined): void {
    this.requests.push({ tx, request, dialog });
    const core = this.core!;
    if (request.method !== "INVITE") {
      core.respond(tx, core.createResponse(request, 200));
      return;
    }
    core.respond(tx, core.createResponse(request, 180));
    if (this.inviteAnswer === "accept") {
      core.respond(
        tx,
        core.createResponse(request, 200, "OK", {
          body: "v=0\r\n",
          contentType: "application/sdp",
        }),
      );
    } else if (this.inviteAnswer === "busy") {
      core.respond(tx, core.createResponse(request, 486));
    }
  }

  onAck(ack: SipRequest): void {
    this.acks.push(ack);
  }

  onCancel(_invite: ServerTransaction, cancel: SipRequest): void {
    this.cancels.push(cancel);
  }

  onAckTimeout(dialog: Dialog): void {
    this.ackTimeouts.push(dialog);
  }

  onDialogTerminated(dialog: Dialog, cause: string): void {
    this.ended.push({ dialog, cause });
  }

  /** Methods of the requests received, in order. */
  get methods(): string[] {
    return this.requests.map((r) => r.request.method);
  }
}

/** A UA metrics sink that counts each call as "name status reason" (or just "name"). */
export class CountingUaMetrics implements UaMetricsSink {
  readonly counts = new Map<string, number>();
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  #add(key: string) {
    this.counts.set(key, this.count(key) + 1);
  }
  localAnswer(method: string, status: number, reason: string) {
    this.#add(`localAnswer ${method} ${status} ${reason}`);
  }
  strayResponse(method: string, status: number) {
    this.#add(`strayResponse ${method} ${status}`);
  }
  strayAck() {
    this.#add("strayAck");
  }
  ackTimeout() {
    this.#add("ackTimeout");
  }
  directSendFailed() {
    this.#add("directSendFailed");
  }
}

/** A transport metrics sink that counts drops by "protocol:reason". */
export class CountingDrops implements TransportMetricsSink {
  readonly drops = new Map<string, number>();
  bytesIn = NO_TRANSPORT_METRICS.bytesIn;
  bytesOut = NO_TRANSPORT_METRICS.bytesOut;
  messageIn = NO_TRANSPORT_METRICS.messageIn;
  messageOut = NO_TRANSPORT_METRICS.messageOut;
  connectionOpened = NO_TRANSPORT_METRICS.connectionOpened;
  connectionClosed = NO_TRANSPORT_METRICS.connectionClosed;
  parseError = NO_TRANSPORT_METRICS.parseError;
  dropped(protocol: TransportProtocol, reason: DropReason) {
    const key = `${protocol}:${reason}`;
    this.drops.set(key, (this.drops.get(key) ?? 0) + 1);
  }
}

/** A core on a loopback socket of `protocol`, with its agent and metrics. */
export interface LabPeer {
  core: UserAgentCore<TransportManager>;
  agent: RecordingAgent;
  metrics: CountingUaMetrics;
  drops: CountingDrops;
  /** Where to send requests to this peer. */
  address: Destination;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a core named `user` on 127.0.0.1 (ephemeral port) over `protocol`.
 *
 * @example
 * ```ts
 * await using bob = await startPeer("bob", "udp");
 * ```
 */
export async function startPeer(
  user: string,
  protocol: TransportProtocol,
  options: {
    supportedExtensions?: string[];
    maxMessageSize?: number;
    hooks?: Pick<UserAgentCoreOptions<TransportManager>, "prepareRequest" | "prepareResponse">;
  } = {},
): Promise<LabPeer> {
  const agent = new RecordingAgent();
  const metrics = new CountingUaMetrics();
  const drops = new CountingDrops();
  const core = new UserAgentCore({
    createTransport: (events) =>
      new TransportManager({ events, metrics: drops, maxMessageSize: options.maxMessageSize }),
    handler: agent,
    metrics: { ua: metrics },
    supportedExtensions: options.supportedExtensions,
    ...options.hooks,
  });
  agent.core = core;
  const local = await core.transport.add(protocol).listen({ hostname: "127.0.0.1", port: 0 });
  const transportParam = protocol === "udp" ? "" : `;transport=${protocol}`;
  core.start({
    viaHost: local.host,
    viaPort: local.port,
    protocol: protocol.toUpperCase(),
    contact: `sip:${user}@${local.host}:${local.port}${transportParam}`,
  });
  return {
    core,
    agent,
    metrics,
    drops,
    address: { protocol: protocol.toUpperCase(), host: local.host, port: local.port },
    [Symbol.asyncDispose]: () => core.stop(),
  };
}

/** Resolves once `condition()` holds; rejects after `timeoutMs` (polling every 5 ms). */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A bare UDP socket that sends raw datagrams and reads raw answers — a peer with no SIP stack.
 *
 * @example
 * ```ts
 * await using raw = RawUdpPeer.open();
 * await raw.send("OPTIONS ...", bob.address.port);
 * const answer = await raw.receive();
 * ```
 */
export class RawUdpPeer {
  readonly socket: Deno.DatagramConn;
  readonly port: number;
  readonly #buffer = new Uint8Array(65536);

  private constructor() {
    this.socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    this.port = (this.socket.addr as Deno.NetAddr).port;
  }

  static open(): RawUdpPeer {
    return new RawUdpPeer();
  }

  /** Sends `text` as one datagram to 127.0.0.1:`port`. */
  async send(text: string | Uint8Array, port: number): Promise<void> {
    const bytes = typeof text === "string" ? encoder.encode(text) : text;
    await this.socket.send(bytes, { transport: "udp", hostname: "127.0.0.1", port });
  }

  /** The next datagram as a parsed response; rejects after `timeoutMs`. */
  async receive(timeoutMs = 3000): Promise<SipResponse> {
    const text = await this.receiveText(timeoutMs);
    const msg = parseMessage(text);
    if (msg.kind !== "response") throw new Error(`expected a response, got ${text}`);
    return msg;
  }

  /** The next datagram as text, or undefined when none comes within `timeoutMs`. */
  async receiveText(timeoutMs = 3000): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no datagram in time")), timeoutMs);
    });
    try {
      const [data] = await Promise.race([this.socket.receive(this.#buffer), timeout]);
      return decoder.decode(data);
    } finally {
      clearTimeout(timer);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.socket.close();
    return Promise.resolve();
  }
}

/**
 * A request as raw text, one header per line; `Content-Length: 0` and the empty line are
 * added unless the lines already end with a body.
 */
export function rawRequest(...lines: string[]): string {
  return lines.join("\r\n") + "\r\nContent-Length: 0\r\n\r\n";
}
