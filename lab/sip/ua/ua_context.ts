/**
 * The state one user agent core shares between its parts (the inbound router, the outgoing
 * requests, the per-dialog links): dialogs, the transaction layer, the transport, settings,
 * and the operations they all use — sending, building responses, answering as a UAS with the
 * dialog bookkeeping of §12.1.1 / §13.3.1.4, and periodic housekeeping. Internal to lab/sip/ua.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import type { Destination, ServerTransaction, TransactionLayer } from "../transaction/mod.ts";
import type { TransactionTransport } from "../transaction/mod.ts";
import type { TimerHandle, TimerWheel } from "../timer/mod.ts";
import { type Dialog, DialogStore, InviteUsage, newTag } from "../dialog/mod.ts";
import type { RequestCallbacks, UaHandler, UaProxyHooks } from "./handler.ts";
import { contactValue, type UaIdentity, viaValue } from "./identity.ts";
import { InviteLink } from "./invite_link.ts";
import { MergedRequestDetector } from "./merged_requests.ts";
import type { UaMetricsSink } from "./metrics_sink.ts";
import { nextHop } from "./next_hop.ts";
import { UacRequest } from "./outgoing_request.ts";
import { reasonPhrase } from "./reason_phrases.ts";
import type { Rejection } from "./request_checks.ts";
import { buildResponse } from "./response_builder.ts";

/** What a UA core sends through: the transaction layer's port, optionally closable. */
export interface UaTransport extends TransactionTransport {
  /** Closes every socket; called by `UserAgentCore.stop`. */
  close?(): Promise<void>;
}

/** The core's configuration, normalised once. */
export interface UaSettings {
  /** Methods answered by the agent (§8.2.1); ACK and CANCEL included with INVITE. */
  readonly allowed: ReadonlySet<string>;
  /** The Allow header value (§20.5). */
  readonly allowHeader: string;
  /** Option tags understood (§8.2.2.3), lowercase. */
  readonly supported: ReadonlySet<string>;
  /** The Supported header value (§20.37); empty when nothing is supported. */
  readonly supportedHeader: string;
  /** Request-URI schemes served (§8.2.2.1), lowercase. */
  readonly uriSchemes: readonly string[];
  /** T1 and T2 for the dialog usages (§13.3.1.4), as the transaction layer uses them. */
  readonly t1: number;
  readonly t2: number;
}

/** Options of `createResponse` (§8.2.6). */
export interface ResponseOptions {
  /** The To tag to add when the request has none; default: one per INVITE, else a new one. */
  toTag?: string;
  /** Contact for 1xx/2xx to dialog-creating requests; default the UA's own (§12.1.1). */
  contact?: string;
  /** The body; a string is sent as UTF-8. */
  body?: Uint8Array | string;
  /** Content-Type of the body (required with a non-empty body). */
  contentType?: string;
  /** Further header fields, written after the copied ones, in order. */
  headers?: ReadonlyArray<readonly [name: string, value: string]>;
}

/**
 * What the agent does to the messages the core builds itself just before they are sent (see
 * `UserAgentCoreOptions.prepareRequest` / `prepareResponse`).
 */
export interface CorePreparation {
  prepareRequest?(request: SipRequest, destination: Destination): void;
  prepareResponse?(
    response: SipResponse,
    request: SipRequest | undefined,
    destination: Destination,
  ): void;
}

/** Requests that create a dialog (RFC 3261 §12.1, RFC 6665 §4.1.2, RFC 3515 §2.4). */
const DIALOG_CREATING: ReadonlySet<string> = new Set(["INVITE", "SUBSCRIBE", "REFER"]);

/** Callbacks that ignore everything: CANCEL, and BYE sent by a dialog usage. */
export const NO_CALLBACKS: RequestCallbacks = Object.freeze({});

const encoder = new TextEncoder();

/**
 * Shared state and operations of one core (see the module documentation).
 *
 * @example
 * ```ts
 * const context = new UaContext(layer, transport, wheel, settings, handler, NO_UA_METRICS);
 * context.identity = identity;
 * context.sendRequest(options, { protocol: "UDP", host: "127.0.0.1", port: 5070 }, {});
 * ```
 */
