/**
 * The user agent core's side of one INVITE dialog usage (lab/sip/dialog `InviteUsage`): it is
 * the usage's host — sending its ACKs, 2xx retransmissions and BYEs through the core — and it
 * remembers what the core needs about the dialog (where its peer is, the INVITE server
 * transaction of a pending 2xx). One small object per call; no closures.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import type { Destination, ServerTransaction } from "../transaction/mod.ts";
import type { TimerWheel } from "../timer/mod.ts";
import type { InDialogRequestVerdict, InviteUsage, InviteUsageHost } from "../dialog/mod.ts";
import type { AckBody, RequestCallbacks } from "./handler.ts";
import { NO_CALLBACKS, type UaContext } from "./ua_context.ts";

/**
 * One INVITE dialog as the core sees it.
 *
 * @example
 * ```ts
 * const link = new InviteLink(context, tx.source);
 * link.usage = InviteUsage.uas(invite, tag, link);
 * ```
 */
export class InviteLink implements InviteUsageHost {
  /** The usage; set right after construction (the usage needs its host first). */
  usage!: InviteUsage;
  readonly scheduler: TimerWheel;
  /** UAS: the INVITE server transaction whose 2xx is being retransmitted (RFC 6026 §8.7). */
  serverTx: ServerTransaction | undefined = undefined;
  /** UAC: the callbacks of the INVITE whose 2xx is acknowledged (for the ACK's body). */
  callbacks: RequestCallbacks | undefined = undefined;
  /** UAS: a 2xx went out and its ACK has not arrived (§13.3.1.4). */
  awaitingAck = false;
  #deliveringAck = false;

  constructor(
    readonly context: UaContext,
    /** The peer's address when the dialog was set up: the fallback next hop (§8.1.2). */
    readonly destination: Destination,
  ) {
    this.scheduler = context.wheel;
  }

  /**
   * §13.3.1.4: the 2xx again. While the INVITE server transaction is in Accepted it sends it
   * (RFC 6026 §8.7); once Timer L ended it, the core sends it to the same place itself.
   */
  retransmitResponse(response: SipResponse): void {
    if (this.context.stopped) return;
    const tx = this.serverTx;
    if (tx !== undefined && tx.respond(response)) return;
    this.context.sendDirect(response, tx?.source ?? this.destination);
  }

  /** §13.2.2.4: the ACK for a 2xx goes straight to the transport (§17.1.1.3: no transaction). */
  sendAck(ack: SipRequest): void {
    if (this.context.stopped) return;
    const destination = this.context.destinationFor(ack, this.destination);
    this.context.prepareOwnRequest(ack, destination);
    this.context.sendDirect(ack, destination);
  }

  /**
   * A request the usage sends in the dialog: the BYE of a hang-up, or the BYE that follows a
   * 2xx never acknowledged within 64*T1 (§13.3.1.4), which the agent is told about.
   */
  sendRequest(request: SipRequest): void {
    if (this.context.stopped) return;
    if (request.method === "BYE" && this.awaitingAck && !this.#deliveringAck) {
      this.awaitingAck = false;
      this.context.ackTimedOut(this);
    }
    this.context.sendRequest(
      request,
      this.context.destinationFor(request, this.destination),
      NO_CALLBACKS,
      true,
    );
  }

  /** UAC: the body of the ACK for `response`, from the agent (§13.2.2.4). */
  ackBody(response: SipResponse): AckBody | undefined {
    return this.callbacks?.ackBody?.(response);
  }

  onTerminated(_usage: InviteUsage, cause: string): void {
    this.context.dialogEnded(this, cause);
  }

  /** UAS: an ACK in the dialog; the usage stops retransmitting the 2xx it acknowledges. */
  receiveAck(ack: SipRequest): InDialogRequestVerdict {
    this.#deliveringAck = true;
    try {
      const verdict = this.usage.receiveRequest(ack);
      if (verdict.accepted) this.awaitingAck = false;
      return verdict;
    } finally {
      this.#deliveringAck = false;
    }
  }
}
