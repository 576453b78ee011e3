/**
 * Basic calls of standard-SIP users through a registrar-proxy: the lab's own call charts
 * ({@link basicCallUacChart}, {@link basicCallUasChart} from agents/uac and agents/uas) run
 * with actions bound here to a shared user agent core, so that one endpoint carries the calls
 * of many users and the INVITE is signed with the caller's Digest credentials.
 *
 * A 401/407 to the INVITE never reaches the chart: the core has ACKed it (RFC 3261 §17.1.1.3),
 * and when the Digest client can answer, the INVITE goes again with the same Call-ID, From tag
 * and body and CSeq one higher (§22.1, §22.3). Everything else follows the charts: 180, 200
 * with the SDP answer, the ACK, hold, BYE.
 *
 * @example
 * ```ts
 * const calls = new SimpleCalls({ mediaAddress: "127.0.0.1" });
 * calls.call(alice, "sip:bob@lab.test", { holdMs: 10 }, (outcome) => console.log(outcome));
 * ```
 *
 * @module
 */
import { ChartExecutor, type ChartInstance } from "../../lab/statechart/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { Dialog } from "../../lab/sip/dialog/mod.ts";
import type { TimerHandle } from "../../lab/sip/timer/mod.ts";
import type { ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import type { OutgoingRequest, RequestCallbacks } from "../../lab/sip/ua/mod.ts";
import { audioAnswer, audioOffer, SDP_CONTENT_TYPE } from "../../lab/media/sdp.ts";
import { basicCallUacChart, type UacCallEvent } from "../uac/basic_call_chart.ts";
import { basicCallUasChart, type UasCallEvent } from "../uas/basic_call_chart.ts";
import type { CallOutcome } from "../uac/caller.ts";
import {
  answerChallenge,
  isChallenge,
  nextAttempt,
  sendSigned,
  type SimpleUserContext,
} from "./user_context.ts";

/** Options of one outgoing call. */
export interface CallOptions {
  /** Time between the ACK and the BYE, ms (default 0). */
  holdMs?: number;
  /** CANCEL when no final answer arrives in time (default 32 s, = Timer B). */
  answerTimeoutMs?: number;
}

/** Calls answered by this client's users, by outcome. */
export interface AnsweredCallCounts {
  received: number;
  completed: number;
  cancelled: number;
  failed: number;
}

/** Calls placed by this client's users, by what happened to them. */
export interface PlacedCallCounts {
  attempted: number;
  /** A provisional response arrived (RFC 6076 §4.2: the session request delay ends). */
  ringing: number;
  answered: number;
  completed: number;
  failed: number;
}

/** How many signed INVITE retries follow challenges before the call fails. */
const MAX_CHALLENGE_ROUNDS = 2;

interface OutgoingCall extends ChartInstance, RequestCallbacks {
  readonly calls: SimpleCalls;
  readonly user: SimpleUserContext;
  readonly to: string;
  readonly options: CallOptions;
  readonly done: (outcome: CallOutcome) => void;
  invite: SipRequest | undefined;
  outgoing: OutgoingRequest | undefined;
  dialog: Dialog | undefined;
  final: SipResponse | undefined;
  timer: TimerHandle | undefined;
  rounds: number;
  sentAt: number;
  answeredAt: number;
}

interface IncomingCall extends ChartInstance {
  readonly calls: SimpleCalls;
  readonly user: SimpleUserContext;
  readonly tx: ServerTransaction;
  readonly invite: SipRequest;
}

const uac = new ChartExecutor<OutgoingCall, UacCallEvent>(basicCallUacChart.provide({
  actions: {
    sendInvite: ({ context }) =>
      (context as OutgoingCall).calls.sendInvite(context as OutgoingCall),
    recordProvisional: ({ context }) => void (context as OutgoingCall).calls.placed.ringing++,
    recordAnswered: ({ context }) => {
      const call = context as OutgoingCall;
      call.calls.placed.answered++;
      call.calls.cancelTimer(call);
      call.answeredAt = performance.now();
    },
    cancelInvite: ({ context }) => void (context as OutgoingCall).outgoing?.cancel(),
    armHoldTimer: ({ context }) => (context as OutgoingCall).calls.hold(context as OutgoingCall),
    sendBye: ({ context }) => (context as OutgoingCall).calls.bye(context as OutgoingCall),
    recordCompleted: ({ context }) =>
      (context as OutgoingCall).calls.finishOutgoing(context as OutgoingCall, true),
    recordFailed: ({ context }) =>
      (context as OutgoingCall).calls.finishOutgoing(context as OutgoingCall, false),
  },
}));

const uas = new ChartExecutor<IncomingCall, UasCallEvent>(basicCallUasChart.provide({
  actions: {
    sendRinging: ({ context }) => (context as IncomingCall).calls.ring(context as IncomingCall),
    sendOk: ({ context }) => (context as IncomingCall).calls.answer(context as IncomingCall),
    recordAnswered: () => {},
    recordCompleted: ({ context }) =>
      (context as IncomingCall).calls.finishIncoming(context as IncomingCall, "completed"),
    recordCancelled: ({ context }) =>
      (context as IncomingCall).calls.finishIncoming(context as IncomingCall, "cancelled"),
    recordFailed: ({ context }) =>
      (context as IncomingCall).calls.finishIncoming(context as IncomingCall, "failed"),
  },
}));

function onFinal(
  this: OutgoingCall,
  response: SipResponse,
  dialog: Dialog | undefined,
  sent: OutgoingRequest,
): void {
  if (sent !== this.outgoing) {
    // A late 2xx of a superseded attempt: the core ACKed it; end that dialog at once.
    if (dialog !== undefined && response.status < 300) this.user.core.hangup(dialog);
    return;
  }
  this.final = response;
  if (response.status >= 200 && response.status < 300) {
    if (this.dialog !== undefined) {
      // Another fork answered too (§13.2.2.4): keep the first dialog.
      if (dialog !== undefined && dialog !== this.dialog) this.user.core.hangup(dialog);
      return;
    }
    this.dialog = dialog;
    uac.send(this, { type: "ANSWERED" });
  } else if (
    isChallenge(response) && this.rounds < MAX_CHALLENGE_ROUNDS &&
    this.state !== "cancelling" && answerChallenge(this.user, response) === "answered"
  ) {
    this.rounds++;
    this.calls.resendInvite(this);
  } else if (sent.failure === "timeout") {
    uac.send(this, { type: "TIMEOUT" });
  } else if (sent.failure === "transport-error") {
    uac.send(this, { type: "TRANSPORT_ERROR" });
  } else {
    uac.send(this, { type: "REJECTED" });
  }
}

function onProvisional(
  this: OutgoingCall,
  _response: SipResponse,
  _d: unknown,
  sent: OutgoingRequest,
) {
  if (sent === this.outgoing) uac.send(this, { type: "PROVISIONAL" });
}

/** The calls of every user on one endpoint. */
export class SimpleCalls {
  readonly answered: AnsweredCallCounts = { received: 0, completed: 0, cancelled: 0, failed: 0 };
  readonly placed: PlacedCallCounts = {
    attempted: 0,
    ringing: 0,
    answered: 0,
    completed: 0,
    failed: 0,
  };
  readonly #mediaAddress: string;
  readonly #outgoing = new Map<string, OutgoingCall>();
  readonly #incoming = new Map<string, IncomingCall>();
  #sessionId = 1;

  constructor(options: { mediaAddress: string }) {
    this.#mediaAddress = options.mediaAddress;
  }

  /** Calls `to` as `user`; `done` is called once with the outcome. */
  call(
    user: SimpleUserContext,
    to: string,
    options: CallOptions,
    done: (outcome: CallOutcome) => void,
  ): void {
    const call: OutgoingCall = {
      calls: this,
      user,
      to,
      options,
      done,
      invite: undefined,
      outgoing: undefined,
      dialog: undefined,
      final: undefined,
      timer: undefined,
      rounds: 0,
      sentAt: 0,
      answeredAt: 0,
      state: "",
      running: false,
      mailbox: undefined,
      onFinal,
      onProvisional,
    };
    this.placed.attempted++;
    uac.start(call);
    uac.send(call, { type: "START" });
  }

  /** An INVITE outside any dialog for `user` (RFC 3261 §13.3): ring, then answer. */
  incoming(user: SimpleUserContext, tx: ServerTransaction, invite: SipRequest): void {
    const call: IncomingCall = {
      calls: this,
      user,
      tx,
      invite,
      state: "",
      running: false,
      mailbox: undefined,
    };
    this.answered.received++;
    this.#incoming.set(invite.callId, call);
    uas.start(call);
    uas.send(call, { type: "INVITE" });
  }

  /** The ACK for an answered call's 2xx (§13.3.1.4). */
  acknowledged(callId: string): void {
    const call = this.#incoming.get(callId);
    if (call !== undefined) uas.send(call, { type: "ACK" });
  }

  /** A CANCEL stopped a ringing call (§9.2). */
  cancelled(callId: string): void {
    const call = this.#incoming.get(callId);
    if (call !== undefined) uas.send(call, { type: "CANCEL" });
  }

  /** No ACK for the 2xx (§13.3.1.4) or the INVITE server transaction failed. */
  serverFailed(callId: string, cause: "ACK_TIMEOUT" | "SERVER_FAILURE"): void {
    const call = this.#incoming.get(callId);
    if (call !== undefined) uas.send(call, { type: cause });
  }

  /** An INVITE dialog ended (the core's `onDialogTerminated`). */
  dialogEnded(dialog: Dialog, cause: string): void {
    const callId = dialog.id.callId;
    const incoming = this.#incoming.get(callId);
    if (incoming !== undefined && cause === "BYE_RECEIVED") uas.send(incoming, { type: "BYE" });
    const outgoing = this.#outgoing.get(callId);
    if (outgoing === undefined || outgoing.dialog !== dialog) return;
    if (cause === "BYE_RECEIVED") uac.send(outgoing, { type: "REMOTE_BYE" });
    else if (cause === "BYE_COMPLETED" || cause === "IN_DIALOG_FAILURE") {
      uac.send(outgoing, { type: "BYE_COMPLETED" });
    }
  }

  /** Calls in progress, both directions. */
  get active(): number {
    return this.#outgoing.size + this.#incoming.size;
  }

  /** Forgets every call (the client is closing); their callbacks never come. */
  clear(): void {
    for (const call of this.#outgoing.values()) this.cancelTimer(call);
    this.#outgoing.clear();
    this.#incoming.clear();
  }

  // ---- UAC chart actions ---------------------------------------------------------------------

  /** `sendInvite`: INVITE with an SDP offer through the server (§13.2.1), answer timer armed. */
  sendInvite(call: OutgoingCall): void {
    const user = call.user;
    const body = audioOffer({
      address: this.#mediaAddress,
      port: 30000 + (this.#sessionId % 15000) * 2,
      sessionId: this.#sessionId++,
    });
    const invite = user.core.createRequest("INVITE", {
      to: call.to,
      from: user.fromValue,
      body,
      contentType: SDP_CONTENT_TYPE,
    });
    invite.setHeader("Contact", user.contact);
    call.invite = invite;
    this.#outgoing.set(invite.callId, call);
    call.sentAt = performance.now();
    call.timer = user.wheel.schedule(
      call.options.answerTimeoutMs ?? 32_000,
      () => uac.send(call, { type: "ANSWER_TIMEOUT" }),
    );
    call.outgoing = sendSigned(user, invite, call);
  }

  /** The INVITE again after a challenge, signed (§22.1). */
  resendInvite(call: OutgoingCall): void {
    if (call.invite === undefined) return;
    call.invite = nextAttempt(call.invite);
    call.outgoing = sendSigned(call.user, call.invite, call);
  }

  hold(call: OutgoingCall): void {
    call.timer = call.user.wheel.schedule(Math.max(0, call.options.holdMs ?? 0), () => {
      call.timer = undefined;
      uac.send(call, { type: "HOLD_ELAPSED" });
    });
  }

  /** `sendBye` (§15.1.1); the end is reported through {@link dialogEnded}. */
  bye(call: OutgoingCall): void {
    if (call.dialog === undefined || !call.user.core.hangup(call.dialog)) {
      uac.send(call, { type: "BYE_COMPLETED" });
    }
  }

  cancelTimer(call: OutgoingCall): void {
    if (call.timer !== undefined) call.user.wheel.cancel(call.timer);
    call.timer = undefined;
  }

  finishOutgoing(call: OutgoingCall, ok: boolean): void {
    this.cancelTimer(call);
    this.placed[ok ? "completed" : "failed"]++;
    if (call.invite !== undefined) this.#outgoing.delete(call.invite.callId);
    const response = call.final;
    call.final = undefined;
    const outcome: CallOutcome = ok
      ? { ok, status: response?.status, setupMs: call.answeredAt - call.sentAt }
      : {
        ok,
        status: response?.status,
        reason: response ? `${response.status} ${response.reason}` : "no final response",
      };
    call.done(outcome);
  }

  // ---- UAS chart actions ---------------------------------------------------------------------

  /** `sendRinging`: 180 (§13.3.1.1), then answer at once. */
  ring(call: IncomingCall): void {
    const core = call.user.core;
    core.respond(
      call.tx,
      core.createResponse(call.invite, 180, undefined, {
        contact: call.user.contact,
      }),
    );
    uas.send(call, { type: "RING_TIME_ELAPSED" });
  }

  /** `sendOk`: 200 with the SDP answer (§13.3.1.4), or 488 when the offer is unusable. */
  answer(call: IncomingCall): void {
    const core = call.user.core;
    const offer = new TextDecoder().decode(call.invite.body);
    let sdp: string | undefined;
    if (offer.length > 0) {
      try {
        sdp = audioAnswer(offer, {
          address: this.#mediaAddress,
          port: 20000 + (this.#sessionId % 20000) * 2,
          sessionId: this.#sessionId++,
        });
      } catch {
        // RFC 3264 §6: no acceptable media.
        core.respond(call.tx, core.createResponse(call.invite, 488));
        uas.send(call, { type: "SERVER_FAILURE" });
        return;
      }
    }
    core.respond(
      call.tx,
      core.createResponse(call.invite, 200, undefined, {
        contact: call.user.contact,
        body: sdp,
        contentType: sdp === undefined ? undefined : SDP_CONTENT_TYPE,
      }),
    );
  }

  finishIncoming(call: IncomingCall, outcome: "completed" | "cancelled" | "failed"): void {
    this.answered[outcome]++;
    this.#incoming.delete(call.invite.callId);
  }
}
