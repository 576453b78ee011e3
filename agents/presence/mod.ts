/**
 * The lab's presence server (MS-PRES enhanced presence, MS-SIP roaming contacts): a pure
 * engine (store per user → container → category/instance with versions and expiry, container
 * ACLs, aggregation, subscriptions on the timer wheel, per-watcher fan-out) and its SIP
 * adaptor, a front-end service handling SERVICE and SUBSCRIBE and sending NOTIFY / BENOTIFY.
 *
 * @example
 * ```ts
 * import { presenceService } from "./mod.ts";
 * const presence = presenceService({ latency: fanoutSink });
 * await FrontendAgent.start({ ...options, services: [presence] });
 * ```
 *
 * @module
 */
export {
  DEFAULT_PRESENCE_LIMITS,
  PresenceEngine,
  type PresenceEngineOptions,
  type PresenceLimits,
  type PresenceNotification,
  type PresenceNotificationSink,
  type PresenceOutcome,
  type PresenceSnapshot,
  type ServiceRequest,
  type SubscribeOutcome,
  type SubscribeRequest,
  type SubscriptionEvent,
  type SubscriptionKind,
} from "./presence_engine.ts";
export {
  PRESENCE_EVENTS,
  type PresenceService,
  presenceService,
  type PresenceServiceOptions,
} from "./presence_service.ts";
export type { FanoutEvent, FanoutLatencySink } from "./fanout_latency.ts";
export {
  bareAddress,
  ContainerAcl,
  CONTAINERS,
  domainOf,
  type MembershipResult,
  type Organisation,
  SELF_CONTAINERS,
  WATCHER_CONTAINERS,
} from "./container_acl.ts";
export { aggregateAvailability } from "./aggregation.ts";
export { type ContactRefusal, type ContactResult, ContactStore } from "./contact_store.ts";
export { CategoryStore, instanceKey, type StoredInstance } from "./category_store.ts";
export {
  diagnosticsHeader,
  type PresenceFailureKind,
  type PresenceRefusal,
  presenceRefusal,
} from "./presence_failures.ts";
