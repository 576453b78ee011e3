/**
 * Watching one presentity (RFC 3856: SUBSCRIBE / NOTIFY for the `presence` event, RFC 6665
 * subscriptions): an RFC 6665 {@link Subscriber} from lab/sip/dialog, its SUBSCRIBEs signed
 * with the watcher's Digest credentials, and every NOTIFY body read as PIDF (RFC 3863) and
 * mapped to the lab's availability names.
 *
 * A SUBSCRIBE challenged with 401/407 ends that attempt; when the Digest client can answer, a
 * new SUBSCRIBE follows with the same Call-ID and the next CSeq (RFC 3261 §22.1), as a new
 * subscription.
 *
 * @example
 * ```ts
 * const watch = new PresenceWatch(user, "sip:bob@lab.test", { onPresence: (p) => console.log(p) });
 * watch.start();
 * watch.unsubscribe();
 * ```
 *
 * @module
 */
import {
  type Dialog,
  Subscriber,
  type SubscriptionEnd,
  type SubscriptionStateHeader,
} from "../../lab/sip/dialog/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { ResponseAdvice } from "../../lab/sip/dialog/mod.ts";
import {
  type Availability,
  availabilityOf,
  firstNote,
  parsePidf,
  PIDF_CONTENT_TYPE,
  type PidfDocument,
} from "../../lab/protocols/pidf/mod.ts";
import {
  answerChallenge,
  isChallenge,
  sendSigned,
  type SimpleUserContext,
} from "./user_context.ts";

/** One presence update of the watched presentity. */
export interface PresenceUpdate {
  /** The AoR watched. */
  presentity: string;
  /** The subscription state the NOTIFY carried (RFC 6665 §8.2.3). */
  subscriptionState: SubscriptionStateHeader["state"];
  /** Undefined when the NOTIFY had no PIDF body (pending or terminated subscriptions). */
  availability?: Availability;
  note?: string;
  document?: PidfDocument;
}

/** What a {@link PresenceWatch} tells its owner. */
export interface PresenceWatchHandlers {
  onPresence?(update: PresenceUpdate): void;
  /** The subscription ended (unsubscribed, refused, expired, terminated by the notifier). */
  onEnded?(end: SubscriptionEnd): void;
}

/** Options of a {@link PresenceWatch}. */
export interface PresenceWatchOptions {
  /** Requested subscription lifetime, seconds (default 3600). */
  expires?: number;
}

/** How many signed SUBSCRIBE attempts follow challenges before giving up. */
const MAX_CHALLENGE_ROUNDS = 2;

const utf8 = new TextDecoder();

/** One watched presentity. */
export class PresenceWatch {
  readonly presentity: string;
  readonly #user: SimpleUserContext;
  readonly #handlers: PresenceWatchHandlers;
  readonly #expires: number;
  #subscriber: Subscriber | undefined;
  #challengeRounds = 0;
  /** NOTIFYs answered 200 with a PIDF body read. */
  notifies = 0;
  /** NOTIFY bodies that were not PIDF the lab can read (answered 200 anyway, RFC 6665 §4.1.3). */
  unreadable = 0;

  constructor(
    user: SimpleUserContext,
    presentity: string,
    handlers: PresenceWatchHandlers = {},
    options: PresenceWatchOptions = {},
  ) {
    this.#user = user;
    this.presentity = presentity;
    this.#handlers = handlers;
    this.#expires = options.expires ?? 3600;
  }

  /** The Call-ID of the current subscription (the client routes NOTIFYs by it). */
  get callId(): string | undefined {
    return this.#subscriber?.initialRequest?.callId;
  }

  /** The subscriber's chart state. */
  get state(): string {
    return this.#subscriber?.state ?? "init";
  }

  /** Sends the SUBSCRIBE (RFC 3856 §6.1). */
  start(previous?: SipRequest): void {
    const user = this.#user;
    // RFC 3856 §5.1: Request-URI and To the presentity; Event presence; Accept PIDF.
    const subscribe = user.core.createRequest("SUBSCRIBE", {
      to: this.presentity,
      from: previous?.header("from") ?? user.fromValue,
      callId: previous?.callId,
      cseq: previous === undefined ? undefined : previous.cseq.seq + 1,
      headers: [
        ["Event", "presence"],
        ["Accept", PIDF_CONTENT_TYPE],
        ["Expires", String(this.#expires)],
      ],
    });
    subscribe.setHeader("Contact", user.contact);
    const subscriber = Subscriber.outOfDialog(subscribe, {
      scheduler: user.wheel,
      sendRequest: (request) => this.#send(subscriber, request),
      onDialog: (dialog) => user.core.dialogs.add(dialog),
      onNotify: (notify, state) => this.#notified(notify, state),
      onTerminated: (ended, end) => this.#terminated(ended, end),
    });
    this.#subscriber = subscriber;
    subscriber.start();
  }

  /** A NOTIFY routed here by Call-ID; returns the response to send (RFC 6665 §4.1.3). */
  receiveNotify(notify: SipRequest): ResponseAdvice | undefined {
    return this.#subscriber?.receiveNotify(notify);
  }

  /** Ends the subscription: SUBSCRIBE with Expires 0, then the final NOTIFY (RFC 6665 §4.1.2.3). */
  unsubscribe(): boolean {
    return this.#subscriber?.unsubscribe() ?? false;
  }

  #send(subscriber: Subscriber, request: SipRequest): void {
    sendSigned(this.#user, request, {
      onFinal: (response, _dialog, sent) => {
        if (subscriber !== this.#subscriber) return;
        if (sent.failure === "timeout") subscriber.requestTimedOut(request);
        else this.#answered(subscriber, request, response);
      },
    });
  }

  #answered(subscriber: Subscriber, request: SipRequest, response: SipResponse): void {
    const initial = request.to.tag === undefined;
    if (
      initial && isChallenge(response) && this.#challengeRounds < MAX_CHALLENGE_ROUNDS &&
      answerChallenge(this.#user, response) === "answered"
    ) {
      this.#challengeRounds++;
      // The challenged attempt ends here; the signed one is a new subscription.
      this.#subscriber = undefined;
      subscriber.receiveResponse(response);
      this.start(request);
      return;
    }
    subscriber.receiveResponse(response);
  }

  #notified(notify: SipRequest, state: SubscriptionStateHeader): void {
    const update: PresenceUpdate = {
      presentity: this.presentity,
      subscriptionState: state.state,
    };
    const type = notify.header("content-type")?.split(";")[0].trim().toLowerCase();
    if (notify.body.length > 0 && type === PIDF_CONTENT_TYPE) {
      try {
        const document = parsePidf(utf8.decode(notify.body));
        update.document = document;
        update.availability = availabilityOf(document);
        const note = firstNote(document);
        if (note !== undefined) update.note = note;
        this.notifies++;
      } catch {
        this.unreadable++;
      }
    } else if (notify.body.length > 0) {
      this.unreadable++;
    }
    this.#handlers.onPresence?.(update);
  }

  #terminated(subscriber: Subscriber, end: SubscriptionEnd): void {
    const dialog: Dialog | undefined = subscriber.dialog;
    if (dialog !== undefined) this.#user.core.dialogs.delete(dialog);
    if (subscriber === this.#subscriber) this.#handlers.onEnded?.(end);
  }
}
