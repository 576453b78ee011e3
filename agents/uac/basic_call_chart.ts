/**
 * The calling side of a basic call (RFC 3261 §13, §15): INVITE → (1xx) → 2xx → hold → BYE →
 * 200. The chart is pure data; every side effect is a named action the caller binds to the
 * user agent core and to the metrics. What the core does by itself is not in the chart: the
 * ACK for every 2xx (§13.2.2.4), the 200 for a BYE from the far end (§15.1.2), and sending a
 * CANCEL only once a provisional response has arrived (§9.1).
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(basicCallUacChart, { input: { state: "", running: false, mailbox: undefined } });
 * actor.start();
 * actor.send({ type: "START" });
 * actor.getSnapshot().value; // "inviting"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../lab/statechart/mod.ts";

/** Events the user agent core and the timer wheel feed into a calling agent. */
export type UacCallEvent =
  | { type: "START" }
  | { type: "PROVISIONAL" }
  | { type: "ANSWERED" }
  | { type: "REJECTED" }
  | { type: "TIMEOUT" }
  | { type: "TRANSPORT_ERROR" }
  | { type: "ANSWER_TIMEOUT" }
  | { type: "HOLD_ELAPSED" }
  | { type: "BYE_COMPLETED" }
  | { type: "REMOTE_BYE" };

/** Calling agent chart: its states are what the dashboard counts per call. */
export const basicCallUacChart = setup({
  // The context is the call object itself (the compiled executor runs on it; an actor gets it as input).
  types: { context: {} as ChartInstance, input: {} as ChartInstance, events: {} as UacCallEvent },
  actions: {
    /** Send the INVITE through an INVITE client transaction (§13.2.1); arm the answer timer. */
    sendInvite: () => {},
    /** First provisional: session request delay (RFC 6076 §4.2). */
    recordProvisional: () => {},
    /** 2xx: session established, setup time recorded (RFC 6076 §4.6). */
    recordAnswered: () => {},
    /** No answer in time: CANCEL the INVITE (§9.1). */
    cancelInvite: () => {},
    /** Arm the hold timer from the scenario's hold-time distribution. */
    armHoldTimer: () => {},
    /** BYE in the dialog (§15.1.1). */
    sendBye: () => {},
    recordCompleted: () => {},
    recordFailed: () => {},
  },
}).createMachine({
  id: "uacCall",
  context: ({ input }) => input,
  initial: "idle",
  states: {
    idle: {
      on: { START: { target: "inviting", actions: "sendInvite" } },
    },
    inviting: {
      on: {
        PROVISIONAL: { target: "ringing", actions: "recordProvisional" },
        ANSWERED: { target: "connected", actions: "recordAnswered" },
        REJECTED: { target: "failed", actions: "recordFailed" },
        TIMEOUT: { target: "failed", actions: "recordFailed" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
        ANSWER_TIMEOUT: { target: "cancelling", actions: "cancelInvite" },
      },
    },
    ringing: {
      on: {
        ANSWERED: { target: "connected", actions: "recordAnswered" },
        REJECTED: { target: "failed", actions: "recordFailed" },
        TIMEOUT: { target: "failed", actions: "recordFailed" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
        ANSWER_TIMEOUT: { target: "cancelling", actions: "cancelInvite" },
      },
    },
    cancelling: {
      on: {
        // The INVITE ends with 487 (§9.1), or the 2xx crossed the CANCEL: hang up at once.
        REJECTED: { target: "failed", actions: "recordFailed" },
        TIMEOUT: { target: "failed", actions: "recordFailed" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
        ANSWERED: { target: "hangingUp", actions: "sendBye" },
      },
    },
    connected: {
      entry: "armHoldTimer",
      on: {
        HOLD_ELAPSED: { target: "hangingUp", actions: "sendBye" },
        REMOTE_BYE: { target: "completed", actions: "recordCompleted" },
      },
    },
    hangingUp: {
      on: {
        BYE_COMPLETED: { target: "completed", actions: "recordCompleted" },
        REMOTE_BYE: { target: "completed", actions: "recordCompleted" },
      },
    },
    completed: { type: "final" },
    failed: { type: "final" },
  },
});
