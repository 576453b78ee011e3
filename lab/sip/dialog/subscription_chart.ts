/**
 * The subscriber side of an RFC 6665 subscription as an XState v5 chart: pure data plus named
 * actions and guards. The context is the executor's record of one subscription
 * (`context: ({ input }) => input`), so the chart runs unchanged on lab/statechart's
 * ChartExecutor and on an XState actor. The action implementations below are empty slots:
 * `Subscriber` fills them with `subscriptionChart.provide({ actions })`. The guard is real.
 *
 * States: `init` (SUBSCRIBE sent, Timer N running, §4.1.2.4) → `notifyWait` (2xx received,
 * waiting for the first NOTIFY) → `pending` / `active` (as the NOTIFY's Subscription-State
 * says) → `terminated`. A NOTIFY may come before the 2xx and moves `init` straight on
 * (§4.1.2.4).
 *
 * @module
 */
import { setup } from "xstate";
import type { SipRequest } from "../message/message.ts";
import type { ChartInstance } from "../../statechart/mod.ts";
import type { SubscriptionStateHeader } from "./event_headers.ts";

/** Events of the subscriber chart. */
export type SubscriberEvent =
  /** A 2xx to one of this subscription's SUBSCRIBEs, granting `expires` seconds (§4.1.2.1). */
  | { type: "ACCEPTED"; expires: number }
  /** A non-2xx final response to the initial SUBSCRIBE: no subscription (§4.1.2.1). */
  | { type: "REJECTED"; status: number }
  /** A NOTIFY with Subscription-State pending / active / terminated (§4.1.3). */
  | { type: "NOTIFY_PENDING"; notify: SipRequest; state: SubscriptionStateHeader }
  | { type: "NOTIFY_ACTIVE"; notify: SipRequest; state: SubscriptionStateHeader }
  | { type: "NOTIFY_TERMINATED"; notify: SipRequest; state: SubscriptionStateHeader }
  /** Timer N (64*T1 from the SUBSCRIBE) fired before any NOTIFY (§4.1.2.4). */
  | { type: "TIMER_N" }
  /** Time to refresh before the subscription lapses (§4.1.2.2). */
  | { type: "REFRESH_DUE" }
  /** A refresh or un-SUBSCRIBE failed with `status` (408 for a timeout). */
  | { type: "REFRESH_FAILED"; status: number }
  /** The local user ends the subscription (§4.1.2.3: SUBSCRIBE with Expires 0). */
  | { type: "UNSUBSCRIBE" }
  /** The subscription duration ran out without a successful refresh. */
  | { type: "EXPIRED" };

/** RFC 6665 §4.1.2.2: refresh responses that end the subscription rather than the attempt. */
const FATAL_REFRESH_STATUS = new Set([
  404,
  405,
  410,
  416,
  480,
  481,
  482,
  483,
  484,
  485,
  489,
  501,
  604,
]);

/** Effects are performed by the runtime (`Subscriber`); see the module comment. */
const performedByRuntime = () => {};

/** NOTIFY handling shared by `init` and `notifyWait`: the first NOTIFY stops Timer N. */
const firstNotify = {
  NOTIFY_PENDING: { target: "pending", actions: ["stopTimerN", "applyNotify"] },
  NOTIFY_ACTIVE: { target: "active", actions: ["stopTimerN", "applyNotify"] },
  NOTIFY_TERMINATED: { target: "terminated", actions: ["applyNotify"] },
} as const;

/** Refresh, un-SUBSCRIBE and expiry, shared by every state with a dialog. */
const established = {
  ACCEPTED: { actions: ["applyExpires"] },
  REFRESH_DUE: { actions: ["sendRefresh"] },
  REFRESH_FAILED: { guard: "refreshFailureEndsSubscription", target: "terminated" },
  UNSUBSCRIBE: { actions: ["sendUnsubscribe"] },
  EXPIRED: { target: "terminated" },
} as const;

/**
 * The subscriber's subscription chart.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const input = { state: "", running: false, mailbox: undefined };
 * const actor = createActor(subscriptionChart, { input }).start(); // "init"
 * actor.send({ type: "ACCEPTED", expires: 600 });                  // "notifyWait"
 * ```
 */
export const subscriptionChart = setup({
  types: {
    context: {} as ChartInstance,
    input: {} as ChartInstance,
    events: {} as SubscriberEvent,
  },
  actions: {
    /** Send the initial SUBSCRIBE (built by the core, or in an existing dialog). */
    sendSubscribe: performedByRuntime,
    /** Arm Timer N at 64*T1 (§4.1.2.4). */
    startTimerN: performedByRuntime,
    stopTimerN: performedByRuntime,
    /** Adopt the granted duration of a 2xx: re-arm the refresh and expiry timers (§4.1.2.1). */
    applyExpires: performedByRuntime,
    /** Hand the NOTIFY to the application; adopt its `expires` or keep its termination reason. */
    applyNotify: performedByRuntime,
    /** Send a refreshing SUBSCRIBE in the dialog (§4.1.2.2). */
    sendRefresh: performedByRuntime,
    /** Send SUBSCRIBE with Expires 0 and wait (64*T1 at most) for the final NOTIFY. */
    sendUnsubscribe: performedByRuntime,
    /** Cancel every timer and report how the subscription ended. */
    endSubscription: performedByRuntime,
  },
  guards: {
    /**
     * §4.1.2.2: "404, 405, 410, 416, 480-485, 489, 501, or 604" end the subscription; after any
     * other error it stays valid until its expiry.
     */
    refreshFailureEndsSubscription: ({ event }) =>
      event.type === "REFRESH_FAILED" && FATAL_REFRESH_STATUS.has(event.status),
  },
}).createMachine({
  id: "subscription",
  context: ({ input }) => input,
  initial: "init",
  states: {
    init: {
      description: "SUBSCRIBE sent; Timer N runs until the first NOTIFY (RFC 6665 §4.1.2.4).",
      entry: ["sendSubscribe", "startTimerN"],
      on: {
        ACCEPTED: { target: "notifyWait", actions: ["applyExpires"] },
        REJECTED: { target: "terminated" },
        TIMER_N: { target: "terminated" },
        // No dialog yet to un-SUBSCRIBE in: abandon; later NOTIFYs get 481 (§4.2.2).
        UNSUBSCRIBE: { target: "terminated" },
        ...firstNotify,
      },
    },
    notifyWait: {
      description: "2xx received; the notifier sends a NOTIFY immediately (§4.2.1.2).",
      on: {
        ...established,
        TIMER_N: { target: "terminated" },
        ...firstNotify,
      },
    },
    pending: {
      description: "The notifier has not authorized the subscription yet.",
      on: {
        ...established,
        NOTIFY_ACTIVE: { target: "active", actions: ["applyNotify"] },
        NOTIFY_PENDING: { actions: ["applyNotify"] },
        NOTIFY_TERMINATED: { target: "terminated", actions: ["applyNotify"] },
      },
    },
    active: {
      description: "Authorized: NOTIFYs carry the resource state.",
      on: {
        ...established,
        NOTIFY_ACTIVE: { actions: ["applyNotify"] },
        NOTIFY_PENDING: { target: "pending", actions: ["applyNotify"] },
        NOTIFY_TERMINATED: { target: "terminated", actions: ["applyNotify"] },
      },
    },
    terminated: {
      type: "final",
      entry: ["endSubscription"],
    },
  },
});

/** State names of {@link subscriptionChart}. */
export type SubscriberStateName = "init" | "notifyWait" | "pending" | "active" | "terminated";
