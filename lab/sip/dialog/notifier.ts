/**
 * The notifier side of an RFC 6665 subscription at run time: a plain object driven by
 * {@link notifierChart} on lab/statechart's `ChartExecutor`, the chart's named actions
 * implemented here (one executor shared by every notifier).
 *
 * It checks the SUBSCRIBE (Event package → 489, Expires → 423, §4.2.1.1), answers it, sends the
 * NOTIFY that must follow at once (§4.2.1.2) with Subscription-State and the remaining
 * `expires`, handles refreshes and un-SUBSCRIBE, expires the subscription, and ends it with a
 * NOTIFY carrying a §4.2.2 reason. Responses are handed to `host.respond` before the NOTIFY
 * they trigger is sent, so a well-behaved peer sees the 200 first.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import { parseUnsigned } from "../message/header_values.ts";
import { Dialog, type DialogOptions } from "./dialog.ts";
import {
  type EventHeader,
  formatEvent,
  formatSubscriptionState,
  parseEvent,
} from "./event_headers.ts";
import { ChartExecutor, type ChartInstance } from "../../statechart/mod.ts";
import { notifierChart, type NotifierEvent, type NotifierStateName } from "./notifier_chart.ts";
import { advise, type ResponseAdvice } from "./response_advice.ts";
import type { TimerScheduler } from "./scheduler.ts";

/** The executor's record of one subscription: the chart fields plus its notifier. */
interface NotifierRecord extends ChartInstance {
  state: NotifierStateName;
  readonly notifier: Notifier;
}

/** The notifier behind a chart context (every context the executor passes is a record). */
const notifierOf = (context: ChartInstance): Notifier => (context as NotifierRecord).notifier;

/** Which subscriptions a notifier accepts (RFC 6665 §4.2.1.1). */
export interface NotifierPolicy {
  /** Event packages served; others get 489 Bad Event with Allow-Events (§8.3.2). */
  packages: readonly string[];
  /** Duration in seconds when the SUBSCRIBE has no Expires (the package's default, §4.1.2.1). */
  defaultExpires: number;
  /** Shorter non-zero requests get 423 Interval Too Brief with Min-Expires (§4.2.1.1). */
  minExpires?: number;
  /** Longer requests are granted this much (§4.2.1.1: the notifier may shorten). */
  maxExpires?: number;
}

/** The body of a NOTIFY. */
export interface NotifyContent {
  body: Uint8Array | string;
  contentType: string;
}

/** What a notifier needs from the UA core. */
export interface NotifierHost {
  readonly scheduler: TimerScheduler;
  /** Milliseconds on the scheduler's clock, for the remaining `expires`. Default Date.now. */
  now?(): number;
  /** Answer `request` (a SUBSCRIBE) as advised. */
  respond(request: SipRequest, advice: ResponseAdvice): void;
  /** A NOTIFY for a new non-INVITE client transaction. */
  sendRequest(request: SipRequest): void;
  /** Called once when the subscription reaches "terminated", with the event that ended it. */
  onTerminated?(notifier: Notifier, cause: NotifierEvent["type"]): void;
}

/** The outcome of {@link evaluateSubscribe}. */
export type SubscribeEvaluation =
  | { ok: true; event: EventHeader; expires: number }
  | { ok: false; response: ResponseAdvice };

/**
 * RFC 6665 §4.2.1.1 checks of a SUBSCRIBE (initial or refresh) against a policy: Event present
 * and served (400 / 489 with Allow-Events), Expires well-formed (400), not too brief (423 with
 * Min-Expires; 0 is always accepted), shortened to the maximum.
 *
 * @example
 * ```ts
 * evaluateSubscribe(subscribe, { packages: ["presence"], defaultExpires: 3600, minExpires: 60 });
 * // { ok: true, event, expires: 600 }
 * ```
 */
