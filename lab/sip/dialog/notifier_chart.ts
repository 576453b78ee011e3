/**
 * The notifier side of an RFC 6665 subscription as an XState v5 chart: pure data plus named
 * actions and guards. The context is the executor's record of one subscription
 * (`context: ({ input }) => input`), so the chart runs unchanged on lab/statechart's
 * ChartExecutor and on an XState actor. The action implementations below are empty slots:
 * `Notifier` fills them with `notifierChart.provide({ actions })`. The guard is real.
 *
 * `init` (SUBSCRIBE received, being decided) → `pending` / `active` with the immediate NOTIFY
 * (§4.2.1.2) → `terminated` with a final NOTIFY carrying the reason (§4.2.2), or silently when
 * a NOTIFY fails for good.
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../statechart/mod.ts";

/** Events of the notifier chart. */
export type NotifierEvent =
  /** The SUBSCRIBE was accepted (200 sent) and waits for authorization (§4.2.1.1). */
  | { type: "ACCEPT_PENDING" }
  /** The SUBSCRIBE was accepted (200 sent) and is authorized. */
  | { type: "ACCEPT_ACTIVE" }
  /** The SUBSCRIBE was refused with a non-2xx final response: no subscription. */
  | { type: "REJECT" }
  /** A pending subscription became authorized. */
  | { type: "AUTHORIZE" }
  /** The resource state changed: notify it. */
  | { type: "STATE_CHANGED" }
  /** A refreshing SUBSCRIBE granted `expires` seconds more (§4.2.1.2). */
  | { type: "REFRESHED"; expires: number }
  /** A SUBSCRIBE with Expires 0: un-subscription, or a fetch (§4.1.2.3, §4.4.3). */
  | { type: "UNSUBSCRIBED" }
  /** The subscription lapsed without a refresh. */
  | { type: "EXPIRED" }
  /** The notifier ends the subscription for `reason` (§4.2.2). */
  | { type: "TERMINATE"; reason: string; retryAfter?: number }
  /** A NOTIFY failed with `status` (408 for a timeout); `retryAfter` when it carried one. */
  | { type: "NOTIFY_FAILED"; status: number; retryAfter: boolean };

/** Effects are performed by the runtime (`Notifier`); see the module comment. */
const performedByRuntime = () => {};

/** Ways out shared by `pending` and `active`. */
const live = {
  REFRESHED: { actions: ["armExpiry", "sendNotify"] },
  UNSUBSCRIBED: { target: "terminated", actions: ["sendFinalNotify"] },
  EXPIRED: { target: "terminated", actions: ["sendFinalNotify"] },
  TERMINATE: { target: "terminated", actions: ["sendFinalNotify"] },
  NOTIFY_FAILED: { guard: "notifyFailureEndsSubscription", target: "terminated" },
} as const;

/**
 * The notifier's subscription chart.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const input = { state: "", running: false, mailbox: undefined };
 * const actor = createActor(notifierChart, { input }).start();
 * actor.send({ type: "ACCEPT_PENDING" }); // "pending"
 * ```
 */
export const notifierChart = setup({
  types: {
    context: {} as ChartInstance,
    input: {} as ChartInstance,
    events: {} as NotifierEvent,
  },
  actions: {
    /** (Re-)arm the expiry timer for the granted duration. */
    armExpiry: performedByRuntime,
    /** Send a NOTIFY with the current state and `expires` (§4.2.1.2, §4.2.2). */
    sendNotify: performedByRuntime,
    /** Send the NOTIFY with Subscription-State terminated and its reason (§4.2.2). */
    sendFinalNotify: performedByRuntime,
    /** Cancel the expiry timer and report. */
    endSubscription: performedByRuntime,
  },
  guards: {
    /**
     * RFC 6665 §4.2.2: a NOTIFY "fails" on a timeout or on a non-2xx response without
     * Retry-After and without an implied retry (401/407 lead to a retry with credentials); the
     * subscription is then removed. A 481 removes it in every case.
     */
    notifyFailureEndsSubscription: ({ event }) => {
      if (event.type !== "NOTIFY_FAILED") return false;
      if (event.status === 481) return true;
      if (event.status < 300 || event.status === 401 || event.status === 407) return false;
      return !event.retryAfter;
    },
  },
}).createMachine({
  id: "notifier",
  context: ({ input }) => input,
  initial: "init",
  states: {
    init: {
      description: "SUBSCRIBE received; the final response goes out first, then the NOTIFY.",
      on: {
        ACCEPT_PENDING: { target: "pending", actions: ["armExpiry", "sendNotify"] },
        ACCEPT_ACTIVE: { target: "active", actions: ["armExpiry", "sendNotify"] },
        REJECT: { target: "terminated" },
        // Expires 0 on the initial SUBSCRIBE: a fetch, answered by one terminated NOTIFY.
        UNSUBSCRIBED: { target: "terminated", actions: ["sendFinalNotify"] },
      },
    },
    pending: {
      description: "Accepted, not yet authorized: NOTIFYs carry no resource state.",
      on: {
        ...live,
        AUTHORIZE: { target: "active", actions: ["sendNotify"] },
      },
    },
    active: {
      description: "Authorized: every state change is notified.",
      on: {
        ...live,
        STATE_CHANGED: { actions: ["sendNotify"] },
      },
    },
    terminated: {
      type: "final",
      entry: ["endSubscription"],
    },
  },
});

/** State names of {@link notifierChart}. */
export type NotifierStateName = "init" | "pending" | "active" | "terminated";
