/**
 * The standard-SIP (non-Microsoft) client profile: SIMPLE users for targets such as Kamailio —
 * Digest REGISTER with refresh (RFC 3261 §10, §22, RFC 7616), PIDF publication (RFC 3903,
 * RFC 3863), presence subscriptions (RFC 3856, RFC 6665), pager-mode MESSAGE (RFC 3428) and
 * basic calls through the registrar-proxy — with the registration and publication lifecycles
 * as XState charts run on lab/statechart.
 *
 * @example
 * ```ts
 * const client = await SimpleClient.start({ listen, server, domain: "lab.sipfleet.test" });
 * const bob = client.addUser({ name: "bob", password: "pw" });
 * await bob.register();
 * ```
 *
 * @module
 */
export {
  type SimpleAccount,
  SimpleClient,
  type SimpleClientOptions,
  SimpleUser,
  type SimpleUserHandlers,
  type SimpleUserOptions,
} from "./simple_client.ts";
export { Registration, type RegistrationOptions, type RegistrationResult } from "./registration.ts";
export {
  registrationChart,
  type RegistrationEvent,
  type RegistrationStateName,
} from "./registration_chart.ts";
export { Publication, type PublicationOptions, type PublicationResult } from "./publication.ts";
export {
  publicationChart,
  type PublicationEvent,
  type PublicationStateName,
} from "./publication_chart.ts";
export {
  type PresenceUpdate,
  PresenceWatch,
  type PresenceWatchHandlers,
  type PresenceWatchOptions,
} from "./presence_watch.ts";
export {
  judgeMessage,
  MESSAGE_CONTENT_TYPES,
  type MessageResult,
  type MessageVerdict,
  type ReceivedMessage,
  sendMessage,
} from "./pager.ts";
export {
  type AnsweredCallCounts,
  type CallOptions,
  type PlacedCallCounts,
  SimpleCalls,
} from "./simple_calls.ts";
export {
  answerChallenge,
  type ChallengeAnswer,
  isChallenge,
  nextAttempt,
  sendSigned,
  type SimpleUserContext,
} from "./user_context.ts";
