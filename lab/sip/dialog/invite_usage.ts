/**
 * The INVITE dialog usage at run time: a plain object holding a {@link Dialog}, driven by
 * {@link inviteDialogChart} on lab/statechart's `ChartExecutor` — the chart's named actions are
 * implemented here, one executor shared by every usage.
 *
 * - UAC: every 2xx to an INVITE of the dialog is acknowledged, outside any transaction; a
 *   retransmitted 2xx (which RFC 6026 §7.2 / §8.4 hands to the core) gets the same ACK again
 *   (RFC 3261 §13.2.2.4).
 * - UAS: a 2xx to an INVITE is retransmitted at T1, 2·T1, 4·T1… capped at T2 until the ACK
 *   arrives; after 64·T1 without ACK the session is ended with a BYE (§13.3.1.4).
 * - Both: BYE sent / received (§15), 481/408 to a request in the dialog (§12.2.1.2).
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import { Dialog, type DialogOptions, type InDialogRequestVerdict } from "./dialog.ts";
import { ChartExecutor, type ChartInstance } from "../../statechart/mod.ts";
import {
  inviteDialogChart,
  type InviteDialogEvent,
  type InviteDialogStateName,
} from "./invite_dialog_chart.ts";
import { DEFAULT_TIMER_VALUES, type SipTimerValues, type TimerScheduler } from "./scheduler.ts";

/** The executor's record of one usage: the chart fields plus the usage its actions act on. */
interface InviteUsageRecord extends ChartInstance {
  state: InviteDialogStateName;
  readonly usage: InviteUsage;
}

/** The usage behind a chart context (every context the executor passes is a record). */
const usageOf = (context: ChartInstance): InviteUsage => (context as InviteUsageRecord).usage;

/** What an INVITE usage needs from the UA core. */
export interface InviteUsageHost {
  readonly scheduler: TimerScheduler;
  /**
   * UAS: resend a 2xx (§13.3.1.4). The core passes it to the transport, or to the server
   * transaction in its Accepted state, which forwards 2xx retransmissions (RFC 6026 §8.7).
   */
  retransmitResponse(response: SipResponse): void;
  /** UAC: an ACK for a 2xx, sent straight to the transport (§13.2.2.4, §17.1.1.3). */
  sendAck(ack: SipRequest): void;
  /** A request in the dialog (BYE) for a new non-INVITE client transaction. */
  sendRequest(request: SipRequest): void;
  /** UAC: the answer the ACK carries when the 2xx held an offer (§13.2.2.4). */
  ackBody?(response: SipResponse): { body: Uint8Array | string; contentType: string } | undefined;
  /** Called once when the usage reaches "terminated", with the event that ended it. */
  onTerminated?(usage: InviteUsage, cause: InviteDialogEvent["type"]): void;
}

/** Options of {@link InviteUsage}. */
export interface InviteUsageOptions {
  /** T1 / T2 (defaults 500 ms / 4 s). */
  timers?: Partial<SipTimerValues>;
  /** UAC: the INVITE that created the dialog (its CSeq and credentials go into the ACK). */
  invite?: SipRequest;
}

/**
 * One INVITE dialog usage.
 *
 * @example
 * ```ts
 * // UAC: the first 2xx (or 1xx with To tag) creates the usage, which sends the ACK.
 * const call = InviteUsage.uac(invite, ok200, host);
 * call.hangup(); // BYE through host.sendRequest
 * call.receiveResponse(byeOk); // → "terminated"
 * ```
 */
