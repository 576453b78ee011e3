/**
 * The registration lifecycle of one standard-SIP user (RFC 3261 §10.2): REGISTER, answering a
 * Digest challenge (§22.2, RFC 7616), staying registered by refreshing before the binding
 * expires (§10.2.1), and removing the binding with Expires 0 (§10.2.2). The chart is pure data
 * plus named actions; `Registration` binds them to the user agent core and the timer wheel.
 *
 * The agent asks the Digest client before feeding a 401/407 to the chart, so a challenge
 * arrives as CHALLENGE_ANSWERED (the retry is to be sent) or CHALLENGE_REFUSED (§22.1: the
 * credentials just sent were rejected, or no challenge can be answered).
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(registrationChart, { input: { state: "", running: false, mailbox: undefined } });
 * actor.start();
 * actor.send({ type: "REGISTER" });
 * actor.getSnapshot().value; // "registering"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../lab/statechart/mod.ts";

/** Events the core, the Digest client and the timer wheel feed into a registration. */
export type RegistrationEvent =
  | { type: "REGISTER" }
  /** A 2xx to the current REGISTER. */
  | { type: "OK" }
  /** A 401/407 the Digest client can answer: the signed retry is due. */
  | { type: "CHALLENGE_ANSWERED" }
  /** A 401/407 the Digest client gives up on (credentials rejected, no usable challenge). */
  | { type: "CHALLENGE_REFUSED" }
  /** Any other final failure, including 408 / 503 made up by the core (§8.1.3.1). */
  | { type: "REJECTED" }
  | { type: "REFRESH_DUE" }
  | { type: "UNREGISTER" };

/** The states of {@link registrationChart}. */
export type RegistrationStateName =
  | "idle"
  | "registering"
  | "authenticating"
  | "registered"
  | "refreshing"
  | "unregistering"
  | "unregistered"
  | "failed";

/** Registration chart: its states are what the dashboard counts per user. */
export const registrationChart = setup({
  // The context is the registration record itself (the compiled executor runs on it).
  types: {
    context: {} as ChartInstance,
    input: {} as ChartInstance,
    events: {} as RegistrationEvent,
  },
  actions: {
    /** REGISTER with the binding and the requested Expires (§10.2), signed when challenged. */
    sendRegister: () => {},
    /** REGISTER with Expires 0 for this binding (§10.2.2). */
    sendUnregister: () => {},
    /** Arm the refresh before the granted expiry (§10.2.1, §10.3 item 8). */
    armRefresh: () => {},
    cancelRefresh: () => {},
    recordRegistered: () => {},
    recordFailed: () => {},
    recordUnregistered: () => {},
  },
}).createMachine({
  id: "registration",
  context: ({ input }) => input,
  initial: "idle",
  states: {
    idle: {
      on: { REGISTER: { target: "registering", actions: "sendRegister" } },
    },
    registering: {
      on: {
        OK: { target: "registered", actions: ["recordRegistered", "armRefresh"] },
        CHALLENGE_ANSWERED: { target: "authenticating", actions: "sendRegister" },
        CHALLENGE_REFUSED: { target: "failed", actions: "recordFailed" },
        REJECTED: { target: "failed", actions: "recordFailed" },
      },
    },
    authenticating: {
      on: {
        OK: { target: "registered", actions: ["recordRegistered", "armRefresh"] },
        // RFC 7616 §3.3 stale=true: a new nonce, the same credentials.
        CHALLENGE_ANSWERED: { actions: "sendRegister" },
        CHALLENGE_REFUSED: { target: "failed", actions: "recordFailed" },
        REJECTED: { target: "failed", actions: "recordFailed" },
      },
    },
    registered: {
      on: {
        REFRESH_DUE: { target: "refreshing", actions: "sendRegister" },
        UNREGISTER: { target: "unregistering", actions: ["cancelRefresh", "sendUnregister"] },
      },
    },
    refreshing: {
      on: {
        OK: { target: "registered", actions: "armRefresh" },
        CHALLENGE_ANSWERED: { actions: "sendRegister" },
        CHALLENGE_REFUSED: { target: "failed", actions: "recordFailed" },
        REJECTED: { target: "failed", actions: "recordFailed" },
        // The refresh's answer is not awaited: the un-REGISTER follows it (§10.2.2).
        UNREGISTER: { target: "unregistering", actions: "sendUnregister" },
      },
    },
    unregistering: {
      on: {
        OK: { target: "unregistered", actions: "recordUnregistered" },
        CHALLENGE_ANSWERED: { actions: "sendUnregister" },
        // The binding then lapses at its expiry (§10.3 item 8): the user is signed out anyway.
        CHALLENGE_REFUSED: { target: "unregistered", actions: "recordUnregistered" },
        REJECTED: { target: "unregistered", actions: "recordUnregistered" },
      },
    },
    unregistered: { type: "final" },
    failed: { type: "final" },
  },
});
