/**
 * The publication lifecycle of one presence publisher (RFC 3903 §4): the initial PUBLISH with a
 * body, the SIP-ETag the compositor returns, refreshes without a body and modifications with
 * one, both conditional on SIP-If-Match, and the removal with Expires 0. A 412 Conditional
 * Request Failed means the compositor lost the entity (RFC 3903 §6, §11.2): the publisher
 * starts over with an initial PUBLISH. A state change that arrives while a PUBLISH is in
 * flight is kept (`markPending`); the publisher sends it as MODIFY once that one is answered
 * (one PUBLISH at a time per entity, so the SIP-If-Match is always the latest tag).
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const input = { state: "", running: false, mailbox: undefined };
 * const actor = createActor(publicationChart, { input });
 * actor.start();
 * actor.send({ type: "PUBLISH" });
 * actor.getSnapshot().value; // "publishing"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../lab/statechart/mod.ts";

/** Events the core, the Digest client and the timer wheel feed into a publication. */
export type PublicationEvent =
  | { type: "PUBLISH" }
  /** A 2xx to the PUBLISH in flight, with its SIP-ETag (§11.3). */
  | { type: "ACCEPTED" }
  /** 412 Conditional Request Failed: the entity tag is unknown (§11.2). */
  | { type: "PRECONDITION_FAILED" }
  | { type: "CHALLENGE_ANSWERED" }
  | { type: "CHALLENGE_REFUSED" }
  /** Any other final failure, including 408 / 503 made up by the core. */
  | { type: "REJECTED" }
  | { type: "REFRESH_DUE" }
  /** The user's state changed. */
  | { type: "MODIFY" }
  /** The user stops publishing. */
  | { type: "REMOVE" };

/** The states of {@link publicationChart}. */
export type PublicationStateName =
  | "idle"
  | "publishing"
  | "published"
  | "refreshing"
  | "modifying"
  | "removing"
  | "removed"
  | "failed";

const answeredInFlight = {
  ACCEPTED: { target: "published", actions: ["storeEtag", "recordPublished", "armRefresh"] },
  // RFC 3903 §6, §11.2: the compositor does not know the entity tag any more: publish afresh.
  PRECONDITION_FAILED: { target: "publishing", actions: "sendInitialPublish" },
  CHALLENGE_ANSWERED: { actions: "resendPublish" },
  CHALLENGE_REFUSED: { target: "failed", actions: "recordFailed" },
  REJECTED: { target: "failed", actions: "recordFailed" },
  MODIFY: { actions: "markPending" },
} as const;

/** Publication chart (RFC 3903). */
export const publicationChart = setup({
  types: {
    context: {} as ChartInstance,
    input: {} as ChartInstance,
    events: {} as PublicationEvent,
  },
  actions: {
    /** PUBLISH with Event: presence, Expires and the body, no SIP-If-Match (§4.2). */
    sendInitialPublish: () => {},
    /** PUBLISH with SIP-If-Match and no body (§4.3). */
    sendRefresh: () => {},
    /** PUBLISH with SIP-If-Match and the new body (§4.4). */
    sendModify: () => {},
    /** PUBLISH with SIP-If-Match and Expires 0 (§4.5). */
    sendRemove: () => {},
    /** The PUBLISH in flight again, signed (RFC 3261 §22.1, new CSeq). */
    resendPublish: () => {},
    /** Keep the SIP-ETag of the 2xx for the next conditional PUBLISH (§4.1). */
    storeEtag: () => {},
    /** Arm the refresh before the granted Expires runs out (§4.1). */
    armRefresh: () => {},
    cancelRefresh: () => {},
    markPending: () => {},
    recordPublished: () => {},
    recordFailed: () => {},
    recordRemoved: () => {},
  },
}).createMachine({
  id: "publication",
  context: ({ input }) => input,
  initial: "idle",
  states: {
    idle: {
      on: { PUBLISH: { target: "publishing", actions: "sendInitialPublish" } },
    },
    publishing: { on: answeredInFlight },
    refreshing: { on: answeredInFlight },
    modifying: { on: answeredInFlight },
    published: {
      on: {
        REFRESH_DUE: { target: "refreshing", actions: "sendRefresh" },
        MODIFY: { target: "modifying", actions: ["cancelRefresh", "sendModify"] },
        REMOVE: { target: "removing", actions: ["cancelRefresh", "sendRemove"] },
      },
    },
    removing: {
      on: {
        ACCEPTED: { target: "removed", actions: "recordRemoved" },
        CHALLENGE_ANSWERED: { actions: "resendPublish" },
        // Gone either way: unknown to the compositor, or it lapses at its expiry (§4.5).
        PRECONDITION_FAILED: { target: "removed", actions: "recordRemoved" },
        CHALLENGE_REFUSED: { target: "removed", actions: "recordRemoved" },
        REJECTED: { target: "removed", actions: "recordRemoved" },
      },
    },
    removed: { type: "final" },
    failed: { type: "final" },
  },
});
