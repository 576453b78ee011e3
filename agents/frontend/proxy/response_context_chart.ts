/**
 * The response context of one forwarded request (RFC 3261 §16.7): which responses go
 * upstream, when the other branches are cancelled, and when the best response is chosen. The
 * chart is pure data; its named actions are bound by response_context.ts. Branch bookkeeping
 * (Timer C, a CANCEL waiting for the branch's first provisional response, §9.1) lives in the
 * actions; the chart decides for the request as a whole.
 *
 * - proceeding: 101–199 go upstream (§16.7 step 5); a 2xx goes upstream at once, and for an
 *   INVITE the other branches are cancelled (step 10); a 6xx is held back while the other
 *   branches are cancelled (step 5); other finals are kept until the last branch ends, then
 *   the best one goes upstream (step 6).
 * - globalFailure: a 6xx arrived; waiting for the cancelled branches.
 * - cancelling: the caller cancelled (§16.10); waiting for the branches' 487.
 * - accepted: an INVITE was answered 2xx; later 2xx from other forks go upstream too (step 5).
 * - completed: the final answer is sent; 2xx retransmissions still pass (§13.3.1.4).
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(responseContextChart, {
 *   input: { state: "", running: false, mailbox: undefined, invite: true, pending: 2 },
 * });
 * actor.start();
 * actor.send({ type: "CALLER_CANCEL" });
 * actor.getSnapshot().value; // "cancelling"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { SipResponse } from "../../../lab/sip/message/mod.ts";
import type { ChartInstance } from "../../../lab/statechart/mod.ts";

/** What the chart reads of a response context. */
export interface ResponseContextFields extends ChartInstance {
  /** The request is an INVITE (cancellable, forks answer 2xx each, Timer C). */
  invite: boolean;
  /** Branches without a final response yet. */
  pending: number;
}

/**
 * What the branches' client transactions, Timer C and the caller feed into a context.
 * `branch` is the branch's index in its context. A final response that ends the last pending
 * branch arrives as the LAST_ variant of its event.
 */
export type ResponseContextEvent =
  /** 100 (Trying): never forwarded (§16.7 step 5), but it allows a CANCEL (§9.1). */
  | { type: "TRYING"; branch: number; response: SipResponse }
  /** 101–199. */
  | { type: "PROVISIONAL"; branch: number; response: SipResponse }
  /** The first 2xx of a branch. */
  | { type: "SUCCESS" | "LAST_SUCCESS"; branch: number; response: SipResponse }
  /** A further 2xx of a branch that has one already (retransmission, RFC 6026 §7.2). */
  | { type: "SUCCESS_AGAIN"; branch: number; response: SipResponse }
  | { type: "GLOBAL_FAILURE" | "LAST_GLOBAL_FAILURE"; branch: number; response: SipResponse }
  /** 3xx–5xx, received or made up (408 for a timeout, 503 for a transport failure). */
  | { type: "FAILURE" | "LAST_FAILURE"; branch: number; response: SipResponse; local: boolean }
  | { type: "CALLER_CANCEL" }
  | { type: "TIMER_C"; branch: number };

/** Waiting states: provisional responses are only noted, Timer C still runs. */
const WAITING = {
  TRYING: { actions: "noteProvisional" },
  PROVISIONAL: { actions: "noteProvisional" },
  TIMER_C: { actions: "expireBranch" },
} as const;