export class UaContext {
  readonly dialogs = new DialogStore();
  /** INVITE dialogs' links to their usage (§13–§15); other dialogs (subscriptions) have none. */
  readonly links = new Map<Dialog, InviteLink>();
  /** The To tag given to each INVITE answered here, so 1xx, 2xx, 487 and CANCEL agree (§9.2). */
  readonly inviteTags = new WeakMap<SipRequest, string>();
  readonly merged = new MergedRequestDetector();
  /** Dialog-creating requests sent, until their client transaction ends. */
  readonly creating = new Set<UacRequest>();
  identity: UaIdentity | undefined = undefined;
  /** The proxy of an agent that also proxies (§16), given traffic of dialogs not its own. */
  proxy: UaProxyHooks | undefined = undefined;
  stopped = false;
  #sweepTimer: TimerHandle | undefined = undefined;

  constructor(
    readonly layer: TransactionLayer,
    readonly transport: UaTransport,
    readonly wheel: TimerWheel,
    readonly settings: UaSettings,
    readonly handler: UaHandler,
    readonly metrics: UaMetricsSink,
    readonly preparation: CorePreparation = {},
  ) {}

  /** The identity; throws before `start`. */
  requireIdentity(): UaIdentity {
    if (this.identity === undefined) throw new Error("UserAgentCore: call start(identity) first");
    return this.identity;
  }

  /**
   * Sends `request` in a new client transaction: Via (sent-by from the identity, `rport` over
   * UDP) when it has none, Max-Forwards 70 when absent (§8.1.1.6, §8.1.1.7); dialog-creating
   * requests are tracked so forked responses find their request (§12.1.2).
   */
  sendRequest(
    request: SipRequest,
    dest: Destination,
    callbacks: RequestCallbacks,
    builtByCore = false,
  ): UacRequest {
    if (this.stopped) throw new Error("UserAgentCore is stopped");
    const identity = this.requireIdentity();
    if (!request.hasHeader("via")) request.prependHeader("Via", viaValue(identity, dest.protocol));
    if (!request.hasHeader("max-forwards")) request.addHeader("Max-Forwards", "70");
    if (builtByCore) this.prepareOwnRequest(request, dest);
    const sent = new UacRequest(this, request, dest, callbacks);
    // Responses arrive on a later turn of the event loop: tracking after the send is in time.
    sent.transaction = this.layer.sendRequest(request, dest, sent);
    if (DIALOG_CREATING.has(request.method) && request.to.tag === undefined) {
      this.dialogs.trackCreatingRequest(request);
      this.creating.add(sent);
      this.armSweep();
    }
    return sent;
  }

  /** The agent's last touch on a request the core built (CANCEL, BYE, ACK for a 2xx). */
  prepareOwnRequest(request: SipRequest, dest: Destination): void {
    this.preparation.prepareRequest?.(request, dest);
  }

  /** The agent's last touch on a response the core built (its refusals, 200 to BYE / CANCEL). */
  prepareOwnResponse(response: SipResponse, request: SipRequest | undefined, dest: Destination) {
    this.preparation.prepareResponse?.(response, request, dest);
  }

  /**
   * Hands a message to the transport outside any transaction: the ACK for a 2xx (§13.2.2.4,
   * §17.1.1.3), stateless answers to unparseable requests, 2xx retransmissions after Timer L.
   * Best effort: a failure is only counted (the peer retransmits, §13.3.1.4).
   */
  sendDirect(msg: SipRequest | SipResponse, dest: Destination): void {
    if (this.stopped) return;
    let sending: Promise<void>;
    try {
      sending = this.transport.send(msg, dest);
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(undefined, this.#directSendFailed);
  }

  readonly #directSendFailed = (): void => {
    if (!this.stopped) this.metrics.directSendFailed();
  };

  /**
   * Where a request goes when the agent names no destination (§8.1.2): its Route or
   * Request-URI when that is an IP literal, else the address its dialog was set up with.
   */
  destinationFor(request: SipRequest, fallback?: Destination): Destination {
    const identity = this.requireIdentity();
    const known = fallback ?? this.#linkOfOutgoing(request)?.destination;
    const dest = nextHop(request, known, identity.protocol);
    if (dest === undefined) {
      throw new Error(`no destination for ${request.method} ${request.uri}: pass one`);
    }
    return dest;
  }

  /** The link of the INVITE dialog an outgoing in-dialog request belongs to. */
  #linkOfOutgoing(request: SipRequest): InviteLink | undefined {
    const remoteTag = request.to.tag;
    if (remoteTag === undefined) return undefined;
    const dialog = this.dialogs.get({
      callId: request.callId,
      localTag: request.from.tag ?? "",
      remoteTag,
    });
    return dialog === undefined ? undefined : this.links.get(dialog);
  }

