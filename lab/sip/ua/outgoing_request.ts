/**
 * One request sent by the user agent core (RFC 3261 §8.1): it is the client transaction's TU
 * handlers object, turns responses into dialogs (§12.1.2: early on a 1xx with To tag,
 * confirmed on a 2xx, one per fork), makes up the 408/503 of §8.1.3.1, and sends the CANCEL of
 * §9.1 once a provisional response allows it.
 *
 * @module
 */
import type { SipResponse } from "../message/message.ts";
import type { SipRequest } from "../message/message.ts";
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  Destination,
} from "../transaction/mod.ts";
import { createCancel, type Dialog } from "../dialog/mod.ts";
import type { OutgoingRequest, RequestCallbacks } from "./handler.ts";
import { buildResponse } from "./response_builder.ts";
import { NO_CALLBACKS, type UaContext } from "./ua_context.ts";

type Notify = RequestCallbacks["onFinal"];

/**
 * A request in flight (see the module documentation).
 *
 * @example
 * ```ts
 * const sent = new UacRequest(context, invite, dest, callbacks);
 * sent.transaction = layer.sendRequest(invite, dest, sent);
 * ```
 */
export class UacRequest implements ClientTransactionHandlers, OutgoingRequest {
  transaction!: ClientTransaction;
  provisionalReceived = false;
  finalReceived = false;
  failure: "timeout" | "transport-error" | undefined = undefined;
  #cancel: "none" | "wanted" | "sent" = "none";

  constructor(
    readonly context: UaContext,
    readonly request: SipRequest,
    readonly destination: Destination,
    readonly callbacks: RequestCallbacks,
  ) {}

  /** An INVITE sent outside any dialog (it creates dialogs, §12.1.2). */
  get #initialInvite(): boolean {
    return this.request.method === "INVITE" && this.request.to.tag === undefined;
  }

  onProvisional(response: SipResponse, _tx: ClientTransaction): void {
    this.provisionalReceived = true;
    let dialog: Dialog | undefined;
    if (response.status > 100 && response.to.tag !== undefined) {
      const match = this.context.dialogs.matchResponse(response);
      if (match.kind === "dialog") {
        dialog = match.dialog;
        this.context.links.get(dialog)?.usage.receiveResponse(response);
      } else if (match.kind === "new-dialog" && this.#initialInvite) {
        // §12.1.2: a provisional response with a To tag creates an early dialog.
        dialog = this.context.startUacDialog(this, response).usage.dialog;
      }
    }
    this.#notify(this.callbacks.onProvisional, response, dialog);
    // §9.1: a CANCEL asked for before any provisional response goes out now.
    if (this.#cancel === "wanted" && !this.finalReceived) this.#sendCancel();
  }

  onFinal(response: SipResponse, _tx: ClientTransaction): void {
    this.#final(response);
  }

  /** §8.1.3.1: Timer B or F fired: "MUST treat this as if it had received a 408". */
  onTimeout(_timer: "B" | "F", _tx: ClientTransaction): void {
    this.failure = "timeout";
    this.#final(buildResponse(this.request, 408, "Request Timeout"));
  }

  /** §8.1.3.1: a transport failure is treated as a 503 (Service Unavailable). */
  onTransportError(_error: unknown, _tx: ClientTransaction): void {
    this.failure = "transport-error";
    this.#final(buildResponse(this.request, 503, "Service Unavailable"));
  }

  cancel(): boolean {
    if (this.request.method !== "INVITE" || this.finalReceived || this.#cancel !== "none") {
      return false;
    }
    this.#cancel = "wanted";
    if (this.provisionalReceived) this.#sendCancel();
    return true;
  }

  /**
   * The client transaction has ended (Timer D, K, or RFC 6026 Timer M): early dialogs of this
   * INVITE that no 2xx confirmed are over (§12.3, RFC 6026 §7.2).
   */
  transactionEnded(): void {
    if (!this.#initialInvite) return;
    this.#endEarlyDialogs();
  }

  #final(response: SipResponse): void {
    const first = !this.finalReceived;
    this.finalReceived = true;
    const context = this.context;
    const status = response.status;
    if (this.request.method === "INVITE" && status >= 200 && status < 300) {
      this.#inviteSuccess(response, first);
      return;
    }
    if (!first) return;
    if (this.#initialInvite) {
      // §12.3 / §13.2.2.3: a failed INVITE ends every early dialog it created.
      this.#endEarlyDialogs();
      context.dialogs.forgetCreatingRequest(this.request);
      context.creating.delete(this);
      this.#notify(this.callbacks.onFinal, response, undefined);
      return;
    }
    let dialog: Dialog | undefined;
    if (this.request.to.tag !== undefined) {
      // §12.2.1.2: a response in a dialog may refresh its target or end it (481, 408).
      const match = context.dialogs.matchResponse(response);
      if (match.kind === "dialog") {
        dialog = match.dialog;
        const link = context.links.get(dialog);
        if (link !== undefined) link.usage.receiveResponse(response);
        else dialog.receiveResponse(response);
      }
    }
    this.#notify(this.callbacks.onFinal, response, dialog);
  }

  /**
   * A 2xx to an INVITE (§13.2.2.4): each 2xx — retransmissions and other forks included,
   * RFC 6026 §7.2 — goes to its dialog, whose usage sends the ACK. The agent hears of each
   * dialog's first 2xx once.
   */
  #inviteSuccess(response: SipResponse, first: boolean): void {
    const context = this.context;
    const match = context.dialogs.matchResponse(response);
    if (match.kind === "dialog") {
      const link = context.links.get(match.dialog);
      if (link === undefined) {
        if (first) this.#notify(this.callbacks.onFinal, response, match.dialog);
        return;
      }
      const news = this.#initialInvite ? link.usage.state === "early" : first;
      link.callbacks = this.callbacks;
      link.usage.receiveResponse(response);
      if (news) this.#notify(this.callbacks.onFinal, response, match.dialog);
      return;
    }
    if (match.kind === "new-dialog" && this.#initialInvite) {
      const link = context.startUacDialog(this, response);
      this.#notify(this.callbacks.onFinal, response, link.usage.dialog);
      return;
    }
    // A 2xx without To tag creates no dialog (§12.1.2); the agent still learns of it.
    if (first) this.#notify(this.callbacks.onFinal, response, undefined);
  }

  #endEarlyDialogs(): void {
    const context = this.context;
    const forks = context.dialogs.forksOf(this.request.callId, this.request.from.tag ?? "");
    for (const dialog of forks) {
      const usage = context.links.get(dialog)?.usage;
      if (usage?.state === "early") usage.inviteEnded();
    }
  }

  /** §9.1: the CANCEL goes where the INVITE went, with the INVITE's branch. */
  #sendCancel(): void {
    this.#cancel = "sent";
    if (this.context.stopped) return;
    this.context.sendRequest(createCancel(this.request), this.destination, NO_CALLBACKS, true);
  }

  #notify(callback: Notify, response: SipResponse, dialog: Dialog | undefined): void {
    if (callback === undefined) return;
    try {
      callback.call(this.callbacks, response, dialog, this);
    } catch (error) {
      reportError(error);
    }
  }
}
