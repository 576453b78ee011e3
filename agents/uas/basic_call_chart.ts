/**
 * The answering side of a basic call (RFC 3261 §13.3, §15): INVITE → 180 → (ring time) → 200
 * → ACK → BYE. Pure data; named actions do the sending. What the core does by itself is not in
 * the chart: retransmitting the 2xx until the ACK (§13.3.1.4) and the BYE after 64*T1 without
 * one, the 200 to a BYE (§15.1.2), and the 200 to a CANCEL with the 487 to the INVITE (§9.2).
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(basicCallUasChart, { input: { state: "", running: false, mailbox: undefined } });
 * actor.start();
 * actor.send({ type: "INVITE" });
 * actor.getSnapshot().value; // "ringing"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../lab/statechart/mod.ts";

/** Events the user agent core and the timer wheel feed into an answering agent. */
export type UasCallEvent =
  | { type: "INVITE" }
  | { type: "RING_TIME_ELAPSED" }
  | { type: "CANCEL" }
  | { type: "ACK" }
  | { type: "ACK_TIMEOUT" }
  | { type: "BYE" }
  | { type: "SERVER_FAILURE" };

/** Answering agent chart. */
export const basicCallUasChart = setup({
  // The context is the call object itself (the compiled executor runs on it; an actor gets it as input).
  types: { context: {} as ChartInstance, input: {} as ChartInstance, events: {} as UasCallEvent },
  actions: {
    /** 180 Ringing with the dialog's To tag (§13.3.1.1); arm the ring timer. */
    sendRinging: () => {},
    /** 200 OK with the SDP answer (§13.3.1.4). */
    sendOk: () => {},
    recordAnswered: () => {},
    recordCompleted: () => {},
    recordCancelled: () => {},
    recordFailed: () => {},
  },
}).createMachine({
  id: "uasCall",
  context: ({ input }) => input,
  initial: "idle",
  states: {
    idle: {
      on: { INVITE: { target: "ringing", actions: "sendRinging" } },
    },
    ringing: {
      on: {
        RING_TIME_ELAPSED: { target: "answered", actions: ["sendOk", "recordAnswered"] },
        CANCEL: { target: "cancelled", actions: "recordCancelled" },
        SERVER_FAILURE: { target: "failed", actions: "recordFailed" },
      },
    },
    answered: {
      on: {
        ACK: { target: "connected" },
        // A BYE may overtake a lost ACK; the call still ends cleanly.
        BYE: { target: "completed", actions: "recordCompleted" },
        ACK_TIMEOUT: { target: "failed", actions: "recordFailed" },
        SERVER_FAILURE: { target: "failed", actions: "recordFailed" },
      },
    },
    connected: {
      on: {
        BYE: { target: "completed", actions: "recordCompleted" },
      },
    },
    cancelled: { type: "final" },
    completed: { type: "final" },
    failed: { type: "final" },
  },
});