/** The response context chart; see the module documentation. */
export const responseContextChart = setup({
  types: {
    context: {} as ResponseContextFields,
    input: {} as ResponseContextFields,
    events: {} as ResponseContextEvent,
  },
  actions: {
    /** The branch had a provisional response: a waiting CANCEL goes out (§9.1), Timer C restarts (§16.7 step 2). */
    noteProvisional: () => {},
    /** Sends the response upstream, this proxy's Via removed (§16.7 steps 3, 9). */
    forwardResponse: () => {},
    /** Stores the branch's final response; it no longer counts as pending. */
    recordFinal: () => {},
    /** CANCEL every other pending INVITE branch (§16.7 step 10, RFC 3326 Reason for a 2xx). */
    cancelOthers: () => {},
    /** CANCEL every pending branch (§16.10). */
    cancelAll: () => {},
    /** Chooses the best final response and sends it upstream (§16.7 steps 6–9). */
    sendBestResponse: () => {},
    /** §16.8: CANCEL a branch that had a provisional response, else end it as 408. */
    expireBranch: () => {},
    /** The request is answered: stop Timer C, forget the context for CANCEL matching. */
    finish: () => {},
  },
  guards: {
    isInvite: ({ context }) => context.invite,
  },
}).createMachine({
  id: "proxyResponseContext",
  context: ({ input }) => input,
  initial: "proceeding",
  states: {
    proceeding: {
      on: {
        TRYING: { actions: "noteProvisional" },
        // §16.7 step 5: "any provisional response other than a 100 (Trying)" is forwarded.
        PROVISIONAL: { actions: ["noteProvisional", "forwardResponse"] },
        // §16.7 step 5: 2xx at once; step 10: for an INVITE, the other branches are cancelled.
        SUCCESS: [
          {
            guard: "isInvite",
            target: "accepted",
            actions: ["recordFinal", "forwardResponse", "cancelOthers"],
          },
          { target: "completed", actions: ["recordFinal", "forwardResponse"] },
        ],
        LAST_SUCCESS: { target: "completed", actions: ["recordFinal", "forwardResponse"] },
        // §16.7 step 5: a 6xx is not forwarded at once; the others are cancelled.
        GLOBAL_FAILURE: { target: "globalFailure", actions: ["recordFinal", "cancelOthers"] },
        LAST_GLOBAL_FAILURE: {
          target: "completed",
          actions: ["recordFinal", "sendBestResponse"],
        },
        FAILURE: { actions: "recordFinal" },
        // §16.7 step 6: the last branch ended without 2xx: the best response goes upstream.
        LAST_FAILURE: { target: "completed", actions: ["recordFinal", "sendBestResponse"] },
        // §16.10: only an INVITE can be cancelled.
        CALLER_CANCEL: { guard: "isInvite", target: "cancelling", actions: "cancelAll" },
        TIMER_C: { actions: "expireBranch" },
      },
    },
    globalFailure: {
      on: {
        ...WAITING,
        // §16.7 step 5: a 2xx to an INVITE is always forwarded.
        SUCCESS: { target: "accepted", actions: ["recordFinal", "forwardResponse"] },
        LAST_SUCCESS: { target: "completed", actions: ["recordFinal", "forwardResponse"] },
        GLOBAL_FAILURE: { actions: "recordFinal" },
        LAST_GLOBAL_FAILURE: {
          target: "completed",
          actions: ["recordFinal", "sendBestResponse"],
        },
        FAILURE: { actions: "recordFinal" },
        LAST_FAILURE: { target: "completed", actions: ["recordFinal", "sendBestResponse"] },
      },
    },
    cancelling: {
      on: {
        ...WAITING,
        // The 2xx crossed the CANCEL: it goes upstream, the caller ends the dialog with BYE.
        SUCCESS: { target: "accepted", actions: ["recordFinal", "forwardResponse"] },
        LAST_SUCCESS: { target: "completed", actions: ["recordFinal", "forwardResponse"] },
        GLOBAL_FAILURE: { actions: "recordFinal" },
        LAST_GLOBAL_FAILURE: {
          target: "completed",
          actions: ["recordFinal", "sendBestResponse"],
        },
        FAILURE: { actions: "recordFinal" },
        LAST_FAILURE: { target: "completed", actions: ["recordFinal", "sendBestResponse"] },
      },
    },
    accepted: {
      on: {
        ...WAITING,
        // §16.7 step 5: every 2xx of a forked INVITE goes upstream.
        SUCCESS: { actions: ["recordFinal", "forwardResponse"] },
        LAST_SUCCESS: { target: "completed", actions: ["recordFinal", "forwardResponse"] },
        SUCCESS_AGAIN: { actions: "forwardResponse" },
        GLOBAL_FAILURE: { actions: "recordFinal" },
        LAST_GLOBAL_FAILURE: { target: "completed", actions: "recordFinal" },
        FAILURE: { actions: "recordFinal" },
        LAST_FAILURE: { target: "completed", actions: "recordFinal" },
      },
    },
    completed: {
      entry: "finish",
      on: {
        // A non-INVITE's other branches may still answer; a 2xx retransmission still passes.
        SUCCESS: { actions: "forwardResponse" },
        SUCCESS_AGAIN: { actions: "forwardResponse" },
      },
    },
  },
});
