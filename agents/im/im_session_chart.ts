/**
 * One IM session of a Lync-style client (IM.md §7), both roles in one chart: the inviter
 * sends an INVITE with an `m=message` offer and the first message (`ms-text-format`), queues
 * what the user types until the 200, then sends MESSAGEs one at a time; the invitee answers
 * 200 with its own offer and takes MESSAGE and INFO until a BYE. The chart is pure data; the
 * named actions are bound by im_session.ts. What the user agent core does alone is not here:
 * the ACK for the 2xx (§13.2.2.4), the 200 for a BYE (§15.1.2), 2xx retransmission.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(imSessionChart, {
 *   input: { state: "", running: false, mailbox: undefined, busy: false },
 * });
 * actor.start();
 * actor.send({ type: "START" });
 * actor.getSnapshot().value; // "inviting"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../lab/statechart/mod.ts";

/** What the chart reads of a session. */
export interface ImSessionFields extends ChartInstance {
  /** A MESSAGE is outstanding: the next one waits (IM.md §3, one per dialog). */
  busy: boolean;
}

/** Events the core, the user and the far end feed into a session. */
export type ImSessionEvent =
  /** Inviter: the user opened the session. */
  | { type: "START" }
  /** Invitee: an INVITE with an IM offer arrived. */
  | { type: "OFFERED" }
  /** Inviter: 2xx to the INVITE (the core sent the ACK). */
  | { type: "ANSWERED" }
  /** Inviter: the INVITE failed (final non-2xx, timeout, transport). */
  | { type: "REJECTED" }
  /** Invitee: the ACK for the 200 arrived. */
  | { type: "ACKED" }
  /** The user sends a message. */
  | { type: "SEND" }
  /** 200 to a MESSAGE. */
  | { type: "DELIVERED" }
  /** A MESSAGE failed without ending the dialog. */
  | { type: "UNDELIVERED" }
  /** The user types (INFO KeyboardActivity, IM.md §4). */
  | { type: "TYPING" }
  | { type: "MESSAGE_IN" }
  | { type: "INFO_IN" }
  /** The user closes the session. */
  | { type: "HANGUP" }
  | { type: "REMOTE_BYE" }
  /** Our BYE completed. */
  | { type: "BYE_DONE" }
  /** 481 / 408 on a request in the dialog (§12.2.1.2), or the 2xx never acknowledged. */
  | { type: "DIALOG_GONE" };

/** Requests from the far end are answered in every state that has a dialog. */
const ANSWERS = {
  MESSAGE_IN: { actions: "answerMessage" },
  INFO_IN: { actions: "answerInfo" },
} as const;

/** The IM session chart; see the module documentation. */
export const imSessionChart = setup({
  types: {
    context: {} as ImSessionFields,
    input: {} as ImSessionFields,
    events: {} as ImSessionEvent,
  },
  actions: {
    /** INVITE with the m=message offer and the first message in ms-text-format (IM.md §2). */
    sendInvite: () => {},
    /** Invitee: 200 with the answer, `Supported: ms-text-format` when the first message was shown. */
    acceptInvite: () => {},
    /** Inviter: the session is up; setup time recorded. */
    recordEstablished: () => {},
    /** IM.md §7: the first message goes as MESSAGE when the 200 did not confirm it. */
    sendUnconfirmedFirst: () => {},
    /** Keep a message until the session (or the outstanding MESSAGE) allows sending it. */
    queueMessage: () => {},
    /** MESSAGE in the dialog. */
    sendMessage: () => {},
    /** Send the next queued message, if any. */
    sendNextQueued: () => {},
    /** Delivery time (MESSAGE → 200) to the metrics sink. */
    recordDelivered: () => {},
    recordUndelivered: () => {},
    /** IM.md §7: queued messages are reported undelivered when the session cannot carry them. */
    failQueued: () => {},
    /** INFO with KeyboardActivity (IM.md §4). */
    sendTyping: () => {},
    /** 200 and delivery to the user, or 415 with Accept (IM.md §8). */
    answerMessage: () => {},
    /** 200; a KeyboardActivity goes to the user, a malformed one is ignored (IM.md §8). */
    answerInfo: () => {},
    /** CANCEL of the pending INVITE (§9.1). */
    cancelInvite: () => {},
    /** BYE (§15.1.1). */
    sendBye: () => {},
    recordFailed: () => {},
    recordEnded: () => {},
  },
  guards: {
    busy: ({ context }) => context.busy,
  },
}).createMachine({
  id: "imSession",
  context: ({ input }) => input,
  initial: "idle",
  states: {
    idle: {
      on: {
        START: { target: "inviting", actions: "sendInvite" },
        OFFERED: { target: "answered", actions: "acceptInvite" },
      },
    },
    inviting: {
      on: {
        ANSWERED: {
          target: "established",
          actions: ["recordEstablished", "sendUnconfirmedFirst", "sendNextQueued"],
        },
        REJECTED: { target: "failed", actions: ["failQueued", "recordFailed"] },
        SEND: { actions: "queueMessage" },
        HANGUP: { target: "cancelling", actions: "cancelInvite" },
      },
    },
    cancelling: {
      on: {
        // The 2xx crossed the CANCEL: the session is ended at once.
        ANSWERED: { target: "closing", actions: "sendBye" },
        REJECTED: { target: "closed", actions: ["failQueued", "recordEnded"] },
      },
    },
    answered: {
      on: {
        ...ANSWERS,
        ACKED: { target: "established", actions: "sendNextQueued" },
        SEND: { actions: "queueMessage" },
        REMOTE_BYE: { target: "closed", actions: ["failQueued", "recordEnded"] },
        BYE_DONE: { target: "closed", actions: ["failQueued", "recordEnded"] },
        DIALOG_GONE: { target: "closed", actions: ["failQueued", "recordEnded"] },
      },
    },
    established: {
      on: {
        ...ANSWERS,
        SEND: [{ guard: "busy", actions: "queueMessage" }, { actions: "sendMessage" }],
        DELIVERED: { actions: ["recordDelivered", "sendNextQueued"] },
        UNDELIVERED: { actions: ["recordUndelivered", "sendNextQueued"] },
        TYPING: { actions: "sendTyping" },
        HANGUP: { target: "closing", actions: "sendBye" },
        REMOTE_BYE: { target: "closed", actions: ["failQueued", "recordEnded"] },
        DIALOG_GONE: { target: "closed", actions: ["failQueued", "recordEnded"] },
      },
    },
    closing: {
      on: {
        ...ANSWERS,
        DELIVERED: { actions: "recordDelivered" },
        UNDELIVERED: { actions: "recordUndelivered" },
        BYE_DONE: { target: "closed", actions: ["failQueued", "recordEnded"] },
        REMOTE_BYE: { target: "closed", actions: ["failQueued", "recordEnded"] },
        DIALOG_GONE: { target: "closed", actions: ["failQueued", "recordEnded"] },
      },
    },
    closed: { type: "final" },
    failed: { type: "final" },
  },
});
