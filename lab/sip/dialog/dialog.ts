/**
 * Dialog state (RFC 3261 §12): ID, local and remote party, CSeq spaces, remote target, route set
 * and secure flag; building requests inside the dialog (§12.2.1.1, ACK §13.2.2.4, BYE §15.1.1)
 * and checking requests received in it (§12.2.2).
 *
 * Who fills the Via: requests built here carry one Via with a fresh branch (§8.1.1.7) and a
 * sent-by taken from the dialog's {@link ViaTemplate}. The branch is final — the transaction
 * layer keys the client transaction on it, and an ACK for a 2xx is its own transaction
 * (§17.1.1.3). The transport layer may rewrite sent-by and transport once it has chosen the
 * socket (§18.1.1), keeping the branch.
 *
 * @example
 * ```ts
 * const dialog = Dialog.fromUacResponse(invite, ok200);
 * const bye = dialog.createRequest("BYE");
 * ```
 *
 * @module
 */
import { SipRequest, type SipResponse } from "../message/message.ts";
import {
  formatNameAddr,
  type NameAddr,
  type Params,
  parseNameAddr,
} from "../message/header_values.ts";
import { emptyMap } from "../message/empty_map.ts";
import { isSipUri, type Uri } from "../message/uri.ts";
import type { DialogId } from "./dialog_id.ts";
import { sameDialogId } from "./dialog_id.ts";
import { initialCSeq, newBranch } from "./identifiers.ts";
import { requestTarget, routeSetFromRecordRoute } from "./route_set.ts";

/** Which side of the dialog-creating transaction this UA was (§12.1). */
export type DialogRole = "uac" | "uas";

/** §12: "early" after a provisional response with a To tag, "confirmed" after a 2xx. */
export type DialogState = "early" | "confirmed" | "terminated";

/**
 * Methods whose requests replace the remote target from their Contact: re-INVITE (§12.2),
 * UPDATE (RFC 3311 §5.1), SUBSCRIBE (RFC 6665 §3.1) and NOTIFY (RFC 6665 §3.2).
 */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set([
  "INVITE",
  "UPDATE",
  "SUBSCRIBE",
  "NOTIFY",
]);

/** The transport and sent-by written in the Via of requests built by a dialog. */
export interface ViaTemplate {
  /** "UDP", "TCP", "TLS", "WS", "WSS"… */
  transport: string;
  /** `host[:port]` */
  sentBy: string;
}

/** Options of the dialog constructors. */
export interface DialogOptions {
  /**
   * The Contact value (name-addr or URI) this UA puts in target refresh requests. Default: the
   * Contact of the dialog-creating request (UAC), or of the first 2xx/1xx the UAS sends
   * ({@link Dialog.confirm}).
   */
  localContact?: string;
  /** Via of requests built from this dialog. Default: the UAC's INVITE top Via, or the Contact. */
  via?: ViaTemplate;
}

/** Options of {@link Dialog.createRequest}. */
export interface InDialogRequestOptions {
  /** The body; a string is sent as UTF-8. */
  body?: Uint8Array | string;
  /** Content-Type of the body (required with a non-empty body). */
  contentType?: string;
  /** Further header fields, written after the mandatory ones, in order. */
  extraHeaders?: ReadonlyArray<readonly [name: string, value: string]>;
}

/** The outcome of {@link Dialog.receiveRequest}. */
export type InDialogRequestVerdict =
  | { accepted: true; targetRefreshed: boolean }
  | { accepted: false; status: number; reason: string };

/** What a response to a request sent in this dialog did to it ({@link Dialog.receiveResponse}). */
export interface InDialogResponseEffect {
  /** The early dialog became confirmed (a 2xx to the dialog-creating INVITE, §13.2.2.4). */
  confirmed: boolean;
  /** The remote target was replaced from the response's Contact (§12.2.1.2). */
  targetRefreshed: boolean;
  /** §12.2.1.2: a 481 or 408 (or a timeout) to a request in the dialog ends the dialog. */
  endsDialog: boolean;
}

const encoder = new TextEncoder();

/** Header fields carrying credentials that an ACK for a 2xx copies from its INVITE (§13.2.2.4). */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization"] as const;

/** Via transports that are TLS-protected (§26.2: sips requires TLS on every hop). */
const SECURE_TRANSPORTS = new Set(["TLS", "WSS", "TLS-SCTP"]);

