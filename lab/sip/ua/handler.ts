/**
 * What the user agent core tells the agent above it, and how the agent follows a request it
 * sent. The core runs every RFC 3261 rule it can decide alone (§8.2 checks, §9.2 CANCEL,
 * §12.2.2 dialog matching, §13.2.2.4 ACK, §13.3.1.4 2xx retransmission, §15.1.2 BYE answer);
 * the agent decides everything a user would.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import type {
  ClientTransaction,
  Destination,
  ServerFailure,
  ServerTransaction,
} from "../transaction/mod.ts";
import type { Dialog } from "../dialog/mod.ts";

/**
 * Callbacks of the agent that owns a core. Calls come from the receive path: they must not
 * block. An exception thrown by a callback is reported (`reportError`) and does not disturb
 * the core.
 *
 * @example
 * ```ts
 * const handler: UaHandler = {
 *   onRequest(tx, request) {
 *     core.respond(tx, core.createResponse(request, request.method === "INVITE" ? 486 : 200));
 *   },
 * };
 * ```
 */
export interface UaHandler {
  /**
   * A request that passed the §8.2 checks and matched its dialog (§12.2.2). `dialog` is that
   * dialog, undefined outside any (including a NOTIFY that arrives before the 2xx to its
   * SUBSCRIBE, RFC 6665 §4.1.2.4). In an INVITE dialog the core has already checked CSeq
   * order and refreshed the target; in a dialog the agent added itself (a subscription), the
   * agent's usage does that (`Subscriber.receiveNotify`, `Notifier.receiveSubscribe`). Answer
   * with `core.respond(tx, response)`. A BYE for an INVITE dialog is answered by the core
   * (§15.1.2) and reported through `onDialogTerminated` instead.
   */
  onRequest(tx: ServerTransaction, request: SipRequest, dialog: Dialog | undefined): void;
  /** The ACK for a 2xx this UA sent arrived (§13.3.1.4); retransmission has stopped. */
  onAck?(ack: SipRequest, dialog: Dialog): void;
  /**
   * A CANCEL stopped a pending INVITE: the core answered the CANCEL with 200 and the INVITE
   * with 487 (§9.2). Not called when the INVITE had its final response already.
   */
  onCancel?(invite: ServerTransaction, cancel: SipRequest): void;
  /**
   * No ACK came within 64*T1 for a 2xx this UA sent (§13.3.1.4): the dialog usage has sent the
   * BYE that ends the session; `onDialogTerminated` follows when the BYE completes.
   */
  onAckTimeout?(dialog: Dialog): void;
  /**
   * An INVITE dialog ended. `cause` is the dialog chart event that ended it: "BYE_RECEIVED",
   * "BYE_COMPLETED" (this side's BYE got its answer or timed out), "EARLY_FAILED" (the INVITE
   * failed or was cancelled while the dialog was early), "IN_DIALOG_FAILURE" (481/408, §12.2.1.2).
   */
  onDialogTerminated?(dialog: Dialog, cause: string): void;
  /** A server transaction failed after the agent answered: Timer H (§17.2.1) or transport. */
  onServerFailure?(tx: ServerTransaction, failure: ServerFailure): void;
}

/**
 * What a core that is also a proxy (RFC 3261 §16) hands to its proxy instead of handling it as
 * a UAS: traffic of dialogs that are not this UA's own. Attached with
 * `UserAgentCore.attachProxy`; without it the core answers 481 / drops, as a UA must.
 *
 * @example
 * ```ts
 * core.attachProxy({
 *   onForeignRequest: (tx, request) => proxy.route(tx, request),
 *   onForeignAck: (ack) => proxy.routeAck(ack),
 *   onStrayResponse: (response) => proxy.forwardStray(response),
 *   onCancel: (invite) => proxy.cancel(invite),
 * });
 * ```
 */
export interface UaProxyHooks {
  /**
   * §16.4 / §12.2.2: a request with a To tag for no dialog of this UA (a UA answers 481): an
   * in-dialog request of a dialog the proxy record-routed.
   */
  onForeignRequest(tx: ServerTransaction, request: SipRequest): void;
  /** An ACK matching no transaction and no dialog here: an end-to-end ACK for a 2xx (§16.7). */
  onForeignAck(ack: SipRequest, source: Destination): void;
  /**
   * A response no client transaction and no dialog takes; §16.7: "If no match is found, the
   * proxy MUST process the response as a stateless proxy" (2xx retransmissions).
   */
  onStrayResponse(response: SipResponse, source: Destination): void;
  /**
   * §16.10: a CANCEL for a pending INVITE. The core answers the CANCEL 200 in any case; true
   * when the proxy forwarded that INVITE and cancels its branches (the 487 comes from them),
   * false to have the core answer the INVITE 487 itself (§9.2).
   */
  onCancel(invite: ServerTransaction, cancel: SipRequest): boolean;
  /**
   * §16.3: true for a request the proxy only forwards (not for this UA): the core then skips
   * its §8.2.2.3 Require check — "proxies MUST ignore" Require, they check Proxy-Require.
   * Optional; without it every request meets the UAS checks.
   */
  forwards?(request: SipRequest): boolean;
}

/** The answer an ACK for a 2xx carries when that 2xx held an offer (§13.2.2.4). */
export interface AckBody {
  body: Uint8Array | string;
  contentType: string;
}

/**
 * How the agent follows one request it sent with `core.request`. All optional.
 *
 * @example
 * ```ts
 * core.request(invite, dest, {
 *   onProvisional: (res) => console.log("ringing", res.status),
 *   onFinal: (res, dialog) => dialog && core.hangup(dialog),
 * });
 * ```
 */
export interface RequestCallbacks {
  /** A provisional response; `dialog` is the early dialog it created or updated (§12.1.2). */
  onProvisional?(response: SipResponse, dialog: Dialog | undefined, sent: OutgoingRequest): void;
  /**
   * The final response. For an INVITE, once per dialog its 2xx responses create (forking,
   * §13.2.2.4) — the core has already sent the ACK — or once for a failure. A timeout or
   * transport failure arrives as a 408 or 503 built locally (§8.1.3.1), with
   * `sent.failure` telling which.
   */
  onFinal?(response: SipResponse, dialog: Dialog | undefined, sent: OutgoingRequest): void;
  /** The body of the ACK for a 2xx to this INVITE (the answer to an offer in the 2xx). */
  ackBody?(response: SipResponse): AckBody | undefined;
}

/** A request sent through `core.request`. */
export interface OutgoingRequest {
  /** The request as sent (Via, branch and Max-Forwards added). */
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly transaction: ClientTransaction;
  readonly provisionalReceived: boolean;
  readonly finalReceived: boolean;
  /** Set when the final response was made up locally (§8.1.3.1). */
  readonly failure: "timeout" | "transport-error" | undefined;
  /**
   * Cancels a pending INVITE (§9.1). The CANCEL goes out once a provisional response has
   * arrived ("SHOULD NOT be sent ... before a provisional response"): at once if one has, else
   * when the first one does. False when there is nothing to cancel (not an INVITE, final
   * response received, already cancelled).
   */
  cancel(): boolean;
}