export function evaluateSubscribe(req: SipRequest, policy: NotifierPolicy): SubscribeEvaluation {
  const eventValue = req.header("event");
  if (eventValue === undefined) {
    return { ok: false, response: advise(400, "Bad Request - Missing Event") };
  }
  let event: EventHeader;
  try {
    event = parseEvent(eventValue);
  } catch {
    return { ok: false, response: advise(400, "Bad Request - Malformed Event") };
  }
  const eventPackage = event.eventType.split(".")[0];
  if (!policy.packages.includes(eventPackage)) {
    return {
      ok: false,
      response: advise(489, "Bad Event", [["Allow-Events", policy.packages.join(", ")]]),
    };
  }
  const expiresValue = req.header("expires");
  let expires = policy.defaultExpires;
  if (expiresValue !== undefined) {
    try {
      expires = parseUnsigned(expiresValue, "Expires", 0xffffffff);
    } catch {
      return { ok: false, response: advise(400, "Bad Request - Malformed Expires") };
    }
  }
  const min = policy.minExpires ?? 0;
  if (expires > 0 && expires < min) {
    return {
      ok: false,
      response: advise(423, "Interval Too Brief", [["Min-Expires", String(min)]]),
    };
  }
  if (policy.maxExpires !== undefined) expires = Math.min(expires, policy.maxExpires);
  return { ok: true, event, expires };
}

/** Options of {@link Notifier.fromSubscribe}. */
export interface NotifierOptions {
  policy: NotifierPolicy;
  /**
   * The dialog the SUBSCRIBE arrived in, when it starts a further subscription in an existing
   * dialog; otherwise a dialog is created with `localTag`.
   */
  dialog?: Dialog;
  /** The To tag of a new dialog (required without `dialog`). */
  localTag?: string;
  /** For the new dialog: Contact (required to build NOTIFYs) and Via. */
  dialogOptions?: DialogOptions;
}

/**
 * One subscription, notifier side.
 *
 * @example
 * ```ts
 * const n = Notifier.fromSubscribe(subscribe, host, { policy, localTag: newTag(), dialogOptions });
 * n?.accept("active", { body: pidf, contentType: "application/pidf+xml" }); // 200, then NOTIFY
 * ```
 */