/**
 * One dialog: the state §12 lists plus the role and the Via template.
 *
 * @example
 * ```ts
 * const dialog = Dialog.fromUasRequest(invite, newTag(), { localContact: "<sip:bob@192.0.2.4>" });
 * const verdict = dialog.receiveRequest(reInvite); // CSeq check and target refresh
 * ```
 */
export class Dialog {
  /** Call-ID, local tag, remote tag (§12). */
  readonly id: DialogId;
  readonly role: DialogRole;
  state: DialogState;
  /** The local party as written in From/To (tag removed; other header parameters kept). */
  readonly localParty: NameAddr;
  /** The remote party as written in From/To (tag removed; other header parameters kept). */
  readonly remoteParty: NameAddr;
  /** Last CSeq number this side used; undefined while empty (a UAS dialog, §12.1.1). */
  localSeq: number | undefined;
  /** Last CSeq number the peer used; undefined while empty (a UAC dialog, §12.1.2). */
  remoteSeq: number | undefined;
  /** The peer's Contact URI (§12.1.1, §12.1.2); target refresh requests replace it. */
  remoteTarget: string;
  /** Route set, first hop first (§12.1.1 in order / §12.1.2 reversed). */
  routeSet: NameAddr[];
  /** §12.1.1, §12.1.2: TLS transport and a SIPS Request-URI. */
  readonly secure: boolean;
  /** The Contact value written in target refresh requests. */
  localContact: string | undefined;
  via: ViaTemplate | undefined;
  /** CSeq number of the latest INVITE sent by this side in the dialog (ACK reuses it). */
  inviteSeq: number | undefined;

  private constructor(init: {
    id: DialogId;
    role: DialogRole;
    state: DialogState;
    localParty: NameAddr;
    remoteParty: NameAddr;
    localSeq: number | undefined;
    remoteSeq: number | undefined;
    remoteTarget: string;
    routeSet: NameAddr[];
    secure: boolean;
    localContact: string | undefined;
    via: ViaTemplate | undefined;
    inviteSeq: number | undefined;
  }) {
    this.id = init.id;
    this.role = init.role;
    this.state = init.state;
    this.localParty = init.localParty;
    this.remoteParty = init.remoteParty;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.secure = init.secure;
    this.localContact = init.localContact;
    this.via = init.via;
    this.inviteSeq = init.inviteSeq;
  }

  /**
   * RFC 3261 §12.1.2: the UAC's dialog from a 1xx (early) or 2xx (confirmed) response carrying a
   * To tag, to the dialog-creating request `req` this UA sent. Each distinct To tag is its own
   * dialog (forking, §12.1.2, §13.2.2.4).
   *
   * @example
   * ```ts
   * const early = Dialog.fromUacResponse(invite, ringing180); // early.state === "early"
   * ```
   */
  static fromUacResponse(req: SipRequest, res: SipResponse, opts: DialogOptions = {}): Dialog {
    const remoteTag = res.to.tag;
    if (remoteTag === undefined) throw new Error("a response without a To tag creates no dialog");
    if (res.status < 101 || res.status >= 300) {
      throw new Error(`a ${res.status} response creates no dialog`);
    }
    return new Dialog({
      id: { callId: req.callId, localTag: req.from.tag ?? "", remoteTag },
      role: "uac",
      state: res.status >= 200 ? "confirmed" : "early",
      localParty: withoutTag(req.from),
      remoteParty: withoutTag(res.to),
      // §12.1.2: local sequence = the request's CSeq; remote sequence empty.
      localSeq: req.cseq.seq,
      remoteSeq: undefined,
      remoteTarget: contactUri(res) ?? req.uri,
      routeSet: routeSetFromRecordRoute(res, "uac"),
      secure: isSecureRequest(req),
      localContact: opts.localContact ?? req.header("contact"),
      via: opts.via ?? viaOf(req),
      inviteSeq: req.method === "INVITE" ? req.cseq.seq : undefined,
    });
  }

