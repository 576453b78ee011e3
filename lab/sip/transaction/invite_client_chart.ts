/**
 * The INVITE client transaction (RFC 3261 §17.1.1, Figure 5) as corrected by RFC 6026 §7.2
 * and §8.4 (Figure 3 there): a 2xx moves it to "Accepted", where Timer M absorbs further 2xx
 * responses by passing them to the TU, instead of terminating at once.
 *
 * Pure data plus named actions (transaction_actions.ts); the context is the transaction
 * record. Messages are classified into events before they arrive (events.ts).
 *
 * @module
 */
import { setup } from "xstate";
import type { InviteClientEvent } from "./events.ts";
import { clientActions, transactionGuards } from "./transaction_actions.ts";
import type { ClientTransactionRecord } from "./transaction.ts";

const timer = <T extends "A" | "B" | "D" | "M">(t: T) => ({ timer: t });

/**
 * The INVITE client transaction chart.
 *
 * @example
 * ```ts
 * const actor = createActor(inviteClientChart, { input: record }).start();
 * ```
 */
export const inviteClientChart = setup({
  types: {
    context: {} as ClientTransactionRecord,
    input: {} as ClientTransactionRecord,
    events: {} as InviteClientEvent,
  },
  actions: clientActions,
  guards: transactionGuards,
}).createMachine({
  id: "inviteClient",
  context: ({ input }) => input,
  initial: "Calling",
  states: {
    Calling: {
      // §17.1.1.2: the TU's INVITE is passed to the transport; Timer A (T1, unreliable
      // transports only) and Timer B (64*T1, all transports) start.
      entry: [
        "sendRequest",
        { type: "startTimer", params: timer("A") },
        { type: "startTimer", params: timer("B") },
      ],
      // §17.1.1.2: retransmissions and Timer B belong to "Calling" only.
      exit: [{ type: "cancelTimer", params: timer("A") }, {
        type: "cancelTimer",
        params: timer("B"),
      }],
      on: {
        // §17.1.1.2: Timer A fires → retransmit, reset A with twice the previous value.
        TIMER_A: {
          actions: ["retransmitRequest", {
            type: "restartTimer",
            params: { timer: "A", step: "double" },
          }],
        },
        // §17.1.1.2: Timer B fires in "Calling" → inform the TU of a timeout; no ACK.
        TIMER_B: {
          target: "Terminated",
          actions: [{ type: "reportTimeout", params: timer("B") }],
        },
        // §17.1.1.2: transport error → inform the TU, terminate.
        TRANSPORT_ERROR: { target: "Terminated", actions: ["reportTransportError"] },
        // §17.1.1.2: 1xx → "Proceeding", response to the TU.
        PROVISIONAL: { target: "Proceeding", actions: ["passResponseToTU"] },
        // RFC 6026 §8.4: 2xx → "Accepted", response to the TU; the TU generates the ACK.
        FINAL_2XX: { target: "Accepted", actions: ["passResponseToTU"] },
        // §17.1.1.2: 300-699 → ACK sent, response to the TU, "Completed"; Timer D is zero
        // over reliable transports, so they go straight to "Terminated".
        FINAL_NON2XX: [
          {
            guard: "reliableTransport",
            target: "Terminated",
            actions: ["sendAck", "passResponseToTU"],
          },
          { target: "Completed", actions: ["sendAck", "passResponseToTU"] },
        ],
      },
    },
    Proceeding: {
      on: {
        // §17.1.1.2: further 1xx go to the TU.
        PROVISIONAL: { actions: ["passResponseToTU"] },
        // RFC 6026 §8.4: 2xx → "Accepted".
        FINAL_2XX: { target: "Accepted", actions: ["passResponseToTU"] },
        // §17.1.1.2: 300-699 → ACK sent, response to the TU (reliable: Timer D = 0).
        FINAL_NON2XX: [
          {
            guard: "reliableTransport",
            target: "Terminated",
            actions: ["sendAck", "passResponseToTU"],
          },
          { target: "Completed", actions: ["sendAck", "passResponseToTU"] },
        ],
      },
    },
    Completed: {
      // §17.1.1.2: Timer D (≥ 32 s) starts on entering "Completed" over unreliable transports.
      entry: [{ type: "startTimer", params: timer("D") }],
      exit: [{ type: "cancelTimer", params: timer("D") }],
      on: {
        // §17.1.1.2: final response retransmissions → the ACK again, not passed to the TU.
        FINAL_NON2XX: { actions: ["resendAck"] },
        // §17.1.1.2 (Figure 5): transport error while sending the ACK → inform the TU.
        TRANSPORT_ERROR: { target: "Terminated", actions: ["reportTransportError"] },
        // §17.1.1.2: Timer D fires → "Terminated".
        TIMER_D: { target: "Terminated" },
      },
    },
    Accepted: {
      // RFC 6026 §8.4: Timer M = 64*T1 on entering "Accepted".
      entry: [{ type: "startTimer", params: timer("M") }],
      exit: [{ type: "cancelTimer", params: timer("M") }],
      on: {
        // RFC 6026 §8.4: every 2xx received here goes to the TU; the transaction never ACKs.
        FINAL_2XX: { actions: ["passResponseToTU"] },
        // RFC 6026 §8.4: Timer M fires → "Terminated".
        TIMER_M: { target: "Terminated" },
      },
    },
    Terminated: {
      type: "final",
      // §17.1.1.2: the transaction MUST be destroyed the instant it enters "Terminated".
      entry: ["destroyTransaction"],
    },
  },
});
