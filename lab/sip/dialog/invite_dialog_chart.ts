/**
 * The INVITE dialog usage as an XState v5 chart: pure data plus named actions and guards.
 *
 * One chart serves both sides. The UAC sees TWO_XX_RECEIVED (and acknowledges every 2xx,
 * retransmissions included: RFC 3261 §13.2.2.4, RFC 6026 §8.4); the UAS sees TWO_XX_SENT and
 * retransmits the 2xx until the ACK arrives or 64*T1 passes (§13.3.1.4), then ends the
 * session with a BYE. RFC 3261 dialog states map onto the chart as: `early` → early;
 * `awaitingAck`, `awaitingAckThenBye`, `confirmed`, `byeSent` → confirmed; `terminated` →
 * terminated. A 2xx to a re-INVITE runs through `awaitingAck` the same way.
 *
 * The context is the executor's record of one usage (`context: ({ input }) => input`), so the
 * chart runs unchanged on lab/statechart's ChartExecutor and on an XState actor. The action
 * implementations here are empty slots: the chart names the effects and `InviteUsage` fills
 * them with `inviteDialogChart.provide({ actions })`. The guard is real.
 *
 * @module
 */
import { setup } from "xstate";
import type { SipResponse } from "../message/message.ts";
import type { ChartInstance } from "../../statechart/mod.ts";

/** Events of the INVITE dialog chart. */
export type InviteDialogEvent =
  /** UAC: a 2xx to an INVITE of this dialog arrived (first or retransmitted). */
  | { type: "TWO_XX_RECEIVED"; response: SipResponse }
  /** UAS: the core sends a 2xx to an INVITE of this dialog. */
  | { type: "TWO_XX_SENT"; response: SipResponse }
  /** The early dialog ends: a non-2xx final response, or the INVITE ended without a 2xx here. */
  | { type: "EARLY_FAILED" }
  /** UAS: the 2xx retransmission timer fired (§13.3.1.4). */
  | { type: "RETRANSMIT_DUE" }
  /** UAS: 64*T1 passed without the ACK (§13.3.1.4). */
  | { type: "ACK_TIMEOUT" }
  /** UAS: the ACK for the pending 2xx arrived. */
  | { type: "ACK_RECEIVED" }
  /** The local user ends the call. */
  | { type: "HANGUP" }
  /** The peer sent a BYE (accepted by the dialog's CSeq check). */
  | { type: "BYE_RECEIVED" }
  /** Our BYE got its final response, or its transaction timed out (§15.1.1). */
  | { type: "BYE_COMPLETED" }
  /** A request in the dialog failed with `status` (408 for a transaction timeout). */
  | { type: "IN_DIALOG_FAILURE"; status: number };

/** Effects are performed by the runtime (`InviteUsage`); see the module comment. */
const performedByRuntime = () => {};

/** Transition taken by every confirmed-side state when a request fails with 481/408. */
const endOnFatalFailure = { guard: "endsDialog", target: "terminated" } as const;

/**
 * The INVITE dialog lifecycle chart.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const input = { state: "", running: false, mailbox: undefined };
 * const actor = createActor(inviteDialogChart, { input }).start();
 * actor.send({ type: "HANGUP" }); // ignored in "early"
 * ```
 */