export class Notifier {
  /** The chart with its actions bound to the notifiers' effects below. */
  static readonly #executor = new ChartExecutor<NotifierRecord, NotifierEvent>(
    notifierChart.provide({
      actions: {
        armExpiry: ({ context, event }) => notifierOf(context).#armExpiry(event),
        sendNotify: ({ context, event }) => notifierOf(context).#sendNotify(event),
        sendFinalNotify: ({ context, event }) => notifierOf(context).#sendFinalNotify(event),
        endSubscription: ({ context, event }) => notifierOf(context).#endSubscription(event),
      },
    }),
  );
  readonly dialog: Dialog;
  /** The subscription's Event (type and `id`), copied into every NOTIFY. */
  readonly event: EventHeader;
  readonly #subscribe: SipRequest;
  readonly #host: NotifierHost;
  readonly #policy: NotifierPolicy;
  readonly #record: NotifierRecord;
  readonly #newDialog: boolean;
  #expires: number;
  #expiresAt = 0;
  #expiryTimer: unknown;
  #content: NotifyContent | undefined;

  private constructor(init: {
    dialog: Dialog;
    newDialog: boolean;
    subscribe: SipRequest;
    event: EventHeader;
    expires: number;
    host: NotifierHost;
    policy: NotifierPolicy;
  }) {
    this.dialog = init.dialog;
    this.#newDialog = init.newDialog;
    this.#subscribe = init.subscribe;
    this.event = init.event;
    this.#expires = init.expires;
    this.#host = init.host;
    this.#policy = init.policy;
    this.#record = { state: "init", running: false, mailbox: undefined, notifier: this };
    Notifier.#executor.start(this.#record);
  }

  /**
   * Checks a SUBSCRIBE that starts a subscription; when it fails, answers it through
   * `host.respond` (400 / 489 / 423 / 500) and returns undefined. Otherwise returns a notifier
   * in "init": call {@link accept} (or {@link reject}) next.
   */
  static fromSubscribe(
    subscribe: SipRequest,
    host: NotifierHost,
    opts: NotifierOptions,
  ): Notifier | undefined {
    const evaluation = evaluateSubscribe(subscribe, opts.policy);
    if (!evaluation.ok) {
      host.respond(subscribe, evaluation.response);
      return undefined;
    }
    let dialog = opts.dialog;
    if (dialog !== undefined) {
      // §12.2.2 applies to a SUBSCRIBE inside an existing dialog.
      const verdict = dialog.receiveRequest(subscribe);
      if (!verdict.accepted) {
        host.respond(subscribe, advise(verdict.status, verdict.reason));
        return undefined;
      }
    } else {
      if (opts.localTag === undefined) throw new Error("a new dialog needs a localTag");
      dialog = Dialog.fromUasRequest(subscribe, opts.localTag, opts.dialogOptions);
    }
    return new Notifier({
      dialog,
      newDialog: opts.dialog === undefined,
      subscribe,
      event: evaluation.event,
      expires: evaluation.expires,
      host,
      policy: opts.policy,
    });
  }

  /** The chart state. */
  get state(): NotifierStateName {
    return this.#record.state;
  }

  /** Seconds granted by the latest accepted SUBSCRIBE. */
  get expires(): number {
    return this.#expires;
  }

  /**
   * Accepts the subscription: answers 200 with the granted Expires (§4.2.1.1), then sends the
   * immediate NOTIFY with Subscription-State `state` (§4.2.1.2). With Expires 0 (a fetch,
   * §4.4.3) that NOTIFY is the final one.
   */
  accept(state: "active" | "pending", content?: NotifyContent): void {
    if (this.state !== "init") return;
    this.#content = content;
    const headers: Array<[string, string]> = [["Expires", String(this.#expires)]];
    if (this.#newDialog && this.dialog.localContact !== undefined) {
      headers.push(["Contact", this.dialog.localContact]);
    }
    this.#host.respond(this.#subscribe, {
      ...advise(200, "OK", headers),
      toTag: this.dialog.id.localTag,
    });
    this.dialog.confirm();
    if (this.#expires === 0) this.#dispatch({ type: "UNSUBSCRIBED" });
    else this.#dispatch({ type: state === "active" ? "ACCEPT_ACTIVE" : "ACCEPT_PENDING" });
  }

  /** Refuses the subscription with a non-2xx final response; no NOTIFY is sent. */
  reject(status: number, reason: string, headers: Array<[string, string]> = []): void {
    if (this.state !== "init") return;
    this.#host.respond(this.#subscribe, advise(status, reason, headers));
    this.#dispatch({ type: "REJECT" });
  }

  /** A pending subscription is authorized: NOTIFY with state active (and the content). */
  authorize(content?: NotifyContent): boolean {
    if (content !== undefined) this.#content = content;
    return this.#dispatch({ type: "AUTHORIZE" });
  }

  /** The resource state changed: NOTIFY it (active subscriptions only). */
  notify(content: NotifyContent): boolean {
    this.#content = content;
    return this.#dispatch({ type: "STATE_CHANGED" });
  }

  /** Ends the subscription with a final NOTIFY (§4.2.2 reasons; retry-after for some). */
  terminate(reason: string, retryAfter?: number): boolean {
    return this.#dispatch({ type: "TERMINATE", reason, retryAfter });
  }

  /**
   * A SUBSCRIBE in the dialog for this subscription (same Event and id): a refresh, or with
   * Expires 0 an un-subscription (§4.1.2.3). It is answered through `host.respond` first; the
   * NOTIFY it triggers follows (§4.2.1.2).
   */
  receiveSubscribe(req: SipRequest): void {
    if (Notifier.#executor.isDone(this.#record)) {
      this.#host.respond(req, advise(481, "Subscription Does Not Exist"));
      return;
    }
    const verdict = this.dialog.receiveRequest(req);
    if (!verdict.accepted) {
      this.#host.respond(req, advise(verdict.status, verdict.reason));
      return;
    }
    const evaluation = evaluateSubscribe(req, this.#policy);
    if (!evaluation.ok) {
      this.#host.respond(req, evaluation.response);
      return;
    }
    this.#host.respond(req, advise(200, "OK", [["Expires", String(evaluation.expires)]]));
    if (evaluation.expires === 0) this.#dispatch({ type: "UNSUBSCRIBED" });
    else this.#dispatch({ type: "REFRESHED", expires: evaluation.expires });
  }

  /** A final response to one of this subscription's NOTIFYs. */
  receiveResponse(res: SipResponse): void {
    if (res.status < 300) return;
    this.dialog.receiveResponse(res);
    this.#dispatch({
      type: "NOTIFY_FAILED",
      status: res.status,
      retryAfter: res.hasHeader("retry-after"),
    });
  }

  /** A NOTIFY of this subscription got no response (Timer F): the subscription is removed. */
  requestTimedOut(): void {
    this.#dispatch({ type: "NOTIFY_FAILED", status: 408, retryAfter: false });
  }

  /** Feeds `event` to the chart; false when the current state ignores it. */
  #dispatch(event: NotifierEvent): boolean {
    return Notifier.#executor.send(this.#record, event);
  }

  // ---- chart actions ------------------------------------------------------------------------

  #now(): number {
    return this.#host.now?.() ?? Date.now();
  }

  #armExpiry(e: NotifierEvent): void {
    if (e.type === "REFRESHED") this.#expires = e.expires;
    const scheduler = this.#host.scheduler;
    if (this.#expiryTimer !== undefined) scheduler.cancel(this.#expiryTimer);
    this.#expiresAt = this.#now() + this.#expires * 1000;
    this.#expiryTimer = scheduler.schedule(
      this.#expires * 1000,
      () => this.#dispatch({ type: "EXPIRED" }),
    );
  }

  #sendNotify(e: NotifierEvent): void {
    // The state the NOTIFY reports is the one the transition leads to.
    const state =
      e.type === "ACCEPT_PENDING" || (e.type === "REFRESHED" && this.state === "pending")
        ? "pending"
        : "active";
    const remaining = Math.max(0, Math.floor((this.#expiresAt - this.#now()) / 1000));
    this.#send(formatSubscriptionState({ state, expires: remaining }), state === "active");
  }

  #sendFinalNotify(e: NotifierEvent): void {
    // §4.2.2: an expired subscription ends with reason "timeout"; an un-SUBSCRIBE (Expires 0)
    // makes it expire at once, so it ends the same way.
    const reason = e.type === "TERMINATE" ? e.reason : "timeout";
    const retryAfter = e.type === "TERMINATE" ? e.retryAfter : undefined;
    this.#send(formatSubscriptionState({ state: "terminated", reason, retryAfter }), true);
  }

  #send(subscriptionState: string, withContent: boolean): void {
    const content = withContent ? this.#content : undefined;
    const notify = this.dialog.createRequest("NOTIFY", {
      extraHeaders: [
        ["Event", formatEvent(this.event)],
        ["Subscription-State", subscriptionState],
      ],
      ...(content ? { body: content.body, contentType: content.contentType } : {}),
    });
    this.#host.sendRequest(notify);
  }

  #endSubscription(e: NotifierEvent): void {
    if (this.#expiryTimer !== undefined) this.#host.scheduler.cancel(this.#expiryTimer);
    this.#expiryTimer = undefined;
    this.#host.onTerminated?.(this, e.type);
  }
}
