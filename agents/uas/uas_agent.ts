/**
 * The lab UAS: answers every INVITE like SIPp's built-in `uas` scenario — 180 Ringing, then
 * after the ring time 200 OK with an SDP answer, waits for the ACK and the BYE. Each call is a
 * plain object driven by the compiled {@link basicCallUasChart}; the user agent core does the
 * RFC 3261 work (transactions, 2xx retransmission, CANCEL, BYE answers).
 *
 * @example
 * ```ts
 * const uas = await UasAgent.start({ listen: { protocol: "udp", host: "127.0.0.1", port: 0 } });
 * console.log(uas.address.port);
 * await uas.stop();
 * ```
 *
 * @module
 */
import { ChartExecutor, type ChartInstance } from "../../lab/statechart/mod.ts";
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import type { ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Dialog } from "../../lab/sip/dialog/mod.ts";
import { audioAnswer, SDP_CONTENT_TYPE } from "../../lab/media/sdp.ts";
import { diagnosticDefinition } from "../../lab/protocols/ocer/catalogue.ts";
import { msDiagnostics } from "../../lab/protocols/ocer/diagnostics_header.ts";
import { setDiagnostics } from "../../lab/protocols/ocer/message_diagnostics.ts";
import {
  type Endpoint,
  type EndpointOptions,
  type ListenAddress,
  openEndpoint,
} from "../sip_endpoint.ts";
import { basicCallUasChart, type UasCallEvent } from "./basic_call_chart.ts";

/** One answered (or answering) call. */
interface UasCall extends ChartInstance {
  readonly agent: UasAgent;
  readonly tx: ServerTransaction;
  readonly invite: SipRequest;
}

/** Calls by outcome since start, and calls in progress. */
export interface UasCounts {
  received: number;
  answered: number;
  completed: number;
  cancelled: number;
  failed: number;
  /** INVITEs refused because `maxCalls` calls were in progress. */
  refused: number;
  active: number;
}

/** Options of {@link UasAgent.start}. */
export interface UasAgentOptions {
  listen: ListenAddress;
  /** Time between 180 and 200 of the next call, ms (default 0: answer at once). */
  ringTimeMs?: () => number;
  wheel?: TimerWheel;
  metrics?: EndpointOptions["metrics"];
  uaMetrics?: EndpointOptions["uaMetrics"];
  tls?: EndpointOptions["tls"];
  /** User part of the Contact (default "uas"). */
  user?: string;
  /**
   * Calls in progress the agent takes at most (default: no limit); a new INVITE beyond them
   * is refused with 503 + ms-diagnostics 17000 "Server overloaded".
   */
  maxCalls?: number;
}

/** MS-OCER §8.16: ErrorId 17000, "Server overloaded". */
const OVERLOADED = 17000;
/** Seconds a refused caller is asked to wait (RFC 3261 §20.33 Retry-After, §21.5.4). */
const OVERLOAD_RETRY_AFTER_S = 5;

const utf8 = new TextDecoder();

const executor = new ChartExecutor<UasCall, UasCallEvent>(basicCallUasChart.provide({
  actions: {
    sendRinging: ({ context }) => (context as UasCall).agent.ring(context as UasCall),
    sendOk: ({ context }) => (context as UasCall).agent.answer(context as UasCall),
    recordAnswered: ({ context }) => void (context as UasCall).agent.counts.answered++,
    recordCompleted: ({ context }) =>
      (context as UasCall).agent.finish(context as UasCall, "completed"),
    recordCancelled: ({ context }) =>
      (context as UasCall).agent.finish(context as UasCall, "cancelled"),
    recordFailed: ({ context }) => (context as UasCall).agent.finish(context as UasCall, "failed"),
  },
}));

/** The lab's answering agent. */
export class UasAgent {
  readonly counts: UasCounts = {
    received: 0,
    answered: 0,
    completed: 0,
    cancelled: 0,
    failed: 0,
    refused: 0,
    active: 0,
  };
  readonly #calls = new Map<string, UasCall>();
  readonly #ringTimeMs: () => number;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  readonly #maxCalls: number;
  #endpoint!: Endpoint;
  /** The listening host without IPv6 brackets: the SDP connection address (RFC 4566 §5.7). */
  #mediaAddress = "";
  #sessionId = 1;

  private constructor(
    ringTimeMs: () => number,
    wheel: TimerWheel,
    ownsWheel: boolean,
    maxCalls: number,
  ) {
    this.#ringTimeMs = ringTimeMs;
    this.#wheel = wheel;
    this.#ownsWheel = ownsWheel;
    this.#maxCalls = maxCalls;
  }