  /**
   * RFC 3261 §12.1.1: the UAS's dialog for a dialog-creating request it answers with a To tag
   * of `localTag`. It starts "early"; {@link confirm} when the 2xx goes out.
   *
   * @example
   * ```ts
   * const dialog = Dialog.fromUasRequest(invite, newTag(), { localContact: "<sip:bob@192.0.2.4>" });
   * ```
   */
  static fromUasRequest(req: SipRequest, localTag: string, opts: DialogOptions = {}): Dialog {
    return new Dialog({
      id: { callId: req.callId, localTag, remoteTag: req.from.tag ?? "" },
      role: "uas",
      state: "early",
      localParty: withoutTag(req.to),
      remoteParty: withoutTag(req.from),
      // §12.1.1: remote sequence = the request's CSeq; local sequence empty.
      localSeq: undefined,
      remoteSeq: req.cseq.seq,
      remoteTarget: contactUri(req) ?? req.from.uriText,
      routeSet: routeSetFromRecordRoute(req, "uas"),
      secure: isSecureRequest(req),
      localContact: opts.localContact,
      via: opts.via ?? (opts.localContact ? viaFromContact(opts.localContact) : undefined),
      inviteSeq: undefined,
    });
  }

  /**
   * RFC 6665 §4.1.2.4: a NOTIFY that arrives before the 2xx to the SUBSCRIBE creates the
   * subscriber's dialog "just as a 2xx would". The NOTIFY is a request, so its Record-Route is
   * taken in order (as a UAS would, §12.1.1); the dialog remains this UA's UAC dialog.
   *
   * @example
   * ```ts
   * const dialog = Dialog.fromSubscriberNotify(subscribe, notify); // confirmed
   * ```
   */
  static fromSubscriberNotify(
    subscribe: SipRequest,
    notify: SipRequest,
    opts: DialogOptions = {},
  ): Dialog {
    return new Dialog({
      id: {
        callId: subscribe.callId,
        localTag: subscribe.from.tag ?? "",
        remoteTag: notify.from.tag ?? "",
      },
      role: "uac",
      state: "confirmed",
      localParty: withoutTag(subscribe.from),
      remoteParty: withoutTag(notify.from),
      localSeq: subscribe.cseq.seq,
      remoteSeq: notify.cseq.seq,
      remoteTarget: contactUri(notify) ?? subscribe.uri,
      routeSet: routeSetFromRecordRoute(notify, "uas"),
      secure: isSecureRequest(subscribe),
      localContact: opts.localContact ?? subscribe.header("contact"),
      via: opts.via ?? viaOf(subscribe),
      inviteSeq: undefined,
    });
  }

  /** The local URI (§12: From URI of requests this side sends). */
  get localUri(): string {
    return this.localParty.uriText;
  }

  /** The remote URI (§12: To URI of requests this side sends). */
  get remoteUri(): string {
    return this.remoteParty.uriText;
  }

  /**
   * Marks the dialog confirmed. On the UAC, `response` is the 2xx that confirms it: the route
   * set is recomputed from its Record-Route and the remote target from its Contact
   * (§13.2.2.4). On the UAS, `response` is the 2xx (or 1xx) being sent; its Contact becomes the
   * local contact when none was set.
   *
   * @example
   * ```ts
   * dialog.confirm(ok200);
   * ```
   */
  confirm(response?: SipResponse): void {
    if (this.state === "terminated") return;
    if (response && this.role === "uac" && this.state === "early") {
      this.routeSet = routeSetFromRecordRoute(response, "uac");
      this.remoteTarget = contactUri(response) ?? this.remoteTarget;
    }
    if (response && this.role === "uas") this.adoptLocalContact(response);
    this.state = "confirmed";
  }

  /** UAS: takes the local Contact (and the Via template) from a response it sends, if unset. */
  adoptLocalContact(response: SipResponse): void {
    const contact = response.header("contact");
    if (this.localContact === undefined && contact !== undefined) this.localContact = contact;
    if (this.via === undefined && this.localContact !== undefined) {
      this.via = viaFromContact(this.localContact);
    }
  }

  /** Ends the dialog (BYE, failure, timeout). Requests can no longer be built. */
  terminate(): void {
    this.state = "terminated";
  }

  /**
   * RFC 3261 §12.2.1.1: a new request in the dialog. The CSeq is the local sequence plus one
   * (an initial value is chosen when it is empty); ACK reuses the CSeq number of the last INVITE
   * (use {@link createAck} to also copy its credentials). Request-URI and Route follow the
   * loose/strict routing rules; From/To carry the dialog URIs and tags; Max-Forwards is 70
   * (§8.1.1.6); target refresh requests carry the local Contact.
   *
   * @example
   * ```ts
   * const info = dialog.createRequest("INFO", { body: "{}", contentType: "application/json" });
   * ```
   */
  createRequest(method: string, opts: InDialogRequestOptions = {}): SipRequest {
    if (method === "CANCEL") {
      // §9.1: a CANCEL copies the request it cancels, not the dialog state.
      throw new Error("CANCEL is built from the pending request: use createCancel(request)");
    }
    let seq: number;
    if (method === "ACK") {
      if (this.inviteSeq === undefined) throw new Error("no INVITE to acknowledge in this dialog");
      seq = this.inviteSeq;
    } else {
      // §12.2.1.1: increment the local sequence; choose one when it is empty (§8.1.1.5).
      seq = this.localSeq === undefined ? initialCSeq() : this.localSeq + 1;
      this.localSeq = seq;
      if (method === "INVITE") this.inviteSeq = seq;
    }
    return this.#build(method, seq, opts);
  }

