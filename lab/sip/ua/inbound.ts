/**
 * Everything a user agent core receives, in the order RFC 3261 handles it:
 *
 * - Requests go to the transaction layer first (§17.2.3: retransmissions are absorbed there).
 *   A new request then meets the UAS checks (§8.2.1 method → 405/501, §8.2.2.1 URI scheme →
 *   416, §8.2.2.2 merged request → 482, §8.2.2.3 Require → 420), then dialog matching
 *   (§12.2.2: unknown dialog → 481; in an INVITE dialog, CSeq out of order → 500). Only a
 *   request that passes reaches the agent. A BYE in an INVITE dialog is answered 200 by the
 *   core (§15.1.2).
 * - A CANCEL is answered 200 and its INVITE, while pending, 487 (§9.2).
 * - An ACK for a 2xx goes to its dialog (it stops the 2xx retransmission, §13.3.1.4); an ACK
 *   for no dialog is dropped (§17.2.3: never answered).
 * - A request that failed to parse but could be read far enough gets the parser's status and
 *   reason phrase, statelessly (§8.2.6; 400, 416, 505, 513).
 * - Responses go to the client transactions (§17.1.3); a 2xx to an INVITE that none takes is
 *   its dialog's, which acknowledges it again (RFC 6026 §7.2, §13.2.2.4); anything else
 *   unmatched is dropped and counted.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import type { SipParseError } from "../message/parse_error.ts";
import type { Destination, ServerTransaction } from "../transaction/mod.ts";
import { type Dialog, newTag } from "../dialog/mod.ts";
import { checkMethod, checkRequire, checkUriScheme, type Rejection } from "./request_checks.ts";
import { buildResponse } from "./response_builder.ts";
import type { UaContext } from "./ua_context.ts";

const LOOP_DETECTED: Rejection = Object.freeze({
  status: 482,
  reason: "Loop Detected",
  headers: [],
}) as Rejection;

/**
 * Routes inbound traffic of one core (see the module documentation).
 *
 * @example
 * ```ts
 * const inbound = new InboundRouter(context);
 * inbound.request(invite, { protocol: "udp", host: "127.0.0.1", port: 5062 });
 * ```
 */
export class InboundRouter {
  constructor(readonly context: UaContext) {}

  /** A well-formed request from the transport (its top Via already stamped, §18.2.1). */
  request(request: SipRequest, source: Destination): void {
    const context = this.context;
    if (context.identity === undefined || context.stopped) return;
    const outcome = context.layer.receiveRequest(request, source);
    if (outcome === "absorbed") return;
    if (outcome === "ack-to-core") this.#ack(request, source);
    else if (request.method === "CANCEL") this.#cancel(outcome);
    else this.#newRequest(outcome);
  }

  /** A response from the transport. */
  response(response: SipResponse, source: Destination): void {
    const context = this.context;
    if (context.identity === undefined || context.stopped) return;
    if (context.layer.receiveResponse(response, source)) return;
    const status = response.status;
    const method = response.cseq.method;
    if (method === "INVITE" && status >= 200 && status < 300) {
      // RFC 6026 §7.2 / §13.2.2.4: a 2xx retransmission after the INVITE transaction ended
      // belongs to the dialog, which sends the same ACK again.
      const match = context.dialogs.matchResponse(response);
      const link = match.kind === "dialog" ? context.links.get(match.dialog) : undefined;
      if (link !== undefined) {
        link.usage.receiveResponse(response);
        return;
      }
    }
    if (context.proxy !== undefined) {
      this.#callProxy(() => context.proxy?.onStrayResponse(response, source));
      return;
    }
    context.metrics.strayResponse(method, status);
  }

  /**
   * A request the parser rejected, with what could be read of it: answered statelessly with
   * the parser's status and reason phrase (§8.2.6). Never an ACK (§17.2.3).
   */
  parseError(error: SipParseError, source: Destination): void {
    const context = this.context;
    const partial = error.partial;
    if (context.identity === undefined || context.stopped || partial === undefined) return;
    if (partial.method === "ACK") return;
    const response = buildResponse(partial, error.status, error.reason, newTag());
    context.prepareOwnResponse(response, undefined, source);
    context.sendDirect(response, source);
    context.metrics.localAnswer(partial.method, error.status, error.reason);
  }

