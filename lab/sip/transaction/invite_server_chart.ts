/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7) as corrected by RFC 6026 §7.1
 * and §8.5–§8.7 (Figure 5 there): a 2xx from the TU moves it to "Accepted", where Timer L
 * absorbs INVITE retransmissions and passes ACKs up, instead of terminating at once; and a
 * transport error informs the TU without ending the transaction (Timers H and L do that).
 *
 * The request that created the transaction reaches the TU as the return value of
 * `TransactionLayer.receiveRequest` (§17.2.1: "The request MUST be passed to the TU").
 *
 * @module
 */
import { setup } from "xstate";
import type { InviteServerEvent } from "./events.ts";
import { serverActions, transactionGuards } from "./transaction_actions.ts";
import type { ServerTransactionRecord } from "./transaction.ts";

const timer = <T extends "Trying" | "G" | "H" | "I" | "L">(t: T) => ({ timer: t });

/**
 * The INVITE server transaction chart.
 *
 * @example
 * ```ts
 * const actor = createActor(inviteServerChart, { input: record }).start();
 * ```
 */
export const inviteServerChart = setup({
  types: {
    context: {} as ServerTransactionRecord,
    input: {} as ServerTransactionRecord,
    events: {} as InviteServerEvent,
  },
  actions: serverActions,
  guards: transactionGuards,
}).createMachine({
  id: "inviteServer",
  context: ({ input }) => input,
  initial: "Proceeding",
  states: {
    Proceeding: {
      // §17.2.1: a 100 (Trying) goes out unless the TU answers within 200 ms.
      entry: [{ type: "startTimer", params: timer("Trying") }],
      exit: [{ type: "cancelTimer", params: timer("Trying") }],
      on: {
        // §17.2.1: the TU stayed silent for 200 ms → send 100 (Trying).
        TIMER_TRYING: { actions: ["sendTrying"] },
        // §17.2.1: provisional responses from the TU are sent (not retransmitted).
        TU_PROVISIONAL: {
          actions: [{ type: "cancelTimer", params: timer("Trying") }, "sendResponse"],
        },
        // §17.2.1: an INVITE retransmission → the most recent provisional response again.
        REQUEST: { actions: ["resendLastResponse"] },
        // RFC 6026 §8.5: a 2xx from the TU is sent once (the TU retransmits it) → "Accepted".
        TU_2XX: { target: "Accepted", actions: ["sendResponse"] },
        // §17.2.1: 300-699 from the TU is sent → "Completed".
        TU_NON2XX: { target: "Completed", actions: ["sendResponse"] },
        // RFC 6026 Figure 5: transport error → inform the TU, stay.
        TRANSPORT_ERROR: { actions: ["reportTransportError"] },
      },
    },
    Completed: {
      // §17.2.1: Timer G (T1, unreliable transports only) and Timer H (64*T1) start.
      entry: [{ type: "startTimer", params: timer("G") }, {
        type: "startTimer",
        params: timer("H"),
      }],
      exit: [{ type: "cancelTimer", params: timer("G") }, {
        type: "cancelTimer",
        params: timer("H"),
      }],
      on: {
        // §17.2.1: Timer G fires → the response again, G = MIN(2*G, T2).
        TIMER_G: {
          actions: ["resendLastResponse", {
            type: "restartTimer",
            params: { timer: "G", step: "doubleCappedAtT2" },
          }],
        },
        // §17.2.1: an INVITE retransmission → the final response again.
        REQUEST: { actions: ["resendLastResponse"] },
        // §17.2.1: the ACK → "Confirmed"; Timer I is zero over reliable transports.
        ACK: [{ guard: "reliableTransport", target: "Terminated" }, { target: "Confirmed" }],
        // §17.2.1: Timer H fires → the ACK never came: tell the TU, "Terminated".
        TIMER_H: { target: "Terminated", actions: [{ type: "reportTimeout", params: timer("H") }] },
        // RFC 6026 Figure 5: transport error → inform the TU, stay.
        TRANSPORT_ERROR: { actions: ["reportTransportError"] },
      },
    },
    Confirmed: {
      // §17.2.1: Timer I (T4) on entering "Confirmed".
      entry: [{ type: "startTimer", params: timer("I") }],
      exit: [{ type: "cancelTimer", params: timer("I") }],
      on: {
        // §17.2.1: "Confirmed" absorbs further ACKs.
        ACK: {},
        // §17.2.1: Timer I fires → "Terminated".
        TIMER_I: { target: "Terminated" },
      },
    },
    Accepted: {
      // RFC 6026 §8.7: Timer L = 64*T1 on entering "Accepted".
      entry: [{ type: "startTimer", params: timer("L") }],
      exit: [{ type: "cancelTimer", params: timer("L") }],
      on: {
        // RFC 6026 §8.7: INVITE retransmissions are absorbed, not passed to the TU.
        REQUEST: {},
        // RFC 6026 §8.7: an ACK here is passed up to the TU.
        ACK: { actions: ["passAckToTU"] },
        // RFC 6026 §8.7: 2xx retransmissions from the TU go to the transport.
        TU_2XX: { actions: ["sendResponse"] },
        // RFC 6026 Figure 5: transport error → inform the TU, stay.
        TRANSPORT_ERROR: { actions: ["reportTransportError"] },
        // RFC 6026 §8.7: Timer L fires → "Terminated".
        TIMER_L: { target: "Terminated" },
      },
    },
    Terminated: {
      type: "final",
      // §17.2.1, RFC 6026 §8.7: destroyed immediately.
      entry: ["destroyTransaction"],
    },
  },
});
