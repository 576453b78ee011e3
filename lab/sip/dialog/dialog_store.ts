/**
 * The dialogs a UA holds, keyed by dialog ID, and how incoming requests and responses find
 * theirs (RFC 3261 §12.2.2, §12.1.2; RFC 6665 §4.1.2.4).
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import type { Dialog } from "./dialog.ts";
import { type DialogId, dialogIdOfRequest, dialogIdOfResponse, dialogKey } from "./dialog_id.ts";

/** Where an incoming request belongs ({@link DialogStore.matchRequest}). */
export type RequestMatch =
  /** A request inside a known dialog. */
  | { kind: "dialog"; dialog: Dialog }
  /** No To tag: a request outside any dialog (possibly dialog-creating). */
  | { kind: "outside" }
  /**
   * RFC 6665 §4.1.2.4: a NOTIFY for a SUBSCRIBE (or REFER, RFC 3515 §2.4.4) this UA sent whose
   * dialog does not exist yet — its To tag is that request's From tag. The subscription decides
   * (Event match) and creates the dialog.
   */
  | { kind: "creating-request"; request: SipRequest }
  /** An ACK for no dialog: absorbed, since no response is ever sent to an ACK. */
  | { kind: "stray-ack" }
  /** §12.2.2: "the UAS MUST respond to the request with a 481 (Call/Transaction Does Not Exist)". */
  | { kind: "no-dialog"; status: 481; reason: "Call/Transaction Does Not Exist" };

/** Where an incoming response belongs ({@link DialogStore.matchResponse}). */
export type ResponseMatch =
  | { kind: "dialog"; dialog: Dialog }
  /**
   * A 1xx/2xx with a To tag to a tracked dialog-creating request, for which no dialog exists
   * yet: the first response of a (possibly forked) branch. Build it with
   * `Dialog.fromUacResponse(request, response)` (§12.1.2, §13.2.2.4).
   */
  | { kind: "new-dialog"; request: SipRequest }
  /** No dialog information, or nothing matches. */
  | { kind: "none" };

/** Methods whose NOTIFYs may create the dialog before the 2xx (RFC 6665 §4.1.2.4, RFC 3515). */
const SUBSCRIPTION_CREATING = new Set(["SUBSCRIBE", "REFER"]);

/**
 * Dialogs by ID, plus the dialog-creating requests this UA sent (INVITE, SUBSCRIBE, REFER…)
 * so that forked responses and early NOTIFYs can be told from strays.
 *
 * @example
 * ```ts
 * const store = new DialogStore();
 * store.trackCreatingRequest(invite);
 * const m = store.matchResponse(ringing);
 * if (m.kind === "new-dialog") store.add(Dialog.fromUacResponse(m.request, ringing));
 * ```
 */
export class DialogStore {
  readonly #dialogs = new Map<string, Dialog>();
  /** Call-ID + local tag → the dialogs one request created (forks, §12.1.2). */
  readonly #forks = new Map<string, Set<Dialog>>();
  /** Call-ID + From tag → the dialog-creating request this UA sent. */
  readonly #creating = new Map<string, SipRequest>();

  /** Number of dialogs held. */
  get size(): number {
    return this.#dialogs.size;
  }

  /** Every dialog held, in insertion order. */
  dialogs(): IterableIterator<Dialog> {
    return this.#dialogs.values();
  }

  /** Adds a dialog; throws when one with the same ID is already held. */
  add(dialog: Dialog): void {
    const key = dialogKey(dialog.id);
    if (this.#dialogs.has(key)) throw new Error("a dialog with this ID is already held");
    this.#dialogs.set(key, dialog);
    const forkKey = callLeg(dialog.id.callId, dialog.id.localTag);
    let forks = this.#forks.get(forkKey);
    if (forks === undefined) this.#forks.set(forkKey, forks = new Set());
    forks.add(dialog);
  }

  /** The dialog with this ID, if held. */
  get(id: DialogId): Dialog | undefined {
    return this.#dialogs.get(dialogKey(id));
  }

  /** Removes a dialog; true when it was held. */
  delete(dialog: Dialog): boolean {
    const key = dialogKey(dialog.id);
    if (this.#dialogs.get(key) !== dialog) return false;
    this.#dialogs.delete(key);
    const forkKey = callLeg(dialog.id.callId, dialog.id.localTag);
    const forks = this.#forks.get(forkKey);
    forks?.delete(dialog);
    if (forks?.size === 0) this.#forks.delete(forkKey);
    return true;
  }

  /**
   * Every dialog sharing a Call-ID and local tag: the early and confirmed dialogs one forked
   * request created (§12.1.2: "multiple early dialogs", §13.2.2.4 several 2xx).
   *
   * @example
   * ```ts
   * store.forksOf(invite.callId, invite.from.tag!).filter((d) => d.state === "early");
   * ```
   */
  forksOf(callId: string, localTag: string): Dialog[] {
    return [...(this.#forks.get(callLeg(callId, localTag)) ?? [])];
  }

  /** Remembers a dialog-creating request this UA sent, until {@link forgetCreatingRequest}. */
  trackCreatingRequest(request: SipRequest): void {
    this.#creating.set(callLeg(request.callId, request.from.tag ?? ""), request);
  }

  /** Forgets a tracked request (its transaction and any Timer N/M grace are over). */
  forgetCreatingRequest(request: SipRequest): void {
    const key = callLeg(request.callId, request.from.tag ?? "");
    if (this.#creating.get(key) === request) this.#creating.delete(key);
  }

  /**
   * Finds the dialog of an incoming request (§12.2.2).
   *
   * @example
   * ```ts
   * const m = store.matchRequest(bye);
   * if (m.kind === "no-dialog") respond(bye, m.status, m.reason);
   * ```
   */
  matchRequest(req: SipRequest): RequestMatch {
    const id = dialogIdOfRequest(req);
    if (id === undefined) return { kind: "outside" };
    const dialog = this.get(id);
    if (dialog !== undefined) return { kind: "dialog", dialog };
    if (req.method === "NOTIFY") {
      const request = this.#creating.get(callLeg(id.callId, id.localTag));
      if (request !== undefined && SUBSCRIPTION_CREATING.has(request.method)) {
        return { kind: "creating-request", request };
      }
    }
    if (req.method === "ACK") return { kind: "stray-ack" };
    return { kind: "no-dialog", status: 481, reason: "Call/Transaction Does Not Exist" };
  }

  /**
   * Finds the dialog of an incoming response (§12.1.2: local tag = From tag, remote tag = To
   * tag), or reports the first response of a new fork of a tracked dialog-creating request.
   *
   * @example
   * ```ts
   * const m = store.matchResponse(ok200);
   * ```
   */
  matchResponse(res: SipResponse): ResponseMatch {
    const id = dialogIdOfResponse(res);
    if (id === undefined) return { kind: "none" };
    const dialog = this.get(id);
    if (dialog !== undefined) return { kind: "dialog", dialog };
    const request = this.#creating.get(callLeg(id.callId, id.localTag));
    const cseq = res.cseq;
    if (
      request !== undefined && res.status > 100 && res.status < 300 &&
      cseq.method === request.method && cseq.seq === request.cseq.seq
    ) {
      return { kind: "new-dialog", request };
    }
    return { kind: "none" };
  }
}

function callLeg(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}
