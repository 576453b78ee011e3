/**
 * One IM session (IM.md §2–§5, §7): the instance the IM session chart runs on, and the named
 * actions bound to the user agent core. Built by ImAgent; the user talks to it through
 * `send`, `typing`, `composing` and `hangup`.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import { type Dialog, randomHex } from "../../lab/sip/dialog/mod.ts";
import type { OutgoingRequest, UserAgentCore } from "../../lab/sip/ua/mod.ts";
import { ChartExecutor } from "../../lab/statechart/mod.ts";
import { diagnosticsFor, setDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import {
  formatIsComposing,
  formatKeyboardActivity,
  formatMsTextFormat,
  imSdp,
  ISCOMPOSING_CONTENT_TYPE,
  KEYBOARD_ACTIVITY_CONTENT_TYPE,
  type KeyboardStatus,
  MS_TEXT_FORMAT_HEADER,
  MS_TEXT_FORMAT_OPTION,
  parseContentType,
  parseKeyboardActivity,
  parseMsTextFormat,
  readImBody,
  SDP_CONTENT_TYPE,
} from "../../lab/protocols/im/mod.ts";
import type {
  ImEndpoint,
  ImListener,
  ImMetricsSink,
  OutgoingImMessage,
  ReceivedText,
} from "./im_endpoint.ts";
import { imSessionChart, type ImSessionEvent, type ImSessionFields } from "./im_session_chart.ts";

/** What a session needs of its agent. */
export interface SessionHost {
  readonly endpoint: ImEndpoint;
  readonly listener: ImListener<ImSession>;
  readonly metrics: ImMetricsSink;
  readonly acceptTypes: readonly string[];
  now(): number;
  /** The session's dialog is known: in-dialog requests and its end find the session. */
  bind(dialog: Dialog, session: ImSession): void;
  unbind(session: ImSession): void;
}

/** The role a session was created in. */
export type ImRole = "inviter" | "invitee";

/**
 * An IM session; see the module documentation.
 *
 * @example
 * ```ts
 * const session = agent.invite("sip:bob@lab.test", plainText("hi"));
 * session.send(htmlText("<b>there</b>"));
 * session.hangup();
 * ```
 */
export class ImSession implements ImSessionFields {
  state = "";
  running = false;
  mailbox: ImSessionEvent[] | undefined = undefined;
  busy = false;
  dialog: Dialog | undefined = undefined;
  /** Messages waiting for the session or for the outstanding MESSAGE. */
  readonly queue: OutgoingImMessage[] = [];
  /** The user's message of the current SEND. */
  offered: OutgoingImMessage | undefined = undefined;
  /** The inbound request of the current MESSAGE_IN / INFO_IN / OFFERED. */
  inbound: { tx: ServerTransaction; request: SipRequest } | undefined = undefined;
  /** The 2xx of the INVITE (inviter). */
  answer: SipResponse | undefined = undefined;
  failureStatus = 0;
  typingStatus: KeyboardStatus = "type";
  #invite: OutgoingRequest | undefined = undefined;
  #inviteSentAt = 0;
  #current: { message: OutgoingImMessage; sentAt: number } | undefined = undefined;

  constructor(
    readonly host: SessionHost,
    readonly role: ImRole,
    /** The far end's AOR (inviter: the invited user; invitee: From of the INVITE). */
    readonly peer: string,
    /** Inviter: the message sent in the INVITE. */
    readonly first: OutgoingImMessage | undefined,
  ) {}

  get core(): UserAgentCore {
    return this.host.endpoint.core;
  }

  /**
   * Sends a message (queued while the session is being set up, IM.md §3). A session that can
   * no longer carry it (ending or ended) reports it undelivered at once.
   */
  send(message: OutgoingImMessage): void {
    this.offered = message;
    const taken = executor.send(this, { type: "SEND" });
    this.offered = undefined;
    if (taken) return;
    this.host.metrics.messageFailed(0);
    this.host.listener.onDelivery?.(this, message, false);
  }

  /** INFO KeyboardActivity (IM.md §4). */
  typing(status: KeyboardStatus): void {
    this.typingStatus = status;
    executor.send(this, { type: "TYPING" });
  }

  /** RFC 3994 is-composing, sent as a MESSAGE (accepted by Lync clients, IM.md §4). */
  composing(state: "active" | "idle"): void {
    const body = formatIsComposing(
      state === "active" ? { state, contentType: "text/plain", refresh: 60 } : { state },
    );
    this.send({ contentType: ISCOMPOSING_CONTENT_TYPE, body });
  }

  /** Ends the session: CANCEL while inviting, else BYE. */
  hangup(): void {
    executor.send(this, { type: "HANGUP" });
  }

  dispatch(event: ImSessionEvent): void {
    executor.send(this, event);
  }

  start(event: "START" | "OFFERED"): void {
    executor.start(this);
    executor.send(this, { type: event });
  }

  // --- actions -------------------------------------------------------------------------------