  /**
   * A response to `request` (§8.2.6): the §8.2.6.2 copies, a To tag when the request had none
   * (one tag per INVITE, shared by all its responses), and for 1xx/2xx to dialog-creating
   * requests the Record-Route values (§12.1.1) and Contact; 2xx to INVITE and OPTIONS carry
   * Allow and Supported (§13.3.1.4, §11.2).
   */
  createResponse(
    request: SipRequest,
    status: number,
    reason: string = reasonPhrase(status),
    opts: ResponseOptions = {},
  ): SipResponse {
    const inDialog = request.to.tag !== undefined;
    // §8.2.6.2: a tag for every response but 100 (Trying), when the request had none.
    const toTag = status > 100 && !inDialog ? (opts.toTag ?? this.#tagFor(request)) : undefined;
    const res = buildResponse(request, status, reason, toTag);
    const method = request.method;
    if (status > 100 && status < 300 && DIALOG_CREATING.has(method)) {
      // §12.1.1: "the UAS MUST copy all Record-Route header field values from the request".
      if (!inDialog) {
        for (const rr of request.headerValues("record-route")) res.addHeader("Record-Route", rr);
      }
      // §12.1.1, §12.2.2 (target refresh): the response carries the UAS's Contact.
      res.addHeader("Contact", opts.contact ?? contactValue(this.requireIdentity()));
    }
    if (status >= 200 && status < 300 && (method === "INVITE" || method === "OPTIONS")) {
      res.addHeader("Allow", this.settings.allowHeader);
      if (this.settings.supportedHeader !== "") {
        res.addHeader("Supported", this.settings.supportedHeader);
      }
    }
    for (const [name, value] of opts.headers ?? []) res.addHeader(name, value);
    if (opts.body !== undefined) {
      const body = typeof opts.body === "string" ? encoder.encode(opts.body) : opts.body;
      if (body.length > 0) {
        if (opts.contentType === undefined) throw new Error("a body needs a Content-Type");
        res.addHeader("Content-Type", opts.contentType);
        res.body = body;
      }
    }
    return res;
  }

  /** The To tag for a response to `request`: the INVITE's own (kept), or a new one. */
  #tagFor(request: SipRequest): string {
    if (request.method !== "INVITE") return newTag();
    let tag = this.inviteTags.get(request);
    if (tag === undefined) {
      tag = newTag();
      this.inviteTags.set(request, tag);
    }
    return tag;
  }

  /**
   * Answers through the server transaction, keeping INVITE dialogs in step (§12.1.1): a 1xx
   * with To tag or a 2xx to a pending INVITE creates or updates the UAS dialog, a 2xx starts
   * its retransmission until the ACK (§13.3.1.4), a failure ends an early dialog. Returns
   * false when the transaction discards the response (already answered, terminated).
   */
  respond(tx: ServerTransaction, response: SipResponse): boolean {
    const request = tx.request;
    const status = response.status;
    if (request.method === "INVITE" && status > 100 && tx.state === "Proceeding") {
      const tag = response.to.tag;
      if (tag !== undefined) {
        if (request.to.tag === undefined) this.inviteTags.set(request, tag);
        const link = status < 300 ? this.#uasLink(tx, tag) : this.#existingLink(request, tag);
        if (link !== undefined) {
          if (status >= 200 && status < 300) {
            link.serverTx = tx;
            link.awaitingAck = true;
          }
          link.usage.sendResponse(response);
        }
      }
    }
    return tx.respond(response);
  }

