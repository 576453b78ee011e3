/**
 * The subscriber side of an RFC 6665 subscription at run time: a plain object driven by
 * {@link subscriptionChart} on lab/statechart's `ChartExecutor`, the chart's named actions
 * implemented here (one executor shared by every subscriber).
 *
 * It sends the initial SUBSCRIBE (built by the UA core outside a dialog, or built here inside an
 * existing dialog — several subscriptions then share that dialog and its CSeq space, told apart
 * by Event type and `id`), accepts NOTIFYs before or after the 2xx (§4.1.2.4), refreshes before
 * expiry (§4.1.2.2), un-subscribes with Expires 0 (§4.1.2.3) and reports how the subscription
 * ended, with the §4.1.3 retry advice when a NOTIFY terminated it.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import { parseUnsigned } from "../message/header_values.ts";
import { Dialog, type DialogOptions } from "./dialog.ts";
import {
  type EventHeader,
  eventsMatch,
  formatEvent,
  parseEvent,
  parseSubscriptionState,
  type RetryAdvice,
  retryAdvice,
  type SubscriptionStateHeader,
} from "./event_headers.ts";
import { ChartExecutor, type ChartInstance } from "../../statechart/mod.ts";
import { advise, type ResponseAdvice } from "./response_advice.ts";
import { DEFAULT_TIMER_VALUES, type SipTimerValues, type TimerScheduler } from "./scheduler.ts";
import {
  type SubscriberEvent,
  type SubscriberStateName,
  subscriptionChart,
} from "./subscription_chart.ts";

/** The executor's record of one subscription: the chart fields plus its subscriber. */
interface SubscriberRecord extends ChartInstance {
  readonly subscriber: Subscriber;
}

/** The subscriber behind a chart context (every context the executor passes is a record). */
const subscriberOf = (context: ChartInstance): Subscriber =>
  (context as SubscriberRecord).subscriber;

/** How a subscription ended, as reported to {@link SubscriberHost.onTerminated}. */
export interface SubscriptionEnd {
  /** The chart event that ended it. */
  cause: SubscriberEvent["type"];
  /** The response status, for REJECTED and REFRESH_FAILED. */
  status?: number;
  /** The Subscription-State reason of a terminating NOTIFY. */
  reason?: string;
  /** The Subscription-State retry-after of a terminating NOTIFY, in seconds. */
  retryAfter?: number;
  /** §4.1.3 advice, present when a NOTIFY terminated the subscription. */
  advice?: RetryAdvice;
}

/** What a subscriber needs from the UA core. */
export interface SubscriberHost {
  readonly scheduler: TimerScheduler;
  /** A SUBSCRIBE for a new non-INVITE client transaction. */
  sendRequest(request: SipRequest): void;
  /** The subscription's dialog now exists (from the 2xx or an early NOTIFY): store it. */
  onDialog?(dialog: Dialog): void;
  /** A NOTIFY was accepted (its body is the resource state). */
  onNotify?(notify: SipRequest, state: SubscriptionStateHeader): void;
  /** Called once when the subscription reaches "terminated". */
  onTerminated?(subscriber: Subscriber, end: SubscriptionEnd): void;
}

/** Options of the subscriber constructors. */
export interface SubscriberOptions {
  /** T1 / T2 (defaults 500 ms / 4 s); Timer N and the unsubscribe grace are 64*T1. */
  timers?: Partial<SipTimerValues>;
  /** For the dialog created from the 2xx or the first NOTIFY. */
  dialog?: DialogOptions;
}

/**
 * One subscription, subscriber side.
 *
 * @example
 * ```ts
 * const sub = Subscriber.outOfDialog(subscribe, host); // subscribe has Event and Expires
 * sub.start();                                          // sends it, Timer N runs
 * sub.receiveResponse(ok202);                           // "notifyWait"
 * respond(notify, sub.receiveNotify(notify));           // "active"
 * ```
 */
