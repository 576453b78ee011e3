/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8).
 *
 * The request that created the transaction reaches the TU as the return value of
 * `TransactionLayer.receiveRequest` (§17.2.2: "This request is passed up to the TU").
 *
 * @module
 */
import { setup } from "xstate";
import type { NonInviteServerEvent } from "./events.ts";
import { serverActions, transactionGuards } from "./transaction_actions.ts";
import type { ServerTransactionRecord } from "./transaction.ts";

/** §17.2.2: a final response from the TU is sent → "Completed" (reliable: Timer J = 0). */
const finalResponse = [
  { guard: "reliableTransport", target: "Terminated", actions: ["sendResponse"] },
  { target: "Completed", actions: ["sendResponse"] },
] as const;

/**
 * The non-INVITE server transaction chart.
 *
 * @example
 * ```ts
 * const actor = createActor(nonInviteServerChart, { input: record }).start();
 * ```
 */
export const nonInviteServerChart = setup({
  types: {
    context: {} as ServerTransactionRecord,
    input: {} as ServerTransactionRecord,
    events: {} as NonInviteServerEvent,
  },
  actions: serverActions,
  guards: transactionGuards,
}).createMachine({
  id: "nonInviteServer",
  context: ({ input }) => input,
  initial: "Trying",
  states: {
    Trying: {
      on: {
        // §17.2.2: request retransmissions in "Trying" are discarded.
        REQUEST: {},
        // §17.2.2: a provisional response from the TU is sent → "Proceeding".
        TU_PROVISIONAL: { target: "Proceeding", actions: ["sendResponse"] },
        TU_FINAL: [...finalResponse],
      },
    },
    Proceeding: {
      on: {
        // §17.2.2: further provisional responses are sent.
        TU_PROVISIONAL: { actions: ["sendResponse"] },
        // §17.2.2: a retransmission → the most recent provisional response again.
        REQUEST: { actions: ["resendLastResponse"] },
        TU_FINAL: [...finalResponse],
        // §17.2.4 (Figure 8): transport error → inform the TU, "Terminated".
        TRANSPORT_ERROR: { target: "Terminated", actions: ["reportTransportError"] },
      },
    },
    Completed: {
      // §17.2.2: Timer J (64*T1; zero over reliable transports) on entering "Completed".
      entry: [{ type: "startTimer", params: { timer: "J" } }],
      exit: [{ type: "cancelTimer", params: { timer: "J" } }],
      on: {
        // §17.2.2: a retransmission → the final response again. Further final responses from
        // the TU are discarded (no transition).
        REQUEST: { actions: ["resendLastResponse"] },
        // §17.2.4 (Figure 8): transport error → inform the TU, "Terminated".
        TRANSPORT_ERROR: { target: "Terminated", actions: ["reportTransportError"] },
        // §17.2.2: Timer J fires → "Terminated".
        TIMER_J: { target: "Terminated" },
      },
    },
    Terminated: {
      type: "final",
      // §17.2.2: destroyed immediately.
      entry: ["destroyTransaction"],
    },
  },
});
