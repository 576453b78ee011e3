/**
 * Test helpers for the transaction tests: a recording transport on a virtual clock, a
 * recording metrics sink, and SIP message builders (RFC 3261 §24 style messages).
 *
 * @module
 */
import { type AnySipMessage, SipRequest, SipResponse } from "../message/message.ts";
import { TimerWheel } from "../timer/mod.ts";
import type { Destination } from "./destination.ts";
import type { TransactionMetricsSink } from "./metrics_sink.ts";
import type { ClientTransaction, ClientTransactionHandlers } from "./transaction.ts";
import type { TransactionTransport } from "./transaction_transport.ts";

/** One message handed to the fake transport. */
export interface Sent {
  at: number;
  msg: AnySipMessage;
  dest: Destination;
}

/** A transport that records what it is asked to send; `fail` makes matching sends reject. */
export class FakeTransport implements TransactionTransport {
  readonly sent: Sent[] = [];
  fail: ((msg: AnySipMessage) => boolean) | undefined;
  constructor(private readonly wheel: TimerWheel) {}

  reliable(dest: Destination): boolean {
    return dest.protocol !== "UDP";
  }

  send(msg: AnySipMessage, dest: Destination): Promise<void> {
    this.sent.push({ at: this.wheel.now(), msg, dest });
    if (this.fail?.(msg)) return Promise.reject(new Error("connection refused"));
    return Promise.resolve();
  }

  /** Send times of requests with `method` (responses: of status `status`). */
  times(what: string | number): number[] {
    return this.sent.filter((s) =>
      typeof what === "number"
        ? s.msg.kind === "response" && s.msg.status === what
        : s.msg.kind === "request" && s.msg.method === what
    ).map((s) => s.at);
  }
}

/** A metrics sink that keeps every call as a string. */
export class RecordingMetrics implements TransactionMetricsSink {
  readonly calls: string[] = [];
  requestSent(method: string, retransmit: boolean) {
    this.calls.push(`requestSent ${method}${retransmit ? " retransmit" : ""}`);
  }
  responseReceived(method: string, status: number, latencyMs: number) {
    this.calls.push(`responseReceived ${method} ${status} ${latencyMs}ms`);
  }
  responseSent(method: string, status: number) {
    this.calls.push(`responseSent ${method} ${status}`);
  }
  timeout(method: string, timer: string) {
    this.calls.push(`timeout ${method} ${timer}`);
  }
  transportError(method: string) {
    this.calls.push(`transportError ${method}`);
  }
}

/** A virtual clock with 1 ms ticks and a fake transport on it. */
export function testbed(): { wheel: TimerWheel; transport: FakeTransport } {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  return { wheel, transport: new FakeTransport(wheel) };
}

export const UDP_PEER: Destination = { protocol: "UDP", host: "192.0.2.4", port: 5060 };
export const TCP_PEER: Destination = {
  protocol: "TCP",
  host: "192.0.2.4",
  port: 5060,
  flowId: "c1",
};

/** Options of {@link makeRequest}. */
export interface RequestSpec {
  branch?: string | null;
  transport?: string;
  sentBy?: string;
  callId?: string;
  cseq?: number;
  fromTag?: string;
  toTag?: string;
  uri?: string;
}

/** A request as a UA would send it (branch null: no branch parameter at all). */
export function makeRequest(method: string, spec: RequestSpec = {}): SipRequest {
  const req = new SipRequest(method, spec.uri ?? "sip:bob@biloxi.example.com");
  const branch = spec.branch === undefined ? "z9hG4bKnashds8" : spec.branch;
  const via = `SIP/2.0/${spec.transport ?? "UDP"} ${spec.sentBy ?? "pc33.atlanta.example.com"}`;
  req.addHeader("Via", branch === null ? via : `${via};branch=${branch}`);
  req.addHeader("Max-Forwards", "70");
  req.addHeader(
    "From",
    `Alice <sip:alice@atlanta.example.com>;tag=${spec.fromTag ?? "1928301774"}`,
  );
  req.addHeader(
    "To",
    `Bob <sip:bob@biloxi.example.com>${spec.toTag ? `;tag=${spec.toTag}` : ""}`,
  );
  req.addHeader("Call-ID", spec.callId ?? "a84b4c76e66710@pc33.atlanta.example.com");
  req.addHeader("CSeq", `${spec.cseq ?? 314159} ${method}`);
  return req;
}

/** The response a UAS would send to `req` (§8.2.6.2), with a To tag unless status is 100. */
export function makeResponse(
  req: SipRequest,
  status: number,
  reason = "Reason",
  toTag = "a6c85cf",
): SipResponse {
  const res = new SipResponse(status, reason);
  for (const via of req.headerValues("via")) res.addHeader("Via", via);
  res.addHeader("From", req.header("from")!);
  const to = req.header("to")!;
  res.addHeader("To", status === 100 || req.to.tag ? to : `${to};tag=${toTag}`);
  res.addHeader("Call-ID", req.callId);
  res.addHeader("CSeq", req.header("cseq")!);
  return res;
}

/** Client handlers that record every callback as a string. */
export function recordingHandlers(): ClientTransactionHandlers & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    onProvisional: (res: SipResponse) => log.push(`provisional ${res.status}`),
    onFinal: (res: SipResponse) => log.push(`final ${res.status}`),
    onTimeout: (timer: "B" | "F", _tx: ClientTransaction) => log.push(`timeout ${timer}`),
    onTransportError: (error: unknown) => log.push(`transport error ${(error as Error).message}`),
  };
}

/** Lets rejected transport promises reach the layer (they settle in microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