  /**
   * RFC 3261 §13.2.2.4: the ACK for a 2xx to `invite` — built like any in-dialog request (new
   * branch, same route set), CSeq number of the INVITE with method ACK, and the INVITE's
   * credentials. `opts.body` carries the answer when the 2xx held an offer.
   *
   * @example
   * ```ts
   * const ack = dialog.createAck(invite);
   * ```
   */
  createAck(invite: SipRequest, opts: InDialogRequestOptions = {}): SipRequest {
    const credentials: Array<[string, string]> = [];
    for (const key of CREDENTIAL_HEADERS) {
      for (const value of invite.headerValues(key)) credentials.push([key, value]);
    }
    return this.#build("ACK", invite.cseq.seq, {
      ...opts,
      extraHeaders: [...credentials, ...(opts.extraHeaders ?? [])],
    });
  }

  #build(method: string, seq: number, opts: InDialogRequestOptions): SipRequest {
    if (this.state === "terminated") throw new Error("the dialog is terminated");
    const target = requestTarget(this.remoteTarget, this.routeSet);
    const req = new SipRequest(method, target.requestUri);
    const via = this.via;
    if (via === undefined) {
      throw new Error("the dialog has no Via template: give DialogOptions.via or localContact");
    }
    req.addHeader("Via", `SIP/2.0/${via.transport} ${via.sentBy};branch=${newBranch()}`);
    req.addHeader("Max-Forwards", "70");
    for (const route of target.routes) req.addHeader("Route", route);
    // §12.2.1.1: To = remote URI + remote tag, From = local URI + local tag (omitted when null).
    req.addHeader("To", partyWithTag(this.remoteParty, this.id.remoteTag));
    req.addHeader("From", partyWithTag(this.localParty, this.id.localTag));
    req.addHeader("Call-ID", this.id.callId);
    req.addHeader("CSeq", `${seq} ${method}`);
    // §12.2.1.1: "A UAC SHOULD include a Contact header field in any target refresh requests".
    if (TARGET_REFRESH_METHODS.has(method) && this.localContact !== undefined) {
      req.addHeader("Contact", this.localContact);
    }
    for (const [name, value] of opts.extraHeaders ?? []) req.addHeader(name, value);
    if (opts.body !== undefined) {
      const body = typeof opts.body === "string" ? encoder.encode(opts.body) : opts.body;
      if (body.length > 0) {
        if (opts.contentType === undefined) throw new Error("a body needs a Content-Type");
        req.addHeader("Content-Type", opts.contentType);
        req.body = body;
      }
    }
    return req;
  }

  /**
   * RFC 3261 §12.2.2: checks a request received in this dialog. ACK and CANCEL carry the CSeq
   * of the request they belong to and are not sequence-checked. Otherwise an empty remote
   * sequence is set from the request; a number not above the remote sequence is out of order
   * and gets 500 (retransmissions never get here: the transaction layer absorbs them). A target
   * refresh request replaces the remote target with its Contact.
   *
   * @example
   * ```ts
   * const v = dialog.receiveRequest(bye);
   * if (!v.accepted) respond(bye, v.status, v.reason); // 500 Server Internal Error
   * ```
   */
  receiveRequest(req: SipRequest): InDialogRequestVerdict {
    const id = {
      callId: req.callId,
      localTag: req.to.tag ?? "",
      remoteTag: req.from.tag ?? "",
    };
    if (this.state === "terminated" || !sameDialogId(id, this.id)) {
      // §12.2.2: a request for a dialog this UA does not have.
      return { accepted: false, status: 481, reason: "Call/Transaction Does Not Exist" };
    }
    if (req.method === "ACK" || req.method === "CANCEL") {
      return { accepted: true, targetRefreshed: false };
    }
    const seq = req.cseq.seq;
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq) {
      return { accepted: false, status: 500, reason: "Server Internal Error" };
    }
    this.remoteSeq = seq;
    let targetRefreshed = false;
    if (TARGET_REFRESH_METHODS.has(req.method)) {
      const target = contactUri(req);
      if (target !== undefined) {
        targetRefreshed = target !== this.remoteTarget;
        this.remoteTarget = target;
      }
    }
    return { accepted: true, targetRefreshed };
  }

  /**
   * A response to a request this side sent in the dialog (or to the dialog-creating INVITE).
   * A 2xx to the INVITE confirms an early dialog (§13.2.2.4); a 2xx to a target refresh request
   * replaces the remote target (§12.2.1.2), as does a 1xx with Contact in an early dialog; a 481
   * or 408 ends the dialog (§12.2.1.2).
   *
   * @example
   * ```ts
   * if (dialog.receiveResponse(res).endsDialog) dialog.terminate();
   * ```
   */
  receiveResponse(res: SipResponse): InDialogResponseEffect {
    const effect = { confirmed: false, targetRefreshed: false, endsDialog: false };
    if (this.state === "terminated") return effect;
    const method = res.cseq.method;
    if (res.status >= 200 && res.status < 300 && method === "INVITE" && this.state === "early") {
      const before = this.remoteTarget;
      this.confirm(res);
      effect.confirmed = true;
      effect.targetRefreshed = before !== this.remoteTarget;
      return effect;
    }
    const refreshes =
      (res.status >= 200 && res.status < 300 && TARGET_REFRESH_METHODS.has(method)) ||
      (res.status > 100 && res.status < 200 && method === "INVITE" && this.state === "early");
    if (refreshes) {
      const target = contactUri(res);
      if (target !== undefined) {
        effect.targetRefreshed = target !== this.remoteTarget;
        this.remoteTarget = target;
      }
    }
    effect.endsDialog = res.status === 481 || res.status === 408;
    return effect;
  }
}

