/**
 * The answering side of a basic call (RFC 3261 §13.3, §15): INVITE → 180 → 200 → wait for ACK
 * (2xx retransmitted meanwhile, §13.3.1.4) → BYE → 200. Pure data; named actions do the sending.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(basicCallUasChart.provide({ actions: { sendRinging: () => {} } }));
 * actor.start(); actor.send({ type: "INVITE" });
 * ```
 *
 * @module
 */
import { setup } from "xstate";

/** Events the user agent core and the scheduler feed into an answering agent. */
export type UasCallEvent =
  | { type: "INVITE" }
  | { type: "ANSWER_DELAY_ELAPSED" }
  | { type: "CANCEL" }
  | { type: "ACK" }
  | { type: "ACK_TIMEOUT" }
  | { type: "BYE" }
  | { type: "BYE_OK" }
  | { type: "BYE_FAILED" }
  | { type: "TRANSPORT_ERROR" };

/** Answering agent chart. */
export const basicCallUasChart = setup({
  types: { events: {} as UasCallEvent },
  actions: {
    /** 180 Ringing, creating the early dialog (§13.3.1.1). */
    sendRinging: () => {},
    armAnswerTimer: () => {},
    /** 200 OK with the SDP answer (§13.3.1.4); the dialog layer retransmits it until ACK. */
    sendOk: () => {},
    /** 487 Request Terminated for the INVITE after CANCEL (§9.2). */
    sendRequestTerminated: () => {},
    /** No ACK within 64*T1: end the session with BYE (§13.3.1.4). */
    sendBye: () => {},
    /** 200 for BYE (§15.1.2). */
    acceptBye: () => {},
    recordAnswered: () => {},
    recordCompleted: () => {},
    recordFailed: () => {},
  },
}).createMachine({
  id: "uasCall",
  initial: "idle",
  states: {
    idle: {
      on: { INVITE: { target: "ringing", actions: ["sendRinging", "armAnswerTimer"] } },
    },
    ringing: {
      on: {
        ANSWER_DELAY_ELAPSED: { target: "answered", actions: ["sendOk", "recordAnswered"] },
        CANCEL: { target: "cancelled", actions: "sendRequestTerminated" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
      },
    },
    answered: {
      on: {
        ACK: { target: "connected" },
        // A BYE may overtake a lost ACK; it still ends the call cleanly.
        BYE: { target: "completed", actions: ["acceptBye", "recordCompleted"] },
        ACK_TIMEOUT: { target: "releasing", actions: "sendBye" },
        TRANSPORT_ERROR: { target: "failed", actions: "recordFailed" },
      },
    },
    connected: {
      on: {
        ACK: {},
        BYE: { target: "completed", actions: ["acceptBye", "recordCompleted"] },
      },
    },
    releasing: {
      on: {
        BYE_OK: { target: "failed", actions: "recordFailed" },
        BYE_FAILED: { target: "failed", actions: "recordFailed" },
        BYE: { target: "failed", actions: ["acceptBye", "recordFailed"] },
      },
    },
    cancelled: { type: "final" },
    completed: { type: "final" },
    failed: { type: "final" },
  },
});
