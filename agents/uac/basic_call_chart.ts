/**
 * The calling side of a basic call (RFC 3261 §13, §15): INVITE → (1xx) → 2xx → ACK → hold →
 * BYE → 200. The chart is pure data; every side effect is a named action that the agent
 * binds to the user agent core (send INVITE, ACK, BYE) and to the metrics recorder.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(basicCallUacChart.provide({ actions: { sendInvite: () => {} } }));
 * actor.start(); actor.send({ type: "START" });
 * ```
 *
 * @module
 */
import { setup } from "xstate";

/** Events the user agent core and the scheduler feed into a calling agent. */
export type UacCallEvent =
  | { type: "START" }
  | { type: "PROVISIONAL"; status: number }
  | { type: "ANSWERED"; status: number }
  | { type: "REJECTED"; status: number }
  | { type: "TIMEOUT" }
  | { type: "TRANSPORT_ERROR" }
  | { type: "HOLD_ELAPSED" }
  | { type: "BYE_OK"; status: number }
  | { type: "BYE_FAILED"; status: number }
  | { type: "REMOTE_BYE" };

/** Calling agent chart: states are what a watcher of the fleet sees per call. */
export const basicCallUacChart = setup({
  types: { events: {} as UacCallEvent },
  actions: {
    /** Send the INVITE through an INVITE client transaction (§13.2.1). */
    sendInvite: () => {},
    /** Post-dial delay sample: INVITE sent → first provisional (RFC 6076 §4.2 SRD-style). */
    recordProvisional: () => {},
    /** ACK the 2xx end to end (§13.2.2.4) and record session setup time (RFC 6076 §4.2). */
    sendAck: () => {},
    recordAnswered: () => {},
    /** Arm the hold timer (scenario hold-time distribution). */
    armHoldTimer: () => {},
    /** Send BYE in the dialog (§15.1.1). */
    sendBye: () => {},
    /** Answer a BYE from the far end with 200 (§15.1.2). */
    acceptRemoteBye: () => {},
    recordCompleted: () => {},
    recordFailed: () => {},
  },
}).createMachine({
  id: "uacCall",
  initial: "idle",
  states: {
    idle: {
      on: { START: { target: "inviting", actions: "sendInvite" } },
    },
    inviting: {
      on: {
        PROVISIONAL: { target: "ringing", actions: "recordProvisional" },
        ANSWERED: { target: "connected", actions: ["sendAck", "recordAnswered"] },
        REJECTED: { target: "failed", actions: "recordFailed" },
        TIMEOUT: { target: "failed", actions: "recordFailed" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
      },
    },
    ringing: {
      on: {
        PROVISIONAL: {},
        ANSWERED: { target: "connected", actions: ["sendAck", "recordAnswered"] },
        REJECTED: { target: "failed", actions: "recordFailed" },
        TIMEOUT: { target: "failed", actions: "recordFailed" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
      },
    },
    connected: {
      entry: "armHoldTimer",
      on: {
        // A retransmitted 2xx re-triggers the same ACK (§13.2.2.4).
        ANSWERED: { actions: "sendAck" },
        HOLD_ELAPSED: { target: "hangingUp", actions: "sendBye" },
        REMOTE_BYE: { target: "completed", actions: ["acceptRemoteBye", "recordCompleted"] },
      },
    },
    hangingUp: {
      on: {
        BYE_OK: { target: "completed", actions: "recordCompleted" },
        BYE_FAILED: { target: "failed", actions: "recordFailed" },
        TIMEOUT: { target: "failed", actions: "recordFailed" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
        REMOTE_BYE: { target: "completed", actions: ["acceptRemoteBye", "recordCompleted"] },
      },
    },
    completed: { type: "final" },
    failed: { type: "final" },
  },
});