export class InviteUsage {
  /** The chart with its actions bound to the usages' effects below. */
  static readonly #executor = new ChartExecutor<InviteUsageRecord, InviteDialogEvent>(
    inviteDialogChart.provide({
      actions: {
        confirmDialog: ({ context, event }) => usageOf(context).#confirmDialog(event),
        acknowledge: ({ context, event }) => usageOf(context).#acknowledge(event),
        startRetransmitting: ({ context, event }) => usageOf(context).#startRetransmitting(event),
        retransmit: ({ context }) => usageOf(context).#retransmit(),
        stopRetransmitting: ({ context }) => usageOf(context).#stopRetransmitting(),
        sendBye: ({ context }) => usageOf(context).#sendBye(),
        endDialog: ({ context, event }) => usageOf(context).#endDialog(event),
      },
    }),
  );
  readonly dialog: Dialog;
  readonly #host: InviteUsageHost;
  readonly #timers: SipTimerValues;
  readonly #record: InviteUsageRecord;
  /** UAC: the latest INVITE this side sent in the dialog, and the ACK built for its 2xx. */
  #invite: SipRequest | undefined;
  #ack: SipRequest | undefined;
  /** UAS: the 2xx awaiting its ACK, the current retransmit interval and both timers. */
  #pending2xx: SipResponse | undefined;
  #interval = 0;
  #retransmitTimer: unknown;
  #ackTimer: unknown;

  constructor(dialog: Dialog, host: InviteUsageHost, opts: InviteUsageOptions = {}) {
    this.dialog = dialog;
    this.#host = host;
    this.#timers = { ...DEFAULT_TIMER_VALUES, ...opts.timers };
    this.#invite = opts.invite;
    this.#record = { state: "early", running: false, mailbox: undefined, usage: this };
    InviteUsage.#executor.start(this.#record);
  }

  /**
   * UAC: the usage for a dialog created by `response` (a 1xx with To tag or a 2xx) to `invite`
   * (§12.1.2); a 2xx is acknowledged at once.
   *
   * @example
   * ```ts
   * const call = InviteUsage.uac(invite, ringing, host); // "early"
   * ```
   */
  static uac(
    invite: SipRequest,
    response: SipResponse,
    host: InviteUsageHost,
    opts: InviteUsageOptions & { dialog?: DialogOptions } = {},
  ): InviteUsage {
    const dialog = Dialog.fromUacResponse(invite, response, opts.dialog);
    const usage = new InviteUsage(dialog, host, { ...opts, invite });
    usage.receiveResponse(response);
    return usage;
  }

  /**
   * UAS: the usage for an incoming INVITE answered with To tag `localTag` (§12.1.1), early
   * until {@link sendResponse} reports the 2xx.
   *
   * @example
   * ```ts
   * const call = InviteUsage.uas(invite, newTag(), host, { dialog: { localContact } });
   * ```
   */
  static uas(
    invite: SipRequest,
    localTag: string,
    host: InviteUsageHost,
    opts: InviteUsageOptions & { dialog?: DialogOptions } = {},
  ): InviteUsage {
    return new InviteUsage(Dialog.fromUasRequest(invite, localTag, opts.dialog), host, opts);
  }

  /** The chart state. */
  get state(): InviteDialogStateName {
    return this.#record.state;
  }

  /**
   * UAC: a re-INVITE in the dialog (§14.1); its 2xx will be acknowledged like the first.
   *
   * @example
   * ```ts
   * host.sendInvite(call.createReinvite({ body: sdp, contentType: "application/sdp" }));
   * ```
   */
  createReinvite(opts: Parameters<Dialog["createRequest"]>[1] = {}): SipRequest {
    const invite = this.dialog.createRequest("INVITE", opts);
    this.#invite = invite;
    this.#ack = undefined;
    return invite;
  }

  /**
   * A response to a request this side sent in the dialog: the INVITE's 1xx / 2xx / failure,
   * the BYE's final response, or any other in-dialog response.
   */
  receiveResponse(res: SipResponse): void {
    const method = res.cseq.method;
    if (res.status < 200) {
      if (method === "INVITE") this.dialog.receiveResponse(res);
      return;
    }
    if (method === "INVITE") {
      if (res.status < 300) this.#dispatch({ type: "TWO_XX_RECEIVED", response: res });
      else if (this.state === "early") this.#dispatch({ type: "EARLY_FAILED" });
      else this.#dispatch({ type: "IN_DIALOG_FAILURE", status: res.status });
      return;
    }
    if (method === "BYE") {
      this.#dispatch({ type: "BYE_COMPLETED" });
      return;
    }
    this.dialog.receiveResponse(res);
    if (res.status >= 300) this.#dispatch({ type: "IN_DIALOG_FAILURE", status: res.status });
  }

  /**
   * UAC: the INVITE transaction ended without confirming this early dialog — a non-2xx final
   * response with another To tag, or RFC 6026 Timer M after another fork's 2xx (§12.3: early
   * dialogs of a failed INVITE are terminated).
   */
  inviteEnded(): void {
    this.#dispatch({ type: "EARLY_FAILED" });
  }

  /** UAS: the core is sending `res` to an INVITE of this dialog. */
  sendResponse(res: SipResponse): void {
    if (res.cseq.method !== "INVITE") return;
    if (res.status < 200) this.dialog.adoptLocalContact(res);
    else if (res.status < 300) this.#dispatch({ type: "TWO_XX_SENT", response: res });
    else if (this.state === "early") this.#dispatch({ type: "EARLY_FAILED" });
  }

  /**
   * A request received in the dialog (the DialogStore found it). Checks CSeq and target
   * refresh (§12.2.2); an ACK matching the pending 2xx stops its retransmission; an accepted BYE
   * terminates the usage. The core answers with the verdict (200 for an accepted BYE, the
   * verdict's status when refused; never anything for an ACK).
   *
   * @example
   * ```ts
   * const v = call.receiveRequest(bye);
   * respond(bye, v.accepted ? 200 : v.status);
   * ```
   */
  receiveRequest(req: SipRequest): InDialogRequestVerdict {
    const verdict = this.dialog.receiveRequest(req);
    if (!verdict.accepted) return verdict;
    if (req.method === "ACK") {
      if (this.#pending2xx !== undefined && req.cseq.seq === this.#pending2xx.cseq.seq) {
        this.#dispatch({ type: "ACK_RECEIVED" });
      }
    } else if (req.method === "BYE") {
      this.#dispatch({ type: "BYE_RECEIVED" });
    }
    return verdict;
  }

  /**
   * Ends the call: BYE when confirmed (§15.1.1); deferred on the UAS until the 2xx is
   * acknowledged (§15). Returns false when nothing can be done in this state — in "early" the
   * caller cancels with `createCancel(invite)` instead, and the 487 ends the dialog. Called from
   * a host callback while the usage is processing an event, the hang-up is queued behind that
   * event and true is returned.
   */
  hangup(): boolean {
    return this.#dispatch({ type: "HANGUP" });
  }

  /** The client transaction of `request` (sent in this dialog) timed out (§12.2.1.2, §15.1.1). */
  requestTimedOut(request: SipRequest): void {
    if (request.method === "BYE") this.#dispatch({ type: "BYE_COMPLETED" });
    else if (request.method === "INVITE" && this.state === "early") {
      this.#dispatch({ type: "EARLY_FAILED" });
    } else this.#dispatch({ type: "IN_DIALOG_FAILURE", status: 408 });
  }

  /** Feeds `event` to the chart; false when the current state ignores it. */
  #dispatch(event: InviteDialogEvent): boolean {
    return InviteUsage.#executor.send(this.#record, event);
  }

  // ---- chart actions ------------------------------------------------------------------------

  #confirmDialog(e: InviteDialogEvent): void {
    if (e.type === "TWO_XX_RECEIVED" || e.type === "TWO_XX_SENT") this.dialog.confirm(e.response);
  }

  #acknowledge(e: InviteDialogEvent): void {
    if (e.type !== "TWO_XX_RECEIVED") return;
    const invite = this.#invite;
    const res = e.response;
    // Only the latest INVITE's 2xx is acknowledged; a stray older one has no INVITE to match.
    if (invite === undefined || res.cseq.seq !== invite.cseq.seq) return;
    if (this.#ack === undefined) {
      // §12.2.1.2: a 2xx to a re-INVITE refreshes the remote target before the ACK is built.
      this.dialog.receiveResponse(res);
      this.#ack = this.dialog.createAck(invite, this.#host.ackBody?.(res) ?? {});
    }
    this.#host.sendAck(this.#ack);
  }

  #startRetransmitting(e: InviteDialogEvent): void {
    if (e.type !== "TWO_XX_SENT") return;
    this.#pending2xx = e.response;
    this.#interval = this.#timers.t1;
    const scheduler = this.#host.scheduler;
    this.#retransmitTimer = scheduler.schedule(
      this.#interval,
      () => this.#dispatch({ type: "RETRANSMIT_DUE" }),
    );
    this.#ackTimer = scheduler.schedule(
      64 * this.#timers.t1,
      () => this.#dispatch({ type: "ACK_TIMEOUT" }),
    );
  }

  #retransmit(): void {
    if (this.#pending2xx === undefined) return;
    this.#host.retransmitResponse(this.#pending2xx);
    // §13.3.1.4: the interval doubles each time until it reaches T2.
    this.#interval = Math.min(2 * this.#interval, this.#timers.t2);
    this.#retransmitTimer = this.#host.scheduler.schedule(
      this.#interval,
      () => this.#dispatch({ type: "RETRANSMIT_DUE" }),
    );
  }

  #stopRetransmitting(): void {
    const scheduler = this.#host.scheduler;
    if (this.#retransmitTimer !== undefined) scheduler.cancel(this.#retransmitTimer);
    if (this.#ackTimer !== undefined) scheduler.cancel(this.#ackTimer);
    this.#retransmitTimer = undefined;
    this.#ackTimer = undefined;
    this.#pending2xx = undefined;
  }

  #sendBye(): void {
    this.#host.sendRequest(this.dialog.createRequest("BYE"));
  }

  #endDialog(e: InviteDialogEvent): void {
    this.#stopRetransmitting();
    this.dialog.terminate();
    this.#host.onTerminated?.(this, e.type);
  }
}
