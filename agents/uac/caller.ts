/**
 * The lab UAC: places basic calls from many simulated users through one endpoint (one socket,
 * like SIPp), each call a plain object driven by the compiled {@link basicCallUacChart}.
 * Outcomes go to the RFC 6076 KPIs of the metrics registry and to the caller's callback, with
 * the failing response's `ms-diagnostics` when it had one (MS-OCER §2.2.1). A call can be
 * watched: {@link BasicCaller.call} returns a handle whose `state` is the call's chart state, and
 * an optional {@link CallTrace} hears of each message the call sends and receives.
 *
 * @example
 * ```ts
 * const caller = await BasicCaller.start({
 *   listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
 *   target: { protocol: "udp", host: "127.0.0.1", port: 5060 },
 *   holdTimeMs: () => 0,
 * });
 * caller.call({ aor: "sip:alice@lab.test", displayName: "Alice" }, (outcome) => console.log(outcome));
 * ```
 *
 * @module
 */
import { ChartExecutor, type ChartInstance } from "../../lab/statechart/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { readDiagnostics } from "../../lab/protocols/ocer/message_diagnostics.ts";
import type { Dialog } from "../../lab/sip/dialog/mod.ts";
import { type TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import type { OutgoingRequest, RequestCallbacks } from "../../lab/sip/ua/mod.ts";
import { audioOffer, SDP_CONTENT_TYPE } from "../../lab/media/sdp.ts";
import {
  type Endpoint,
  type EndpointOptions,
  type ListenAddress,
  openEndpoint,
} from "../sip_endpoint.ts";
import { basicCallUacChart, type UacCallEvent } from "./basic_call_chart.ts";

/** Who places a call. */
export interface CallingUser {
  aor: string;
  displayName?: string;
  /** Request-URI and To of this call; default the caller's `calleeUri`. */
  calleeUri?: string;
}

/** How one call ended. */
export interface CallOutcome {
  ok: boolean;
  /** The final status that decided it (the INVITE's, or 408/503 made up locally). */
  status?: number;
  reason?: string;
  /** INVITE sent → 2xx received, when answered. */
  setupMs?: number;
  /** The failing response's ms-diagnostics (or ms-diagnostics-public), when it had one. */
  diagnostics?: { code: string; reason?: string };
}

/**
 * Hears what one call sends and receives, at the call's level (the drill-down of the call
 * workload). The ACK of a 2xx and the answer to a BYE from the far end are the core's
 * (§13.2.2.4, §15.1.2) and not reported.
 */
export interface CallTrace {
  /** The INVITE left (§13.2.1), as sent. */
  inviteSent(invite: SipRequest): void;
  /** A provisional or final response to the INVITE (a locally made 408/503 included). */
  inviteResponse(response: SipResponse): void;
  /** This side hung up: a BYE to `target` left (§15.1.1). */
  byeSent(target: string): void;
  /** The BYE this side sent ended (answered, or its transaction gave up). */
  byeEnded(): void;
  /** The far end hung up (its BYE arrived, §15.1.2). */
  byeReceived(): void;
}

/** A call in progress, as {@link BasicCaller.call} returns it. */
export interface CallHandle {
  /** The call's state in {@link basicCallUacChart} (`ringing`, `connected`, `completed`…). */
  readonly state: string;
}

/** RFC 6076 KPI recorder; `MetricsRegistry.kpi` fits. */
export interface SessionKpis {
  sessionAttempt(): void;
  sessionRequestDelay(srdMs: number): void;
  sessionEstablished(setupMs: number): void;
  sessionFailed(cause: number | "timeout" | "transport"): void;
  sessionEnded(end: { durationMs: number; disconnectDelayMs?: number; completed?: boolean }): void;
}

/** Options of {@link BasicCaller.start}. */
export interface BasicCallerOptions {
  listen: ListenAddress;
  /** Where calls go (the lab UAS, SIPp, a proxy). */
  target: ListenAddress;
  /** Request-URI / To of every call; default `sip:service@<target host>:<port>`. */
  calleeUri?: string;
  /** Hold time of the next call, ms. */
  holdTimeMs: () => number;
  /** CANCEL when no final answer arrives in time (default 32 s, = Timer B). */
  answerTimeoutMs?: number;
  /** Offer SDP in the INVITE (default true). */
  sdp?: boolean;
  wheel?: TimerWheel;
  metrics?: EndpointOptions["metrics"];
  uaMetrics?: EndpointOptions["uaMetrics"];
  kpi?: SessionKpis;
  tls?: EndpointOptions["tls"];
}

/** One call in progress: chart state plus what its actions need. */
interface UacCall extends ChartInstance, RequestCallbacks {
  readonly caller: BasicCaller;
  readonly user: CallingUser;
  readonly done: (outcome: CallOutcome) => void;
  readonly trace: CallTrace | undefined;
  callId: string;
  sentAt: number;
  answeredAt: number;
  byeAt: number;
  provisional: boolean;
  outgoing: OutgoingRequest | undefined;
  dialog: Dialog | undefined;
  final: SipResponse | undefined;
  timer: TimerHandle | undefined;
}

const executor = new ChartExecutor<UacCall, UacCallEvent>(basicCallUacChart.provide({
  actions: {
    sendInvite: ({ context }) => (context as UacCall).caller.invite(context as UacCall),
    recordProvisional: ({ context }) => (context as UacCall).caller.provisional(context as UacCall),
    recordAnswered: ({ context }) => (context as UacCall).caller.answered(context as UacCall),
    cancelInvite: ({ context }) => void (context as UacCall).outgoing?.cancel(),
    armHoldTimer: ({ context }) => (context as UacCall).caller.hold(context as UacCall),
    sendBye: ({ context }) => (context as UacCall).caller.bye(context as UacCall),
    recordCompleted: ({ context }) => (context as UacCall).caller.completed(context as UacCall),
    recordFailed: ({ context }) => (context as UacCall).caller.failed(context as UacCall),
  },
}));

/** Events for the callbacks the core calls on a call's INVITE. */
function onProvisional(this: UacCall, res: SipResponse): void {
  this.trace?.inviteResponse(res);
  executor.send(this, { type: "PROVISIONAL" });
}

function onFinal(
  this: UacCall,
  res: SipResponse,
  dialog: Dialog | undefined,
  sent: OutgoingRequest,
): void {
  this.final = res;
  this.trace?.inviteResponse(res);
  if (res.status >= 200 && res.status < 300) {
    if (this.dialog !== undefined && dialog !== this.dialog) {
      // A second fork answered too (§13.2.2.4): keep the first call, end the extra dialog.
      if (dialog) this.caller.hangupExtra(dialog);
      return;
    }
    this.dialog = dialog;
    executor.send(this, { type: "ANSWERED" });
  } else if (sent.failure === "timeout") {
    executor.send(this, { type: "TIMEOUT" });
  } else if (sent.failure === "transport-error") {
    executor.send(this, { type: "TRANSPORT_ERROR" });
  } else {
    executor.send(this, { type: "REJECTED" });
  }
}

/** The lab's calling agent. */
export class BasicCaller {
  readonly #opts: BasicCallerOptions;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  readonly #destination: Destination;
  readonly #calleeUri: string;
  readonly #calls = new Map<string, UacCall>();
  #endpoint!: Endpoint;
  /** The listening host without IPv6 brackets: the SDP connection address (RFC 4566 §5.7). */
  #mediaAddress = "";
  #sessionId = 1;
  #active = 0;

  private constructor(opts: BasicCallerOptions, wheel: TimerWheel) {
    this.#opts = opts;
    this.#wheel = wheel;
    this.#ownsWheel = opts.wheel === undefined;
    const t = opts.target;
    this.#destination = { protocol: t.protocol, host: t.host, port: t.port };
    const transportParam = t.protocol === "udp" ? "" : `;transport=${t.protocol}`;
    this.#calleeUri = opts.calleeUri ?? `sip:service@${t.host}:${t.port}${transportParam}`;
  }

  /** Binds the local endpoint. */
  static async start(opts: BasicCallerOptions): Promise<BasicCaller> {
    const wheel = opts.wheel ?? new TimerWheel();
    const caller = new BasicCaller(opts, wheel);
    try {
      caller.#endpoint = await openEndpoint({
        listen: opts.listen,
        user: "uac",
        wheel,
        metrics: opts.metrics,
        uaMetrics: opts.uaMetrics,
        tls: opts.tls,
        handler: {
          onRequest: (tx, req) => {
            // OPTIONS and anything else the core let through (§11.2).
            const core = caller.#endpoint.core;
            core.respond(tx, core.createResponse(req, 200));
          },
          onDialogTerminated: (dialog, cause) => caller.#dialogEnded(dialog, cause),
        },
      });
    } catch (error) {
      if (caller.#ownsWheel) wheel.stop();
      throw error;
    }
    caller.#mediaAddress = caller.#endpoint.address.host.replace(/^\[|\]$/g, "");
    return caller;
  }

  /** Where the caller's endpoint listens. */
  get address(): ListenAddress {
    return this.#endpoint.address;
  }

  /** Calls in progress. */
  get active(): number {
    return this.#active;
  }

  /** Current state → number of calls in it (for the dashboard's live chart). */
  stateCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.#calls.values()) counts[call.state] = (counts[call.state] ?? 0) + 1;
    return counts;
  }

  /**
   * Places one call for `user`; `done` is called exactly once when it ends. `trace`, when
   * given, hears of each message; the handle shows the call's state while it runs.
   */
  call(user: CallingUser, done: (outcome: CallOutcome) => void, trace?: CallTrace): CallHandle {
    const call: UacCall = {
      caller: this,
      user,
      done,
      trace,
      callId: "",
      sentAt: 0,
      answeredAt: 0,
      byeAt: 0,
      provisional: false,
      outgoing: undefined,
      dialog: undefined,
      final: undefined,
      timer: undefined,
      state: "",
      running: false,
      mailbox: undefined,
      onProvisional,
      onFinal,
    };
    this.#active++;
    executor.start(call);
    executor.send(call, { type: "START" });
    return call;
  }

  /** Stops the endpoint; calls in progress end without their callbacks. */
  async stop(): Promise<void> {
    for (const call of this.#calls.values()) this.#cancelTimer(call);
    this.#calls.clear();
    await this.#endpoint.close();
    if (this.#ownsWheel) this.#wheel.stop();
  }

  /** The chart's `sendInvite`: INVITE with an SDP offer, answer timer armed (§13.2.1). */
  invite(call: UacCall): void {
    const core = this.#endpoint.core;
    const from = call.user.displayName
      ? `"${call.user.displayName}" <${call.user.aor}>`
      : call.user.aor;
    const body = this.#opts.sdp === false ? undefined : audioOffer({
      address: this.#mediaAddress,
      port: 30000 + (this.#sessionId % 15000) * 2,
      sessionId: this.#sessionId++,
    });
    const invite = core.createRequest("INVITE", {
      to: call.user.calleeUri ?? this.#calleeUri,
      from,
      body,
      contentType: body ? SDP_CONTENT_TYPE : undefined,
    });
    call.callId = invite.callId;
    this.#calls.set(call.callId, call);
    call.sentAt = performance.now();
    this.#opts.kpi?.sessionAttempt();
    call.timer = this.#wheel.schedule(
      this.#opts.answerTimeoutMs ?? 32_000,
      () => executor.send(call, { type: "ANSWER_TIMEOUT" }),
    );
    call.outgoing = core.request(invite, this.#destination, call);
    call.trace?.inviteSent(call.outgoing.request);
  }

  /** The chart's `recordProvisional`: first 1xx → session request delay (RFC 6076 §4.2). */
  provisional(call: UacCall): void {
    if (call.provisional) return;
    call.provisional = true;
    this.#opts.kpi?.sessionRequestDelay(performance.now() - call.sentAt);
  }

  /** The chart's `recordAnswered`: the core has ACKed the 2xx (§13.2.2.4). */
  answered(call: UacCall): void {
    this.#cancelTimer(call);
    call.answeredAt = performance.now();
    this.#opts.kpi?.sessionEstablished(call.answeredAt - call.sentAt);
  }

  /** The chart's `armHoldTimer`. */
  hold(call: UacCall): void {
    const holdMs = Math.max(0, this.#opts.holdTimeMs());
    call.timer = this.#wheel.schedule(holdMs, () => {
      call.timer = undefined;
      executor.send(call, { type: "HOLD_ELAPSED" });
    });
  }

  /** The chart's `sendBye` (§15.1.1); the core reports the end through onDialogTerminated. */
  bye(call: UacCall): void {
    call.byeAt = performance.now();
    if (call.dialog === undefined || !this.#endpoint.core.hangup(call.dialog)) {
      executor.send(call, { type: "BYE_COMPLETED" });
      return;
    }
    call.trace?.byeSent(call.dialog.remoteTarget);
  }

  /** The chart's `recordCompleted`. */
  completed(call: UacCall): void {
    this.#cancelTimer(call);
    const now = performance.now();
    this.#opts.kpi?.sessionEnded({
      durationMs: (call.byeAt || now) - call.answeredAt,
      disconnectDelayMs: call.byeAt ? now - call.byeAt : undefined,
      completed: true,
    });
    this.#end(call, {
      ok: true,
      status: call.final?.status,
      setupMs: call.answeredAt - call.sentAt,
    });
  }

  /** The chart's `recordFailed`. */
  failed(call: UacCall): void {
    this.#cancelTimer(call);
    const res = call.final;
    const cause = call.outgoing?.failure === "timeout"
      ? "timeout"
      : call.outgoing?.failure === "transport-error"
      ? "transport"
      : res?.status ?? "timeout";
    this.#opts.kpi?.sessionFailed(cause);
    const diagnostics = res === undefined ? undefined : diagnosticsOf(res);
    this.#end(call, {
      ok: false,
      status: res?.status,
      reason: res ? `${res.status} ${res.reason}` : "no final response",
      ...(diagnostics === undefined ? {} : { diagnostics }),
    });
  }

  /** A second fork's 2xx: the core ACKed it; end that dialog at once (§13.2.2.4). */
  hangupExtra(dialog: Dialog): void {
    this.#endpoint.core.hangup(dialog);
  }

  #dialogEnded(dialog: Dialog, cause: string): void {
    const call = this.#calls.get(dialog.id.callId);
    if (!call || call.dialog !== dialog) return;
    if (cause === "BYE_RECEIVED") {
      call.trace?.byeReceived();
      executor.send(call, { type: "REMOTE_BYE" });
    } else if (cause === "BYE_COMPLETED" || cause === "IN_DIALOG_FAILURE") {
      if (call.byeAt !== 0) call.trace?.byeEnded();
      executor.send(call, { type: "BYE_COMPLETED" });
    }
  }

  #cancelTimer(call: UacCall): void {
    if (call.timer !== undefined) {
      this.#wheel.cancel(call.timer);
      call.timer = undefined;
    }
  }

  #end(call: UacCall, outcome: CallOutcome): void {
    // The INVITE's client transaction keeps the call (its TU) until Timer M, 64*T1 (RFC 6026
    // §7.2): drop the final response now that the outcome holds what it told.
    call.final = undefined;
    this.#calls.delete(call.callId);
    this.#active--;
    call.done(outcome);
  }
}

/**
 * The ms-diagnostics of a failure response (MS-OCER §2.2.1.1), or its public form (§2.2.1.2)
 * when only that crossed an edge; unparsable values count as absent (MS-OCER.md §6).
 */
function diagnosticsOf(res: SipResponse): CallOutcome["diagnostics"] {
  const found = readDiagnostics(res) ?? readDiagnostics(res, "ms-diagnostics-public");
  if (found === undefined) return undefined;
  return { code: [found.errorId, ...found.subErrorIds].join("."), reason: found.reason };
}