export class Subscriber {
  /** The chart with its actions bound to the subscribers' effects below. */
  static readonly #executor = new ChartExecutor<SubscriberRecord, SubscriberEvent>(
    subscriptionChart.provide({
      actions: {
        sendSubscribe: ({ context }) => subscriberOf(context).#sendSubscribe(),
        startTimerN: ({ context }) => subscriberOf(context).#startTimerN(),
        stopTimerN: ({ context }) => subscriberOf(context).#stopTimerN(),
        applyExpires: ({ context, event }) => subscriberOf(context).#applyExpires(event),
        applyNotify: ({ context, event }) => subscriberOf(context).#applyNotify(event),
        sendRefresh: ({ context }) => subscriberOf(context).#sendRefresh(),
        sendUnsubscribe: ({ context }) => subscriberOf(context).#sendUnsubscribe(),
        endSubscription: ({ context, event }) => subscriberOf(context).#endSubscription(event),
      },
    }),
  );
  /** The subscription's Event (type and `id`). */
  readonly event: EventHeader;
  readonly #host: SubscriberHost;
  readonly #timers: SipTimerValues;
  readonly #dialogOptions: DialogOptions | undefined;
  /** The executor's record (its state stays "" until {@link start}). */
  readonly #record: SubscriberRecord;
  /** The initial SUBSCRIBE: given (outside a dialog) or built at start (inside one). */
  #initial: SipRequest | undefined;
  #dialog: Dialog | undefined;
  readonly #requestedExpires: number;
  #unsubscribing = false;
  #terminatingState: SubscriptionStateHeader | undefined;
  #failureStatus: number | undefined;
  #timerN: unknown;
  #refreshTimer: unknown;
  #expiryTimer: unknown;

  private constructor(init: {
    initial: SipRequest | undefined;
    dialog: Dialog | undefined;
    event: EventHeader;
    expires: number;
    host: SubscriberHost;
    opts: SubscriberOptions;
  }) {
    this.#initial = init.initial;
    this.#dialog = init.dialog;
    this.event = init.event;
    this.#requestedExpires = init.expires;
    this.#host = init.host;
    this.#timers = { ...DEFAULT_TIMER_VALUES, ...init.opts.timers };
    this.#dialogOptions = init.opts.dialog;
    this.#record = { state: "", running: false, mailbox: undefined, subscriber: this };
  }

  /**
   * A subscription created by `subscribe`, a SUBSCRIBE the UA core built outside any dialog
   * (Request-URI, From with tag, To, Call-ID, CSeq, Contact, Event, Expires). Nothing is sent
   * until {@link start}.
   *
   * @example
   * ```ts
   * const sub = Subscriber.outOfDialog(subscribe, host);
   * ```
   */
  static outOfDialog(
    subscribe: SipRequest,
    host: SubscriberHost,
    opts: SubscriberOptions = {},
  ): Subscriber {
    const eventValue = subscribe.header("event");
    const expiresValue = subscribe.header("expires");
    if (eventValue === undefined) throw new Error("a SUBSCRIBE needs an Event header (§8.2.1)");
    if (expiresValue === undefined) throw new Error("give the SUBSCRIBE an Expires header");
    return new Subscriber({
      initial: subscribe,
      dialog: undefined,
      event: parseEvent(eventValue),
      expires: parseUnsigned(expiresValue, "Expires", 0xffffffff),
      host,
      opts,
    });
  }

  /**
   * A new subscription inside an existing dialog (§4.1.2.1 allows it; the 2xx or NOTIFY "merely
   * creates a new subscription associated with that dialog"). Use a distinct Event `id` when
   * the dialog already carries a subscription to the same event type.
   *
   * @example
   * ```ts
   * const mwi = Subscriber.inDialog(dialog, "message-summary", 3600, host);
   * ```
   */
  static inDialog(
    dialog: Dialog,
    event: string | EventHeader,
    expires: number,
    host: SubscriberHost,
    opts: SubscriberOptions = {},
  ): Subscriber {
    return new Subscriber({
      initial: undefined,
      dialog,
      event: typeof event === "string" ? parseEvent(event) : event,
      expires,
      host,
      opts,
    });
  }

  /** The chart state ("init" from construction: nothing is sent before {@link start}). */
  get state(): SubscriberStateName {
    return (this.#record.state || "init") as SubscriberStateName;
  }

  /** The subscription's dialog, once created. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** The initial SUBSCRIBE (after {@link start} for in-dialog subscriptions). */
  get initialRequest(): SipRequest | undefined {
    return this.#initial;
  }

  /** Sends the initial SUBSCRIBE and starts Timer N (once; later calls do nothing). */
  start(): void {
    if (this.#record.state === "") Subscriber.#executor.start(this.#record);
  }

  /**
   * A response to one of this subscription's SUBSCRIBEs: to the initial one it accepts (2xx,
   * creating the dialog when no NOTIFY did) or rejects; to a refresh it renews or fails.
   */
  receiveResponse(res: SipResponse): void {
    if (res.status < 200 || this.#initial === undefined) return;
    const initial = res.cseq.seq === this.#initial.cseq.seq;
    if (res.status >= 300) {
      this.#failureStatus = res.status;
      this.#dispatch(
        initial ? { type: "REJECTED", status: res.status } : {
          type: "REFRESH_FAILED",
          status: res.status,
        },
      );
      return;
    }
    if (initial && this.#dialog === undefined) {
      if (res.to.tag === undefined) {
        // §8.2.6.2: a 2xx to a dialog-creating request carries a To tag; without one there is
        // no dialog to hold the subscription.
        this.#failureStatus = res.status;
        this.#dispatch({ type: "REJECTED", status: res.status });
        return;
      }
      this.#dialog = Dialog.fromUacResponse(this.#initial, res, this.#dialogOptions);
      this.#host.onDialog?.(this.#dialog);
    }
    // §4.1.2.1: the 2xx's Expires is the granted duration (never longer than asked).
    const granted = res.header("expires");
    const expires = granted === undefined
      ? this.#requestedExpires
      : parseUnsigned(granted, "Expires", 0xffffffff);
    this.#dispatch({ type: "ACCEPTED", expires });
  }

  /** A SUBSCRIBE of this subscription got no response (Timer F). */
  requestTimedOut(request: SipRequest): void {
    const initial = this.#initial !== undefined && request.cseq.seq === this.#initial.cseq.seq;
    this.#failureStatus = 408;
    this.#dispatch(
      initial ? { type: "REJECTED", status: 408 } : {
        type: "REFRESH_FAILED",
        status: 408,
      },
    );
  }

  /**
   * A NOTIFY for this subscription (found by Call-ID, To tag and Event). Creates the dialog when
   * it precedes the 2xx (§4.1.2.4), checks CSeq (§12.2.2), and returns the response to send:
   * 200, 400 without a valid Subscription-State, 481 when it does not belong here, 500 when out
   * of order.
   *
   * @example
   * ```ts
   * const advice = sub.receiveNotify(notify); // { status: 200, reason: "OK", headers: [] }
   * ```
   */
  receiveNotify(notify: SipRequest): ResponseAdvice {
    const noSubscription = advise(481, "Subscription Does Not Exist");
    if (Subscriber.#executor.isDone(this.#record) || this.#initial === undefined) {
      return noSubscription;
    }
    const eventValue = notify.header("event");
    let state: SubscriptionStateHeader;
    try {
      if (eventValue === undefined || !eventsMatch(parseEvent(eventValue), this.event)) {
        return noSubscription;
      }
      const stateValue = notify.header("subscription-state");
      if (stateValue === undefined) return advise(400, "Bad Request - Missing Subscription-State");
      state = parseSubscriptionState(stateValue);
    } catch {
      return advise(400, "Bad Request - Malformed Event or Subscription-State");
    }
    if (this.#dialog === undefined) {
      if (notify.to.tag !== this.#initial.from.tag || notify.callId !== this.#initial.callId) {
        return noSubscription;
      }
      this.#dialog = Dialog.fromSubscriberNotify(this.#initial, notify, this.#dialogOptions);
      this.#host.onDialog?.(this.#dialog);
    } else {
      // A NOTIFY from another fork (§4.1.2.4) is another subscription; this one keeps its own.
      const verdict = this.#dialog.receiveRequest(notify);
      if (!verdict.accepted) return advise(verdict.status, verdict.reason);
    }
    switch (state.state) {
      case "active":
        this.#dispatch({ type: "NOTIFY_ACTIVE", notify, state });
        break;
      case "pending":
        this.#dispatch({ type: "NOTIFY_PENDING", notify, state });
        break;
      case "terminated":
        this.#dispatch({ type: "NOTIFY_TERMINATED", notify, state });
        break;
      default:
        // An extension substate (§8.4) changes nothing here; the body still reaches the user.
        this.#host.onNotify?.(notify, state);
    }
    return advise(200, "OK");
  }

  /** Ends the subscription: SUBSCRIBE with Expires 0, then the final NOTIFY (§4.1.2.3). */
  unsubscribe(): boolean {
    return this.#dispatch({ type: "UNSUBSCRIBE" });
  }

  /** Feeds `event` to the chart; false when the current state ignores it (or before start). */
  #dispatch(event: SubscriberEvent): boolean {
    return Subscriber.#executor.send(this.#record, event);
  }

  // ---- chart actions ------------------------------------------------------------------------

  #sendSubscribe(): void {
    if (this.#initial === undefined) {
      this.#initial = this.#buildInDialog(this.#requestedExpires);
    }
    this.#host.sendRequest(this.#initial);
  }

  #buildInDialog(expires: number): SipRequest {
    const dialog = this.#dialog;
    if (dialog === undefined) throw new Error("the subscription has no dialog yet");
    return dialog.createRequest("SUBSCRIBE", {
      extraHeaders: [["Event", formatEvent(this.event)], ["Expires", String(expires)]],
    });
  }

  #sendInDialog(expires: number): void {
    this.#host.sendRequest(this.#buildInDialog(expires));
  }

  #startTimerN(): void {
    this.#timerN = this.#schedule(64 * this.#timers.t1, { type: "TIMER_N" });
  }

  #stopTimerN(): void {
    this.#cancel(this.#timerN);
  }

  #sendRefresh(): void {
    this.#sendInDialog(this.#requestedExpires);
  }

  #sendUnsubscribe(): void {
    this.#unsubscribing = true;
    this.#cancel(this.#refreshTimer);
    this.#sendInDialog(0);
    // Wait for the final NOTIFY, but not forever: 64*T1 bounds the un-SUBSCRIBE transaction.
    this.#cancel(this.#expiryTimer);
    this.#expiryTimer = this.#schedule(64 * this.#timers.t1, { type: "EXPIRED" });
  }

  #applyExpires(e: SubscriberEvent): void {
    if (e.type === "ACCEPTED" && !this.#unsubscribing) this.#armLifetime(e.expires);
  }

  #applyNotify(e: SubscriberEvent): void {
    if (
      e.type !== "NOTIFY_ACTIVE" && e.type !== "NOTIFY_PENDING" && e.type !== "NOTIFY_TERMINATED"
    ) {
      return;
    }
    if (e.type === "NOTIFY_TERMINATED") this.#terminatingState = e.state;
    else if (e.state.expires !== undefined && !this.#unsubscribing) {
      // §4.1.3: the notifier may shorten the subscription through `expires`.
      this.#armLifetime(e.state.expires);
    }
    this.#host.onNotify?.(e.notify, e.state);
  }

  /** Re-arms refresh and expiry for a subscription lasting `seconds` from now. */
  #armLifetime(seconds: number): void {
    this.#cancel(this.#refreshTimer);
    this.#cancel(this.#expiryTimer);
    const lifetime = seconds * 1000;
    this.#expiryTimer = this.#schedule(lifetime, { type: "EXPIRED" });
    if (lifetime > 0) {
      // Refresh early enough for the refresh transaction to finish (it may take 64*T1), and
      // at the latest halfway through a short subscription.
      const margin = Math.min(lifetime / 2, 64 * this.#timers.t1);
      this.#refreshTimer = this.#schedule(lifetime - margin, { type: "REFRESH_DUE" });
    }
  }

  #endSubscription(e: SubscriberEvent): void {
    this.#cancel(this.#timerN);
    this.#cancel(this.#refreshTimer);
    this.#cancel(this.#expiryTimer);
    const end: SubscriptionEnd = { cause: e.type };
    if (e.type === "REJECTED" || e.type === "REFRESH_FAILED") end.status = this.#failureStatus;
    const terminating = this.#terminatingState;
    if (e.type === "NOTIFY_TERMINATED" && terminating !== undefined) {
      if (terminating.reason !== undefined) end.reason = terminating.reason;
      if (terminating.retryAfter !== undefined) end.retryAfter = terminating.retryAfter;
      end.advice = retryAdvice(terminating.reason, terminating.retryAfter);
    }
    this.#host.onTerminated?.(this, end);
  }

  #schedule(delayMs: number, event: SubscriberEvent): unknown {
    return this.#host.scheduler.schedule(delayMs, () => this.#dispatch(event));
  }

  #cancel(handle: unknown): void {
    if (handle !== undefined) this.#host.scheduler.cancel(handle);
  }
}