export const inviteDialogChart = setup({
  types: {
    context: {} as ChartInstance,
    input: {} as ChartInstance,
    events: {} as InviteDialogEvent,
  },
  actions: {
    /** UAC: recompute route set / target from the 2xx (§13.2.2.4); UAS: mark confirmed. */
    confirmDialog: performedByRuntime,
    /** UAC: send the ACK for this 2xx — the same ACK again for a retransmission. */
    acknowledge: performedByRuntime,
    /** UAS: keep the 2xx, arm the retransmit timer at T1 and the ACK timeout at 64*T1. */
    startRetransmitting: performedByRuntime,
    /** UAS: resend the 2xx, double the interval up to T2, re-arm. */
    retransmit: performedByRuntime,
    /** UAS: cancel both 2xx timers. */
    stopRetransmitting: performedByRuntime,
    /** Send a BYE in the dialog (§15.1.1). */
    sendBye: performedByRuntime,
    /** Mark the dialog terminated, cancel its timers, report. */
    endDialog: performedByRuntime,
  },
  guards: {
    /** §12.2.1.2: a 481 or 408 (or no response) to a request in the dialog ends the dialog. */
    endsDialog: ({ event }) =>
      event.type === "IN_DIALOG_FAILURE" && (event.status === 481 || event.status === 408),
  },
}).createMachine({
  id: "inviteDialog",
  context: ({ input }) => input,
  initial: "early",
  states: {
    early: {
      description: "A 1xx with a To tag created the dialog (§12.1); no 2xx yet.",
      on: {
        TWO_XX_RECEIVED: { target: "confirmed", actions: ["confirmDialog", "acknowledge"] },
        TWO_XX_SENT: {
          target: "awaitingAck",
          actions: ["confirmDialog", "startRetransmitting"],
        },
        EARLY_FAILED: { target: "terminated" },
        // §15: the caller may end an early dialog with BYE.
        BYE_RECEIVED: { target: "terminated" },
        IN_DIALOG_FAILURE: endOnFatalFailure,
      },
    },
    awaitingAck: {
      description: "UAS: 2xx sent, retransmitted at T1, 2T1… ≤ T2 until the ACK (§13.3.1.4).",
      on: {
        RETRANSMIT_DUE: { actions: ["retransmit"] },
        ACK_RECEIVED: { target: "confirmed", actions: ["stopRetransmitting"] },
        ACK_TIMEOUT: { target: "byeSent", actions: ["stopRetransmitting", "sendBye"] },
        // §15: the callee MUST NOT send BYE before the ACK arrived or the wait timed out.
        HANGUP: { target: "awaitingAckThenBye" },
        BYE_RECEIVED: { target: "terminated", actions: ["stopRetransmitting"] },
        IN_DIALOG_FAILURE: {
          guard: "endsDialog",
          target: "terminated",
          actions: ["stopRetransmitting"],
        },
      },
    },
    awaitingAckThenBye: {
      description: "UAS: hang-up requested while the 2xx still waits for its ACK.",
      on: {
        RETRANSMIT_DUE: { actions: ["retransmit"] },
        ACK_RECEIVED: { target: "byeSent", actions: ["stopRetransmitting", "sendBye"] },
        ACK_TIMEOUT: { target: "byeSent", actions: ["stopRetransmitting", "sendBye"] },
        BYE_RECEIVED: { target: "terminated", actions: ["stopRetransmitting"] },
        IN_DIALOG_FAILURE: {
          guard: "endsDialog",
          target: "terminated",
          actions: ["stopRetransmitting"],
        },
      },
    },
    confirmed: {
      description: "The session is up.",
      on: {
        // A retransmitted 2xx (RFC 6026) or the 2xx to a re-INVITE: acknowledge it.
        TWO_XX_RECEIVED: { actions: ["acknowledge"] },
        // A 2xx to a re-INVITE: retransmit it until its ACK.
        TWO_XX_SENT: { target: "awaitingAck", actions: ["startRetransmitting"] },
        HANGUP: { target: "byeSent", actions: ["sendBye"] },
        BYE_RECEIVED: { target: "terminated" },
        IN_DIALOG_FAILURE: endOnFatalFailure,
      },
    },
    byeSent: {
      description: "BYE sent; the session is over, the dialog ends with its response (§15.1.1).",
      on: {
        TWO_XX_RECEIVED: { actions: ["acknowledge"] },
        BYE_COMPLETED: { target: "terminated" },
        // BYE glare: both sides hung up.
        BYE_RECEIVED: { target: "terminated" },
        IN_DIALOG_FAILURE: endOnFatalFailure,
      },
    },
    terminated: {
      type: "final",
      entry: ["endDialog"],
    },
  },
});

/** State names of {@link inviteDialogChart}. */
export type InviteDialogStateName =
  | "early"
  | "awaitingAck"
  | "awaitingAckThenBye"
  | "confirmed"
  | "byeSent"
  | "terminated";