  /** A request that starts a new server transaction (anything but ACK and CANCEL). */
  #newRequest(tx: ServerTransaction): void {
    const context = this.context;
    const request = tx.request;
    const settings = context.settings;
    const rejection = checkMethod(request, settings.allowed, settings.allowHeader) ??
      checkUriScheme(request, settings.uriSchemes) ??
      this.#merged(tx) ??
      // RFC 3261 §16.3: a proxy ignores Require (it checks Proxy-Require); the agent's proxy
      // tells which requests it only forwards.
      (context.proxy?.forwards?.(request) ? undefined : checkRequire(request, settings.supported));
    if (rejection !== undefined) {
      context.answer(tx, rejection);
      return;
    }
    const match = context.dialogs.matchRequest(request);
    switch (match.kind) {
      case "dialog":
        this.#inDialog(tx, match.dialog);
        return;
      case "no-dialog":
        // §16.4: a proxy routes requests of the dialogs it record-routed.
        if (context.proxy !== undefined) {
          this.#callProxy(() => context.proxy?.onForeignRequest(tx, request));
          return;
        }
        // §12.2.2: a request with a To tag for a dialog this UA does not hold.
        context.answer(tx, { status: match.status, reason: match.reason, headers: [] });
        return;
      default:
        // Outside any dialog; or a NOTIFY for a SUBSCRIBE whose dialog does not exist yet
        // (RFC 6665 §4.1.2.4), which the agent turns into a dialog.
        this.#deliver(tx, request, undefined);
    }
  }

  /** §8.2.2.2: 482 for a request that repeats an ongoing transaction's From tag, Call-ID, CSeq. */
  #merged(tx: ServerTransaction): Rejection | undefined {
    // A proxy sees the same request again when it spirals (§16.3 item 4 tells loops apart).
    if (this.context.proxy !== undefined) return undefined;
    const merged = this.context.merged.isMerged(tx);
    this.context.armSweep();
    return merged ? LOOP_DETECTED : undefined;
  }

  /**
   * §12.2.2: a request in a known dialog. In an INVITE dialog the core's usage checks CSeq
   * order and target refresh first. Other dialogs (subscriptions, RFC 6665) belong to the
   * agent's usage (Subscriber, Notifier), which runs the same check itself when handed the
   * request — checking here too would see every request twice.
   */
  #inDialog(tx: ServerTransaction, dialog: Dialog): void {
    const context = this.context;
    const request = tx.request;
    const link = context.links.get(dialog);
    if (link === undefined) {
      this.#deliver(tx, request, dialog);
      return;
    }
    const verdict = link.usage.receiveRequest(request);
    if (!verdict.accepted) {
      context.answer(tx, { status: verdict.status, reason: verdict.reason, headers: [] });
      return;
    }
    if (request.method === "BYE") {
      // §15.1.2: "the UAS core MUST generate a 2xx response to the BYE"; the usage has
      // terminated the dialog and the agent hears of it through onDialogTerminated.
      const ok = context.createResponse(request, 200);
      context.prepareOwnResponse(ok, request, tx.source);
      context.respond(tx, ok);
      context.metrics.localAnswer("BYE", 200, "OK");
      return;
    }
    this.#deliver(tx, request, dialog);
  }

  /** An ACK the transaction layer passed up: the ACK for a 2xx (§13.3.1.4, RFC 6026 §8.7). */
  #ack(ack: SipRequest, source: Destination): void {
    const context = this.context;
    const match = context.dialogs.matchRequest(ack);
    if (match.kind !== "dialog" && context.proxy !== undefined) {
      // §16.7: the ACK for a 2xx travels end to end, through the proxies that record-routed.
      this.#callProxy(() => context.proxy?.onForeignAck(ack, source));
      return;
    }
    if (match.kind !== "dialog") {
      context.metrics.strayAck();
      return;
    }
    const dialog = match.dialog;
    const link = context.links.get(dialog);
    const verdict = link !== undefined ? link.receiveAck(ack) : dialog.receiveRequest(ack);
    if (!verdict.accepted) {
      context.metrics.strayAck();
      return;
    }
    try {
      context.handler.onAck?.(ack, dialog);
    } catch (error) {
      reportError(error);
    }
  }

  /**
   * §9.2: the CANCEL gets 200 (with the To tag of the INVITE's responses); a pending INVITE
   * gets 487 (Request Terminated) and the agent is told. A CANCEL matching no transaction was
   * answered 481 by the transaction layer and never gets here.
   */
  #cancel(tx: ServerTransaction): void {
    const context = this.context;
    const target = tx.cancels;
    if (target === undefined) return;
    const cancel = tx.request;
    const toTag = context.inviteTags.get(target.request);
    const ok = context.createResponse(cancel, 200, "OK", toTag === undefined ? {} : { toTag });
    context.prepareOwnResponse(ok, cancel, tx.source);
    tx.respond(ok);
    context.metrics.localAnswer("CANCEL", 200, "OK");
    if (target.method !== "INVITE" || target.state !== "Proceeding") return;
    // §16.10: a proxy cancels the branches of an INVITE it forwarded; they answer 487.
    let proxied = false;
    this.#callProxy(() => proxied = context.proxy?.onCancel(target, cancel) ?? false);
    if (proxied) return;
    const terminated = context.createResponse(target.request, 487, "Request Terminated");
    context.prepareOwnResponse(terminated, target.request, target.source);
    context.respond(target, terminated);
    context.metrics.localAnswer("INVITE", 487, "Request Terminated");
    try {
      context.handler.onCancel?.(target, cancel);
    } catch (error) {
      reportError(error);
    }
  }

  #callProxy(call: () => void): void {
    try {
      call();
    } catch (error) {
      reportError(error);
    }
  }

  #deliver(tx: ServerTransaction, request: SipRequest, dialog: Dialog | undefined): void {
    try {
      this.context.handler.onRequest(tx, request, dialog);
    } catch (error) {
      reportError(error);
    }
  }
}