/**
 * A copy of a From/To value without its tag parameter. Usually the tag was the only one: then
 * the copy holds the shared empty Map, not a Map of its own for the dialog's lifetime.
 */
function withoutTag(party: NameAddr): NameAddr {
  let params: Params | undefined;
  for (const [name, value] of party.params) {
    if (name.toLowerCase() !== "tag") (params ??= new Map()).set(name, value);
  }
  const copy: NameAddr = { uri: party.uri, uriText: party.uriText, params: params ?? emptyMap() };
  if (party.displayName !== undefined) copy.displayName = party.displayName;
  return copy;
}

/** The From/To value with `tag` (omitted when empty, §12.2.1.1). */
function partyWithTag(party: NameAddr, tag: string): string {
  // A dialog's parties have no tag (withoutTag): the tag goes last, no copy of the params.
  if (!party.params.has("tag")) {
    return tag === "" ? formatNameAddr(party) : `${formatNameAddr(party)};tag=${tag}`;
  }
  const params = new Map(party.params);
  if (tag !== "") params.set("tag", tag);
  return formatNameAddr({ ...party, params });
}

/** The first Contact URI of a message, if any (and not `*`). */
function contactUri(msg: SipRequest | SipResponse): string | undefined {
  const first = msg.contacts[0];
  return first && !first.star ? first.uriText : undefined;
}

/** §12.1.1 / §12.1.2: secure when sent over TLS and the Request-URI is a SIPS URI. */
function isSecureRequest(req: SipRequest): boolean {
  const via = req.vias[0];
  return req.requestUri.scheme === "sips" && via !== undefined &&
    SECURE_TRANSPORTS.has(via.transport);
}

/** The UAC's own Via (top of the request it sent). */
function viaOf(req: SipRequest): ViaTemplate | undefined {
  const via = req.vias[0];
  if (via === undefined) return undefined;
  return {
    transport: via.transport,
    sentBy: via.port === undefined ? via.host : `${via.host}:${via.port}`,
  };
}

/** A Via template from a Contact: its host:port, `transport` parameter (TLS for sips). */
function viaFromContact(contact: string): ViaTemplate | undefined {
  let uri: Uri;
  try {
    uri = parseNameAddr(contact).uri;
  } catch {
    return undefined;
  }
  if (!isSipUri(uri)) return undefined;
  let transport = uri.scheme === "sips" ? "TLS" : "UDP";
  for (const [name, value] of uri.params) {
    if (name.toLowerCase() === "transport" && value) transport = value.toUpperCase();
  }
  return { transport, sentBy: uri.port === undefined ? uri.host : `${uri.host}:${uri.port}` };
}
