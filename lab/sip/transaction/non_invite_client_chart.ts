/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6). Timers E and F run across
 * "Trying" and "Proceeding", so the transitions leaving those two states cancel them.
 *
 * @module
 */
import { setup } from "xstate";
import type { NonInviteClientEvent } from "./events.ts";
import { clientActions, transactionGuards } from "./transaction_actions.ts";
import type { ClientTransactionRecord } from "./transaction.ts";

const timer = <T extends "E" | "F" | "K">(t: T) => ({ timer: t });
const cancelE = { type: "cancelTimer", params: timer("E") } as const;
const cancelF = { type: "cancelTimer", params: timer("F") } as const;

/** §17.1.2.2: a final response in "Trying" or "Proceeding" (reliable: Timer K = 0). */
const finalResponse = [
  {
    guard: "reliableTransport",
    target: "Terminated",
    actions: [cancelE, cancelF, "passResponseToTU"],
  },
  { target: "Completed", actions: [cancelE, cancelF, "passResponseToTU"] },
] as const;

/**
 * The non-INVITE client transaction chart.
 *
 * @example
 * ```ts
 * const actor = createActor(nonInviteClientChart, { input: record }).start();
 * ```
 */
export const nonInviteClientChart = setup({
  types: {
    context: {} as ClientTransactionRecord,
    input: {} as ClientTransactionRecord,
    events: {} as NonInviteClientEvent,
  },
  actions: clientActions,
  guards: transactionGuards,
}).createMachine({
  id: "nonInviteClient",
  context: ({ input }) => input,
  initial: "Trying",
  states: {
    Trying: {
      // §17.1.2.2: the request goes to the transport; Timer F (64*T1) starts, and Timer E (T1)
      // over unreliable transports.
      entry: [
        "sendRequest",
        { type: "startTimer", params: timer("E") },
        { type: "startTimer", params: timer("F") },
      ],
      on: {
        // §17.1.2.2: Timer E fires in "Trying" → retransmit, E = MIN(2*E, T2).
        TIMER_E: {
          actions: ["retransmitRequest", {
            type: "restartTimer",
            params: { timer: "E", step: "doubleCappedAtT2" },
          }],
        },
        // §17.1.2.2: Timer F fires → inform the TU of the timeout, "Terminated".
        TIMER_F: {
          target: "Terminated",
          actions: [cancelE, { type: "reportTimeout", params: timer("F") }],
        },
        // §17.1.2.2: transport error → inform the TU, "Terminated".
        TRANSPORT_ERROR: {
          target: "Terminated",
          actions: [cancelE, cancelF, "reportTransportError"],
        },
        // §17.1.2.2: a provisional response goes to the TU; "Proceeding".
        PROVISIONAL: { target: "Proceeding", actions: ["passResponseToTU"] },
        // §17.1.2.2: 200-699 → response to the TU, "Completed".
        FINAL: [...finalResponse],
      },
    },
    Proceeding: {
      on: {
        // §17.1.2.2: Timer E fires in "Proceeding" → retransmit, E = T2.
        TIMER_E: {
          actions: ["retransmitRequest", {
            type: "restartTimer",
            params: { timer: "E", step: "T2" },
          }],
        },
        // §17.1.2.2: Timer F fires → inform the TU, "Terminated".
        TIMER_F: {
          target: "Terminated",
          actions: [cancelE, { type: "reportTimeout", params: timer("F") }],
        },
        // §17.1.2.2: transport error → inform the TU, "Terminated".
        TRANSPORT_ERROR: {
          target: "Terminated",
          actions: [cancelE, cancelF, "reportTransportError"],
        },
        // §17.1.2.2: further provisional responses go to the TU.
        PROVISIONAL: { actions: ["passResponseToTU"] },
        // §17.1.2.2: 200-699 → response to the TU, "Completed".
        FINAL: [...finalResponse],
      },
    },
    Completed: {
      // §17.1.2.2: Timer K (T4; zero over reliable transports) on entering "Completed".
      entry: [{ type: "startTimer", params: timer("K") }],
      exit: [{ type: "cancelTimer", params: timer("K") }],
      on: {
        // §17.1.2.2: "Completed" buffers response retransmissions; they are absorbed.
        PROVISIONAL: {},
        FINAL: {},
        // §17.1.2.2: Timer K fires → "Terminated".
        TIMER_K: { target: "Terminated" },
      },
    },
    Terminated: {
      type: "final",
      // §17.1.2.2: destroyed immediately.
      entry: ["destroyTransaction"],
    },
  },
});