  /** IM.md §2: INVITE, m=message offer, first message in ms-text-format. */
  sendInvite(): void {
    const { core, aor, epid, outbound } = this.host.endpoint;
    const headers: Array<[string, string]> = [
      ["Supported", MS_TEXT_FORMAT_OPTION],
      ["Ms-Conversation-ID", randomHex(16)],
    ];
    const first = this.first;
    if (first !== undefined) {
      const mediaType = parseContentType(first.contentType)?.mediaType ?? "text/plain";
      headers.push([MS_TEXT_FORMAT_HEADER, formatMsTextFormat({ mediaType, text: first.body })]);
    }
    const invite = core.createRequest("INVITE", {
      to: this.peer,
      from: epid === undefined ? `<${aor}>` : `<${aor}>;epid=${epid}`,
      body: this.#sdp(),
      contentType: SDP_CONTENT_TYPE,
      headers,
    });
    this.#inviteSentAt = this.host.now();
    this.#invite = core.request(invite, outbound, {
      onFinal: (response, dialog) => this.#inviteFinal(response, dialog),
    });
  }

  #inviteFinal(response: SipResponse, dialog: Dialog | undefined): void {
    if (response.status >= 300) {
      this.failureStatus = response.status;
      executor.send(this, { type: "REJECTED" });
      return;
    }
    if (dialog === undefined) return;
    if (this.dialog !== undefined) {
      // A second fork answered too (§13.2.2.4): the session keeps the first dialog.
      if (dialog !== this.dialog) this.core.hangup(dialog);
      return;
    }
    this.dialog = dialog;
    this.answer = response;
    this.host.bind(dialog, this);
    executor.send(this, { type: "ANSWERED" });
  }

  /** IM.md §2: 200 with the answer; the first message shown is confirmed with Supported. */
  acceptInvite(): void {
    const { tx, request } = this.inbound!;
    const core = this.core;
    const firstValue = request.header(MS_TEXT_FORMAT_HEADER);
    const first = firstValue === undefined ? undefined : parseMsTextFormat(firstValue);
    const headers: Array<[string, string]> = first === undefined
      ? []
      : [["Supported", MS_TEXT_FORMAT_OPTION]];
    const response = core.createResponse(request, 200, "OK", {
      body: this.#sdp(),
      contentType: SDP_CONTENT_TYPE,
      headers,
    });
    core.respond(tx, response);
    const dialog = core.dialogs.get({
      callId: request.callId,
      localTag: response.to.tag ?? "",
      remoteTag: request.from.tag ?? "",
    });
    if (dialog !== undefined) {
      this.dialog = dialog;
      this.host.bind(dialog, this);
    }
    this.host.listener.onSession?.(this);
    if (first !== undefined) {
      const text: ReceivedText = first.format === undefined
        ? { mediaType: first.mediaType, text: first.text }
        : { mediaType: first.mediaType, text: first.text, format: first.format };
      this.host.listener.onMessage?.(this, text);
    }
  }

  recordEstablished(): void {
    this.host.metrics.sessionEstablished(this.host.now() - this.#inviteSentAt);
  }

  /** IM.md §7: "if 200 lacks Supported: ms-text-format, send first text as MESSAGE". */
  sendUnconfirmedFirst(): void {
    const first = this.first;
    if (first === undefined) return;
    const confirmed = (this.answer?.headerValues("supported") ?? [])
      .some((v) => v.split(",").some((tag) => tag.trim() === MS_TEXT_FORMAT_OPTION));
    if (!confirmed) {
      this.queue.unshift(first);
      return;
    }
    this.host.metrics.messageDelivered(this.host.now() - this.#inviteSentAt, first.contentType);
    this.host.listener.onDelivery?.(this, first, true);
  }

  queueMessage(): void {
    if (this.offered !== undefined) this.queue.push(this.offered);
  }

  sendMessage(): void {
    if (this.offered !== undefined) this.#sendNow(this.offered);
  }

  sendNextQueued(): void {
    const next = this.busy ? undefined : this.queue.shift();
    if (next !== undefined) this.#sendNow(next);
  }

  #sendNow(message: OutgoingImMessage): void {
    const dialog = this.dialog!;
    const request = dialog.createRequest("MESSAGE", {
      body: message.body,
      contentType: message.contentType,
    });
    this.busy = true;
    this.#current = { message, sentAt: this.host.now() };
    this.core.request(request, undefined, {
      onFinal: (response) => {
        this.busy = false;
        const status = response.status;
        this.failureStatus = status;
        if (status < 300) executor.send(this, { type: "DELIVERED" });
        else {
          executor.send(this, { type: "UNDELIVERED" });
          // §12.2.1.2: 481 / 408 end the dialog.
          if (status === 481 || status === 408) executor.send(this, { type: "DIALOG_GONE" });
        }
      },
    });
  }

  recordDelivered(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    this.host.metrics.messageDelivered(
      this.host.now() - current.sentAt,
      current.message.contentType,
    );
    this.host.listener.onDelivery?.(this, current.message, true);
  }

  recordUndelivered(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    this.host.metrics.messageFailed(this.failureStatus);
    this.host.listener.onDelivery?.(this, current.message, false);
  }

  /** IM.md §7: messages the session can no longer carry are reported undelivered. */
  failQueued(): void {
    for (const message of this.queue.splice(0)) {
      this.host.metrics.messageFailed(0);
      this.host.listener.onDelivery?.(this, message, false);
    }
  }

  sendTyping(): void {
    const request = this.dialog!.createRequest("INFO", {
      body: formatKeyboardActivity(this.typingStatus),
      contentType: KEYBOARD_ACTIVITY_CONTENT_TYPE,
    });
    this.core.request(request, undefined, {
      onFinal: (response) => {
        if (response.status === 481 || response.status === 408) {
          executor.send(this, { type: "DIALOG_GONE" });
        }
      },
    });
  }

  /** IM.md §3, §8: 200 and delivery, is-composing to the user, else 415 with Accept. */
  answerMessage(): void {
    const { tx, request } = this.inbound!;
    const core = this.core;
    const body = readImBody(request.header("content-type"), request.body);
    if (body.kind === "unsupported") {
      const plan = diagnosticsFor("content-type-mismatch");
      const response = core.createResponse(request, 415, undefined, {
        headers: [["Accept", this.host.acceptTypes.join(", ")]],
      });
      setDiagnostics(response, plan.diagnostics, plan.header);
      core.respond(tx, response);
      this.host.metrics.refused("MESSAGE", 415);
      return;
    }
    core.respond(tx, core.createResponse(request, 200));
    const listener = this.host.listener;
    if (body.kind === "composing") {
      const state = body.document?.state;
      if (state !== undefined) listener.onTyping?.(this, state === "active" ? "type" : "idle");
      return;
    }
    const text: ReceivedText = body.format === undefined
      ? { mediaType: body.mediaType, text: body.text }
      : { mediaType: body.mediaType, text: body.text, format: body.format };
    listener.onMessage?.(this, text);
  }

  /** IM.md §4, §8: KeyboardActivity → 200 and the user is told; malformed → 200, ignored. */
  answerInfo(): void {
    const { tx, request } = this.inbound!;
    const core = this.core;
    const type = parseContentType(request.header("content-type") ?? "");
    if (request.body.length > 0 && type?.mediaType !== KEYBOARD_ACTIVITY_CONTENT_TYPE) {
      const plan = diagnosticsFor("content-type-mismatch");
      const response = core.createResponse(request, 415, undefined, {
        headers: [["Accept", KEYBOARD_ACTIVITY_CONTENT_TYPE]],
      });
      setDiagnostics(response, plan.diagnostics, plan.header);
      core.respond(tx, response);
      this.host.metrics.refused("INFO", 415);
      return;
    }
    core.respond(tx, core.createResponse(request, 200));
    const status = parseKeyboardActivity(new TextDecoder().decode(request.body));
    if (status !== undefined) this.host.listener.onTyping?.(this, status);
  }

  cancelInvite(): void {
    this.#invite?.cancel();
  }

  sendBye(): void {
    if (this.dialog !== undefined && !this.core.hangup(this.dialog)) {
      executor.send(this, { type: "DIALOG_GONE" });
    }
  }

  recordFailed(): void {
    this.host.metrics.sessionFailed(this.failureStatus);
    this.host.unbind(this);
    this.host.listener.onEnded?.(this, "failed");
  }

  recordEnded(): void {
    this.host.metrics.sessionEnded();
    this.host.unbind(this);
    this.host.listener.onEnded?.(this, "closed");
  }

  #sdp(): string {
    const identity = this.core.identity!;
    return imSdp({
      address: identity.viaHost,
      port: identity.viaPort,
      acceptTypes: this.host.acceptTypes,
    });
  }
}

type Args = { context: ImSessionFields };
const session = (args: Args) => args.context as ImSession;

const executor = new ChartExecutor<ImSession, ImSessionEvent>(imSessionChart.provide({
  actions: {
    sendInvite: (args) => session(args).sendInvite(),
    acceptInvite: (args) => session(args).acceptInvite(),
    recordEstablished: (args) => session(args).recordEstablished(),
    sendUnconfirmedFirst: (args) => session(args).sendUnconfirmedFirst(),
    queueMessage: (args) => session(args).queueMessage(),
    sendMessage: (args) => session(args).sendMessage(),
    sendNextQueued: (args) => session(args).sendNextQueued(),
    recordDelivered: (args) => session(args).recordDelivered(),
    recordUndelivered: (args) => session(args).recordUndelivered(),
    failQueued: (args) => session(args).failQueued(),
    sendTyping: (args) => session(args).sendTyping(),
    answerMessage: (args) => session(args).answerMessage(),
    answerInfo: (args) => session(args).answerInfo(),
    cancelInvite: (args) => session(args).cancelInvite(),
    sendBye: (args) => session(args).sendBye(),
    recordFailed: (args) => session(args).recordFailed(),
    recordEnded: (args) => session(args).recordEnded(),
  },
}));