  /** Binds the listening address and starts answering. */
  static async start(opts: UasAgentOptions): Promise<UasAgent> {
    const maxCalls = opts.maxCalls ?? Infinity;
    if (!(maxCalls >= 0)) throw new RangeError("maxCalls must be ≥ 0");
    const wheel = opts.wheel ?? new TimerWheel();
    const agent = new UasAgent(
      opts.ringTimeMs ?? (() => 0),
      wheel,
      opts.wheel === undefined,
      maxCalls,
    );
    agent.#endpoint = await openEndpoint({
      listen: opts.listen,
      user: opts.user ?? "uas",
      wheel,
      metrics: opts.metrics,
      uaMetrics: opts.uaMetrics,
      tls: opts.tls,
      handler: {
        onRequest: (tx, req, dialog) => agent.onRequest(tx, req, dialog),
        onAck: (ack) => agent.#send(ack.callId, { type: "ACK" }),
        onCancel: (tx) => agent.#send(tx.request.callId, { type: "CANCEL" }),
        onAckTimeout: (dialog) => agent.#send(dialog.id.callId, { type: "ACK_TIMEOUT" }),
        onDialogTerminated: (dialog, cause) => {
          if (cause === "BYE_RECEIVED") agent.#send(dialog.id.callId, { type: "BYE" });
        },
        onServerFailure: (tx) => agent.#send(tx.request.callId, { type: "SERVER_FAILURE" }),
      },
    });
    agent.#mediaAddress = agent.#endpoint.address.host.replace(/^\[|\]$/g, "");
    return agent;
  }

  /** Where the agent listens (with the port actually bound). */
  get address(): ListenAddress {
    return this.#endpoint.address;
  }

  /** Current state → number of calls in it (for the dashboard's live chart). */
  stateCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.#calls.values()) counts[call.state] = (counts[call.state] ?? 0) + 1;
    return counts;
  }

  /** Stops listening; calls in progress are dropped. */
  async stop(): Promise<void> {
    this.#calls.clear();
    await this.#endpoint.close();
    if (this.#ownsWheel) this.#wheel.stop();
  }

  /** A request the core passed up (§8.2 checks done). */
  onRequest(tx: ServerTransaction, req: SipRequest, dialog: Dialog | undefined): void {
    const core = this.#endpoint.core;
    if (req.method === "INVITE" && dialog === undefined) {
      if (this.counts.active >= this.#maxCalls) {
        this.#refuseOverloaded(tx, req);
        return;
      }
      const call: UasCall = {
        agent: this,
        tx,
        invite: req,
        state: "",
        running: false,
        mailbox: undefined,
      };
      this.counts.received++;
      this.counts.active++;
      this.#calls.set(req.callId, call);
      executor.start(call);
      executor.send(call, { type: "INVITE" });
      return;
    }
    if (req.method === "INVITE") {
      // A re-INVITE: accept the session as it stands (§14.2), no new offer processing.
      core.respond(tx, core.createResponse(req, 200));
      return;
    }
    // OPTIONS (§11.2) and anything else the core let through.
    core.respond(tx, core.createResponse(req, 200));
  }

  /**
   * At capacity: 503 Service Unavailable with Retry-After (RFC 3261 §21.5.4) and the reason in
   * ms-diagnostics (MS-OCER §2.2.1.1, ErrorId 17000 of §8.16, `source` this agent's address).
   */
  #refuseOverloaded(tx: ServerTransaction, req: SipRequest): void {
    const core = this.#endpoint.core;
    this.counts.refused++;
    const response = core.createResponse(req, 503);
    response.setHeader("Retry-After", String(OVERLOAD_RETRY_AFTER_S));
    const reason = diagnosticDefinition(OVERLOADED)?.reason ?? "Server overloaded";
    setDiagnostics(response, msDiagnostics(OVERLOADED, reason, this.#mediaAddress));
    core.respond(tx, response);
  }

  /** 180 Ringing, then the ring timer (the chart's `sendRinging`). */
  ring(call: UasCall): void {
    const core = this.#endpoint.core;
    core.respond(call.tx, core.createResponse(call.invite, 180));
    const ringMs = this.#ringTimeMs();
    if (ringMs <= 0) {
      executor.send(call, { type: "RING_TIME_ELAPSED" });
    } else {
      this.#wheel.schedule(ringMs, () => executor.send(call, { type: "RING_TIME_ELAPSED" }));
    }
  }

  /** 200 OK with the SDP answer, or 488 when the offer cannot be answered (§13.3.1.3). */
  answer(call: UasCall): void {
    const core = this.#endpoint.core;
    const offer = utf8.decode(call.invite.body);
    if (offer.length === 0) {
      core.respond(call.tx, core.createResponse(call.invite, 200));
      return;
    }
    let sdp: string;
    try {
      sdp = audioAnswer(offer, {
        address: this.#mediaAddress,
        port: 20000 + (this.#sessionId % 20000) * 2,
        sessionId: this.#sessionId++,
      });
    } catch {
      core.respond(call.tx, core.createResponse(call.invite, 488));
      executor.send(call, { type: "SERVER_FAILURE" });
      return;
    }
    core.respond(
      call.tx,
      core.createResponse(call.invite, 200, undefined, {
        body: sdp,
        contentType: SDP_CONTENT_TYPE,
      }),
    );
  }

  /** A call reached a final state (the chart's `record*` actions). */
  finish(call: UasCall, outcome: "completed" | "cancelled" | "failed"): void {
    this.counts[outcome]++;
    this.counts.active--;
    this.#calls.delete(call.invite.callId);
  }

  #send(callId: string, event: UasCallEvent): void {
    const call = this.#calls.get(callId);
    if (call) executor.send(call, event);
  }
}