  /** Answers a request the core refuses itself, and counts it. */
  answer(tx: ServerTransaction, rejection: Rejection): void {
    const request = tx.request;
    const response = this.createResponse(request, rejection.status, rejection.reason, {
      headers: rejection.headers,
    });
    this.prepareOwnResponse(response, request, tx.source);
    this.respond(tx, response);
    this.metrics.localAnswer(request.method, rejection.status, rejection.reason);
  }

  #existingLink(request: SipRequest, localTag: string): InviteLink | undefined {
    const dialog = this.dialogs.get({
      callId: request.callId,
      localTag,
      remoteTag: request.from.tag ?? "",
    });
    return dialog === undefined ? undefined : this.links.get(dialog);
  }

  /** §12.1.1: the UAS dialog of an INVITE answered with To tag `localTag`, made on first use. */
  #uasLink(tx: ServerTransaction, localTag: string): InviteLink | undefined {
    const request = tx.request;
    const existing = this.dialogs.get({
      callId: request.callId,
      localTag,
      remoteTag: request.from.tag ?? "",
    });
    if (existing !== undefined) return this.links.get(existing);
    const identity = this.requireIdentity();
    const link = new InviteLink(this, tx.source);
    const usage = InviteUsage.uas(request, localTag, link, {
      timers: { t1: this.settings.t1, t2: this.settings.t2 },
      dialog: {
        localContact: contactValue(identity),
        via: this.#viaTemplate(identity, tx.source.protocol),
      },
    });
    this.#attach(link, usage);
    return link;
  }

  /** §12.1.2: the UAC dialog a 1xx with To tag or a 2xx to `sent` (an INVITE) creates. */
  startUacDialog(sent: UacRequest, response: SipResponse): InviteLink {
    const identity = this.requireIdentity();
    const link = new InviteLink(this, sent.destination);
    link.callbacks = sent.callbacks;
    const usage = InviteUsage.uac(sent.request, response, link, {
      timers: { t1: this.settings.t1, t2: this.settings.t2 },
      dialog: { via: this.#viaTemplate(identity, sent.destination.protocol) },
    });
    this.#attach(link, usage);
    return link;
  }

  #viaTemplate(identity: UaIdentity, protocol: string) {
    return {
      transport: protocol.toUpperCase(),
      sentBy: `${identity.viaHost}:${identity.viaPort}`,
    };
  }

  #attach(link: InviteLink, usage: InviteUsage): void {
    link.usage = usage;
    this.dialogs.add(usage.dialog);
    this.links.set(usage.dialog, link);
  }

  /** An INVITE dialog usage reached "terminated": forget it and tell the agent. */
  dialogEnded(link: InviteLink, cause: string): void {
    const dialog = link.usage.dialog;
    this.dialogs.delete(dialog);
    this.links.delete(dialog);
    if (this.stopped) return;
    try {
      this.handler.onDialogTerminated?.(dialog, cause);
    } catch (error) {
      reportError(error);
    }
  }

  /** §13.3.1.4: the 2xx got no ACK within 64*T1; the usage is sending its BYE. */
  ackTimedOut(link: InviteLink): void {
    this.metrics.ackTimeout();
    try {
      this.handler.onAckTimeout?.(link.usage.dialog);
    } catch (error) {
      reportError(error);
    }
  }

  /**
   * Arms the housekeeping timer when it is not running: every 16*T1 it forgets §8.2.2.2 keys
   * and dialog-creating requests whose transactions have ended.
   */
  armSweep(): void {
    if (this.stopped || this.#sweepTimer?.active) return;
    this.#sweepTimer = this.wheel.schedule(16 * this.settings.t1, this.#sweep);
  }

  readonly #sweep = (): void => {
    this.#sweepTimer = undefined;
    if (this.stopped) return;
    this.merged.sweep();
    for (const sent of this.creating) {
      if (sent.transaction.state !== "Terminated") continue;
      this.creating.delete(sent);
      this.dialogs.forgetCreatingRequest(sent.request);
      sent.transactionEnded();
    }
    if (this.merged.size > 0 || this.creating.size > 0) this.armSweep();
  };

  /** Stops housekeeping and marks the core stopped (links then drop what they would send). */
  stop(): void {
    this.stopped = true;
    if (this.#sweepTimer) this.wheel.cancel(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.merged.clear();
    this.creating.clear();
  }
}
