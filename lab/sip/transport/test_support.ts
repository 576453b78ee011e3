/**
 * Helpers shared by the transport tests: sample messages, an event recorder, counting metrics
 * and a bounded wait. Not part of the public API.
 *
 * @module
 */
import { SipRequest, SipResponse } from "../message/message.ts";
import type { SipParseError } from "../message/parse_error.ts";
import type { Destination, TransportProtocol } from "./destination.ts";
import type { DropReason, TransportMetricsSink } from "./metrics.ts";
import type { FlowCloseReason, TransportEvents } from "./transport.ts";
import type { AnySipMessage } from "../message/message.ts";

const encoder = new TextEncoder();

/** An OPTIONS request with every mandatory header (RFC 3261 §8.1.1). */
export function optionsRequest(
  via = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-test-1;rport",
  body = "",
): SipRequest {
  const req = new SipRequest("OPTIONS", "sip:bob@127.0.0.1");
  req.addHeader("Via", via)
    .addHeader("Max-Forwards", "70")
    .addHeader("From", "<sip:alice@127.0.0.1>;tag=1928301774")
    .addHeader("To", "<sip:bob@127.0.0.1>")
    .addHeader("Call-ID", `a84b4c76e66710-${crypto.randomUUID()}`)
    .addHeader("CSeq", "63104 OPTIONS");
  if (body) req.body = encoder.encode(body);
  return req;
}

/** A 200 OK answering `req` (§8.2.6.2: Via, From, To, Call-ID, CSeq copied). */
export function okResponse(req: SipRequest): SipResponse {
  const res = new SipResponse(200, "OK");
  for (const v of req.headerValues("via")) res.addHeader("Via", v);
  res.addHeader("From", req.header("from")!)
    .addHeader("To", `${req.header("to")!};tag=b-1`)
    .addHeader("Call-ID", req.callId)
    .addHeader("CSeq", req.header("cseq")!);
  return res;
}

/** The raw text of a request, for byte-level tests. */
export function rawOptions(callId: string, body = ""): string {
  return `OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-${callId}\r\n` +
    `Max-Forwards: 70\r\n` +
    `From: <sip:alice@127.0.0.1>;tag=1\r\n` +
    `To: <sip:bob@127.0.0.1>\r\n` +
    `Call-ID: ${callId}\r\n` +
    `CSeq: 1 OPTIONS\r\n` +
    `Content-Length: ${encoder.encode(body).length}\r\n\r\n${body}`;
}

/** Everything a transport reported, in order. */
export class Recorder {
  readonly messages: { msg: AnySipMessage; source: Destination; bytes: number }[] = [];
  readonly parseErrors: { err: SipParseError; source: Destination }[] = [];
  readonly flowsClosed: { source: Destination; reason: FlowCloseReason }[] = [];
  readonly errors: unknown[] = [];
  readonly events: TransportEvents = {
    onMessage: (msg, source, bytes) => this.messages.push({ msg, source, bytes }),
    onParseError: (err, source) => this.parseErrors.push({ err, source }),
    onFlowClosed: (source, reason) => this.flowsClosed.push({ source, reason }),
    onError: (err) => this.errors.push(err),
  };
}

/** Counts every metrics call as "method:protocol[:detail]". */
export class CountingMetrics implements TransportMetricsSink {
  readonly counts = new Map<string, number>();
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  #add(key: string, n = 1) {
    this.counts.set(key, this.count(key) + n);
  }
  bytesIn(p: TransportProtocol, bytes: number) {
    this.#add(`bytesIn:${p}`, bytes);
  }
  bytesOut(p: TransportProtocol, bytes: number) {
    this.#add(`bytesOut:${p}`, bytes);
  }
  messageIn(p: TransportProtocol) {
    this.#add(`messageIn:${p}`);
  }
  messageOut(p: TransportProtocol) {
    this.#add(`messageOut:${p}`);
  }
  dropped(p: TransportProtocol, reason: DropReason) {
    this.#add(`dropped:${p}:${reason}`);
  }
  connectionOpened(p: TransportProtocol) {
    this.#add(`connectionOpened:${p}`);
  }
  connectionClosed(p: TransportProtocol) {
    this.#add(`connectionClosed:${p}`);
  }
  parseError(p: TransportProtocol, status: number) {
    this.#add(`parseError:${p}:${status}`);
  }
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

/** Reads from `conn` until `expected` octets arrived or the peer closed; returns the text. */
export async function readText(conn: Deno.Conn, expected: number): Promise<string> {
  const buf = new Uint8Array(65536);
  let text = "";
  let total = 0;
  while (total < expected) {
    const n = await conn.read(buf);
    if (n === null) break;
    total += n;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text;
}
