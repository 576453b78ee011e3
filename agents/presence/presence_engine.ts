/**
 * The presence server's logic (MS-PRES.md §3, §5), with no sockets: it stores each user's
 * category instances, containers, subscribers and contacts; processes SERVICE bodies
 * (publications with version checks, container membership, subscriber acknowledgement, contact
 * and group management); keeps the subscription table (presence — single or batched — self
 * and roaming contacts) with lifetimes on the timer wheel; expires instances (endpoint, user,
 * time); aggregates state; and on every change computes, per watcher, the notification body
 * that watcher may see, handing it to a {@link PresenceNotificationSink}.
 *
 * Every request is all or nothing: a refused request leaves the store as it was.
 *
 * @example
 * ```ts
 * const engine = new PresenceEngine({ organisation, userExists, wheel, sink });
 * engine.subscribe({ id: "d1", watcher: "sip:bob@lab.test", event: "presence",
 *   target: "sip:alice@lab.test", expires: 3600 });
 * engine.service({ user: "sip:alice@lab.test", endpointId: "a1",
 *   contentType: PRES_CONTENT_TYPES.categoryPublish, body: publishXml });
 * // sink.deliver({ subscriptionId: "d1", contentType: "application/msrtc-event-categories+xml", ... })
 * ```
 *
 * @module
 */
import {
  aggregateStateElement,
  AVAILABILITY,
  type BatchSubscribe,
  type CategoriesDocument,
  type CategoryEntry,
  type CategoryPublish,
  type ContactDelta,
  type ContactOperation,
  type ContainerMembersChange,
  formatAddGroupResult,
  formatBatchedNotify,
  formatContactDelta,
  formatContactList,
  formatEventCategories,
  formatRoamingData,
  formatVersionFault,
  isDeletion,
  parseBatchSubscribe,
  parseCategoryPublish,
  parseContactOperation,
  parseRoamingList,
  parseSetContainerMembers,
  parseSetSubscribers,
  PRES_CONTENT_TYPES,
  PresDocumentError,
  readState,
  type RlmiResource,
  type RoamingData,
  type RoamingType,
  type SubscriberEntry,
  WRONG_DELTA,
} from "../../lab/protocols/pres/mod.ts";
import { writeXml } from "../../lab/protocols/xml/mod.ts";
import type { TimerScheduler } from "../../lab/sip/dialog/mod.ts";
import { aggregateAvailability } from "./aggregation.ts";
import { CategoryStore, instanceKey, type StoredInstance } from "./category_store.ts";
import { ContactStore } from "./contact_store.ts";
import {
  bareAddress,
  ContainerAcl,
  CONTAINERS,
  domainOf,
  type Organisation,
  WATCHER_CONTAINERS,
} from "./container_acl.ts";
import { type PresenceRefusal, presenceRefusal } from "./presence_failures.ts";

/** Caps of a simulated server (MS-PRES.md §7: server policy, configurable). */
export interface PresenceLimits {
  /** Bytes of a SERVICE or SUBSCRIBE body. */
  maxBodyBytes: number;
  /** Publications in one publish request. */
  maxPublications: number;
  /** Bytes of one category element. */
  maxCategoryBytes: number;
  /** Resources in one batched subscription. */
  maxBatchResources: number;
  maxContacts: number;
  maxContainerMembers: number;
}

/** The lab's defaults. */
export const DEFAULT_PRESENCE_LIMITS: Readonly<PresenceLimits> = {
  maxBodyBytes: 64 * 1024,
  maxPublications: 64,
  maxCategoryBytes: 16 * 1024,
  maxBatchResources: 1000,
  maxContacts: 1000,
  maxContainerMembers: 1000,
};

/** A notification for one subscription. */
export interface PresenceNotification {
  subscriptionId: string;
  watcher: string;
  kind: SubscriptionKind;
  /** The publisher whose change caused it (presence), or the watcher itself (self, contacts). */
  publisher: string;
  contentType: string;
  body: string;
  /** `now()` when the publication that caused it was accepted; absent for other causes. */
  acceptedAt?: number;
}

/** Where the engine's notifications go (the SIP adaptor sends them as NOTIFY / BENOTIFY). */
export interface PresenceNotificationSink {
  deliver(notification: PresenceNotification): void;
  /** A subscription's lifetime ran out on the wheel (RFC 6665 §4.2.2 "timeout"). */
  subscriptionExpired?(subscriptionId: string): void;
}

/** Construction options of {@link PresenceEngine}. */
export interface PresenceEngineOptions {
  organisation: Organisation;
  /** Whether a user exists in the user store (canonical AOR). */
  userExists(aor: string): boolean;
  /** The pool FQDN of a user homed on another pool; undefined when served here. */
  homePoolOf?(aor: string): string | undefined;
  /** Subscription lifetimes and expireType "time" instances. */
  scheduler: TimerScheduler;
  /** Milliseconds for fan-out latency stamps; default performance.now. */
  now?(): number;
  /** Wall clock for publishTime; default Date.now. */
  clock?(): number;
  limits?: Partial<PresenceLimits>;
  sink: PresenceNotificationSink;
}

/** A SERVICE request's content. */
export interface ServiceRequest {
  /** The authenticated user (canonical AOR). */
  user: string;
  /** The publishing endpoint (epid, +sip.instance or GRUU). */
  endpointId: string;
  contentType: string;
  body: string | Uint8Array;
}

/** The answer to a request. */
export type PresenceOutcome =
  | { ok: true; body?: { contentType: string; text: string } }
  | { ok: false; refusal: PresenceRefusal };

/** The event packages served. */
export type SubscriptionEvent =
  | "presence"
  | "vnd-microsoft-roaming-self"
  | "vnd-microsoft-roaming-contacts";

/** What a subscription watches. */
export type SubscriptionKind = "presence" | "self" | "contacts";

/** A new subscription. */
export interface SubscribeRequest {
  /** Unique per subscription (the adaptor uses dialog + Event). */
  id: string;
  /** The authenticated subscriber (canonical AOR). */
  watcher: string;
  event: SubscriptionEvent;
  /** The Request-URI / To AOR. */
  target: string;
  contentType?: string;
  body?: string | Uint8Array;
  /** Seconds granted. */
  expires: number;
  /** `com.microsoft.autoextend` agreed: every notification restarts the lifetime (MS-SIP §3.6). */
  autoextend?: boolean;
}

/** A subscription's first notification. */
export type SubscribeOutcome =
  | { ok: true; content: { contentType: string; body: string } }
  | { ok: false; refusal: PresenceRefusal };

/** A user's store as plain data, for checks that a refused request changed nothing. */
export interface PresenceSnapshot {
  instances: Array<Omit<StoredInstance, "content" | "timer"> & { content: string }>;
  containers: ReturnType<ContainerAcl["entries"]>;
  subscribers: SubscriberEntry[];
  contacts: ReturnType<ContactStore["list"]>;
}

interface UserPresence {
  readonly aor: string;
  readonly categories: CategoryStore;
  readonly acl: ContainerAcl;
  /** By bare address. */
  readonly subscribers: Map<string, SubscriberEntry>;
  readonly contacts: ContactStore;
}

interface Subscription {
  readonly id: string;
  readonly watcher: string;
  readonly kind: SubscriptionKind;
  readonly targets: Set<string>;
  /** Category names wanted; empty = all. */
  readonly categories: ReadonlySet<string>;
  readonly batched: boolean;
  readonly roaming: ReadonlySet<RoamingType>;
  readonly autoextend: boolean;
  expires: number;
  timer: unknown;
  /** Per publisher: entry key → container/version last sent. */
  readonly sent: Map<string, Map<string, string>>;
  rlmiVersion: number;
}

/** What changed for a user, to notify. */
interface Change {
  categories?: boolean;
  containers?: boolean;
  subscribers?: boolean;
  contacts?: ContactDelta;
  acceptedAt?: number;
}

const AGGREGATE_INSTANCE = 0;

/**
 * The presence engine; see the module documentation.
 *
 * @example
 * ```ts
 * engine.endpointEnded("sip:alice@lab.test", "a1", { lastEndpoint: true });
 * ```
 */
export class PresenceEngine {
  readonly limits: PresenceLimits;
  readonly #options: PresenceEngineOptions;
  readonly #users = new Map<string, UserPresence>();
  readonly #subscriptions = new Map<string, Subscription>();
  /** Publisher → presence subscriptions watching it. */
  readonly #watchers = new Map<string, Set<Subscription>>();
  /** User → its self and contacts subscriptions. */
  readonly #own = new Map<string, Set<Subscription>>();
  readonly #now: () => number;
  readonly #clock: () => number;

  constructor(options: PresenceEngineOptions) {
    this.#options = options;
    this.limits = { ...DEFAULT_PRESENCE_LIMITS, ...options.limits };
    this.#now = options.now ?? (() => performance.now());
    this.#clock = options.clock ?? Date.now;
  }

  /** The clock of `acceptedAt` stamps. */
  now(): number {
    return this.#now();
  }

  /** Live subscriptions. */
  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  // ---- SERVICE ------------------------------------------------------------------------------

  /**
   * Processes a SERVICE body by its Content-Type: publication (MS-PRES.md §5 item 1),
   * container membership (§4.7), subscriber acknowledgement (§5 item 8), contact/group
   * management (MS-SIP §3.7.4.3–4). Unknown types get 415.
   */
  service(request: ServiceRequest): PresenceOutcome {
    const text = this.#bodyText(request.body);
    if (typeof text !== "string") return { ok: false, refusal: text };
    const type = mediaType(request.contentType);
    try {
      switch (type) {
        case PRES_CONTENT_TYPES.categoryPublish:
          return this.#publish(request, parseCategoryPublish(text));
        case PRES_CONTENT_TYPES.setContainerMembers:
          return this.#setContainerMembers(request.user, parseSetContainerMembers(text));
        case PRES_CONTENT_TYPES.setSubscribers:
          return this.#setSubscribers(request.user, parseSetSubscribers(text));
        case PRES_CONTENT_TYPES.soap.toLowerCase():
          return this.#contactOperation(request.user, parseContactOperation(text));
        default:
          return refuse("unsupported-content-type", request.contentType);
      }
    } catch (error) {
      if (error instanceof PresDocumentError) return refuse("malformed-body", error.message);
      throw error;
    }
  }

  #bodyText(body: string | Uint8Array): string | PresenceRefusal {
    const size = typeof body === "string" ? new TextEncoder().encode(body).length : body.length;
    if (size > this.limits.maxBodyBytes) {
      return presenceRefusal("body-too-large", `${size} bytes`);
    }
    return typeof body === "string" ? body : new TextDecoder().decode(body);
  }

  /** MS-PRES.md §5 item 1 and §6.3. */
  #publish(request: ServiceRequest, doc: CategoryPublish): PresenceOutcome {
    if (doc.uri !== undefined && bareAddress(doc.uri) !== bareAddress(request.user)) {
      return refuse("uri-mismatch", `publications for ${doc.uri}`);
    }
    if (doc.publications.length > this.limits.maxPublications) {
      return refuse("body-too-large", `${doc.publications.length} publications`);
    }
    const user = this.#user(request.user);
    // Check everything first: versions against the store as the request would leave it.
    const pending = new Map<string, number>();
    const stale: Array<{ index: number; version: number; curVersion: number }> = [];
    for (const [i, p] of doc.publications.entries()) {
      if (!ContainerAcl.known(p.container)) {
        return refuse("unknown-container", `container ${p.container}`);
      }
      const key = instanceKey(p.categoryName, p.instance, p.container);
      if (user.categories.get(key)?.serverOwned) {
        return refuse("read-only-publication", `${p.categoryName}/${p.instance}/${p.container}`);
      }
      if (p.content !== undefined && writeXml(p.content).length > this.limits.maxCategoryBytes) {
        return refuse("body-too-large", `category ${p.categoryName} too large`);
      }
      const current = pending.get(key) ?? user.categories.currentVersion(
        p.categoryName,
        p.instance,
        p.container,
      );
      // MS-PRES.md §4.2: a stale version rejects the whole request, listing every bad index.
      if (p.version !== current) {
        stale.push({ index: i + 1, version: p.version, curVersion: current });
      }
      pending.set(key, isDeletion(p) ? 0 : current + 1);
    }
    if (stale.length > 0) {
      return refuse("version-conflict", "stale version", {
        contentType: PRES_CONTENT_TYPES.fault,
        text: formatVersionFault({ faultCode: WRONG_DELTA, operations: stale }),
      });
    }
    const acceptedAt = this.#now();
    const publishTime = new Date(this.#clock()).toISOString();
    for (const p of doc.publications) {
      const key = instanceKey(p.categoryName, p.instance, p.container);
      const previous = user.categories.delete(key);
      if (previous?.timer !== undefined) this.#options.scheduler.cancel(previous.timer);
      if (isDeletion(p)) continue;
      const stored: StoredInstance = {
        categoryName: p.categoryName,
        instance: p.instance,
        container: p.container,
        version: (previous?.version ?? 0) + 1,
        expireType: p.expireType,
        ...(p.expires !== undefined ? { expires: p.expires } : {}),
        endpointId: request.endpointId,
        publishTime,
        content: p.content!,
        serverOwned: false,
        ...(p.expireType === "time" && p.expires !== undefined
          ? {
            timer: this.#options.scheduler.schedule(
              p.expires * 1000,
              () => this.#expireInstance(user, key),
            ),
          }
          : {}),
      };
      user.categories.set(stored);
    }
    this.#aggregate(user, publishTime);
    this.#changed(user, { categories: true, acceptedAt });
    return { ok: true };
  }

  /** MS-PRES.md §5 item 2: an expireType "time" instance ran out. */
  #expireInstance(user: UserPresence, key: string): void {
    const removed = user.categories.delete(key);
    if (removed === undefined) return;
    this.#aggregate(user, new Date(this.#clock()).toISOString());
    this.#changed(user, { categories: true });
  }

  /**
   * MS-PRES.md §5 item 3: recomputes the aggregateState published into the watcher
   * containers (100–400 the real availability, 32000 always offline, §10 item 7). Nothing is
   * published until the user has published a state.
   */
  #aggregate(user: UserPresence, publishTime: string): void {
    const states = user.categories.all()
      .filter((s) =>
        !s.serverOwned && s.categoryName === "state" &&
        (s.container === CONTAINERS.aggregation || s.container === CONTAINERS.aggregationAlternate)
      )
      .flatMap((s) => readState(s.content) ?? []);
    const existing = user.categories.get(
      instanceKey("state", AGGREGATE_INSTANCE, CONTAINERS.personal),
    );
    if (states.length === 0 && existing === undefined) return;
    const availability = aggregateAvailability(states);
    for (const container of WATCHER_CONTAINERS) {
      const value = container === CONTAINERS.blocked ? AVAILABILITY.offline : availability;
      const key = instanceKey("state", AGGREGATE_INSTANCE, container);
      const current = user.categories.get(key);
      if (current !== undefined && readState(current.content)?.availability === value) continue;
      user.categories.set({
        categoryName: "state",
        instance: AGGREGATE_INSTANCE,
        container,
        version: (current?.version ?? 0) + 1,
        expireType: "static",
        endpointId: "",
        publishTime,
        content: aggregateStateElement(value),
        serverOwned: true,
      });
    }
  }

  /** MS-PRES.md §4.7: membership with a version check; watchers re-evaluated (§5 item 4). */
  #setContainerMembers(aor: string, changes: ContainerMembersChange[]): PresenceOutcome {
    const user = this.#user(aor);
    const result = user.acl.apply(changes, this.limits.maxContainerMembers);
    if (!result.ok) {
      switch (result.reason) {
        case "unknown-container":
          return refuse("unknown-container", `container ${result.id}`);
        case "member-limit":
          return refuse("container-member-limit", `container ${result.id}`);
        case "version":
          return refuse("version-conflict", "stale container version", {
            contentType: PRES_CONTENT_TYPES.fault,
            text: formatVersionFault({
              faultCode: WRONG_DELTA,
              operations: result.stale.map((s) => ({
                index: s.index,
                version: s.version,
                curVersion: s.current,
              })),
            }),
          });
      }
    }
    this.#changed(user, { containers: true, categories: true });
    return { ok: true };
  }

  /** MS-PRES.md §5 item 8, MS-PRES §3.6.5.1: the acknowledged entry is dropped. */
  #setSubscribers(aor: string, subscriber: string): PresenceOutcome {
    const user = this.#user(aor);
    const key = bareAddress(subscriber);
    if (!user.subscribers.has(key)) return refuse("unknown-subscriber", subscriber);
    user.subscribers.delete(key);
    this.#changed(user, { subscribers: true });
    return { ok: true };
  }

  /** MS-SIP §3.7.4.3–4. */
  #contactOperation(aor: string, op: ContactOperation): PresenceOutcome {
    const user = this.#user(aor);
    const result = user.contacts.apply(op);
    if (!result.ok) {
      if (result.reason === "stale") {
        // MS-SIP names no status for a stale deltaNum; the lab answers like a stale version.
        return refuse("version-conflict", "stale deltaNum", {
          contentType: PRES_CONTENT_TYPES.fault,
          text: formatVersionFault({
            faultCode: WRONG_DELTA,
            operations: [{ index: 1, version: op.deltaNum, curVersion: result.current }],
          }),
        });
      }
      return refuse(result.reason, op.kind);
    }
    this.#changed(user, { contacts: result.delta });
    if (result.groupId !== undefined) {
      // MS-SIP §4.8: the 200 to addGroup carries the new group's id.
      return {
        ok: true,
        body: { contentType: PRES_CONTENT_TYPES.soap, text: formatAddGroupResult(result.groupId) },
      };
    }
    return { ok: true };
  }

  // ---- SUBSCRIBE ----------------------------------------------------------------------------

  /**
   * Opens a subscription and returns its first notification (sent in the 200 when piggybacked,
   * or as the first NOTIFY). Presence: one target without a body, or a batched `batchSub`
   * body (Request-URI = subscriber, MS-PRES.md §4.4) whose resources are served here
   * (`active`), homed on another pool (`resubscribe` with `poolFqdn`) or unknown
   * (`terminated`, reason noresource); `<context/>` resources record the subscriber at the
   * target (§5 item 5). Self (roaming-self, §4.6) and contacts (MS-SIP §3.7.4.1) are the
   * subscriber's own.
   */
  subscribe(request: SubscribeRequest): SubscribeOutcome {
    let text: string | undefined;
    if (request.body !== undefined && request.body.length > 0) {
      const read = this.#bodyText(request.body);
      if (typeof read !== "string") return { ok: false, refusal: read };
      text = read;
    }
    try {
      switch (request.event) {
        case "presence":
          return this.#subscribePresence(request, text);
        case "vnd-microsoft-roaming-self":
          return this.#subscribeOwn(request, text, "self");
        case "vnd-microsoft-roaming-contacts":
          return this.#subscribeOwn(request, text, "contacts");
      }
    } catch (error) {
      if (error instanceof PresDocumentError) return refuse("malformed-body", error.message);
      throw error;
    }
  }

  #subscribePresence(request: SubscribeRequest, text: string | undefined): SubscribeOutcome {
    let batch: BatchSubscribe | undefined;
    if (text !== undefined) {
      if (mediaType(request.contentType ?? "") !== PRES_CONTENT_TYPES.batchSubscribe) {
        return refuse("unsupported-content-type", request.contentType ?? "");
      }
      batch = parseBatchSubscribe(text);
      if (batch.categories.length === 0) return refuse("event-categories-required");
      if (batch.resources.length > this.limits.maxBatchResources) {
        return refuse("too-many-resources", `${batch.resources.length} resources`);
      }
    }
    const self = bareAddress(request.watcher);
    const batched = batch !== undefined && !(batch.resources.length === 1 &&
      bareAddress(batch.resources[0].uri) === bareAddress(request.target) &&
      bareAddress(request.target) !== self);
    if (batch !== undefined && bareAddress(batch.uri) !== self) {
      return refuse("uri-mismatch", `batchSub uri ${batch.uri}`);
    }
    if (batched && bareAddress(request.target) !== self) {
      // MS-PRES.md §4.4: a batched SUBSCRIBE is addressed to the subscriber itself.
      return refuse("uri-mismatch", `batched SUBSCRIBE to ${request.target}`);
    }
    if (!batched) {
      const target = canonical(request.target);
      if (!this.#options.userExists(target)) return refuse("unknown-user", target);
    }
    if (batch?.action === "unsubscribe") {
      return this.#unsubscribeResources(request, batch);
    }
    const resources = batch?.resources ?? [{ uri: request.target, context: false }];
    const subscription = this.#open(request, "presence", {
      categories: new Set(batch?.categories ?? []),
      batched,
      roaming: new Set(),
    });
    const rlmi: RlmiResource[] = [];
    const parts: Array<{ contentId: string; categories: CategoriesDocument }> = [];
    for (const resource of resources) {
      const target = canonical(resource.uri);
      const pool = batched ? this.#options.homePoolOf?.(target) : undefined;
      if (pool !== undefined) {
        rlmi.push({ uri: resource.uri, state: "resubscribe", id: "0", poolFqdn: pool });
        continue;
      }
      if (!this.#options.userExists(target)) {
        rlmi.push({ uri: resource.uri, state: "terminated", id: "0", reason: "noresource" });
        continue;
      }
      subscription.targets.add(target);
      this.#index(this.#watchers, target, subscription);
      const cid = bareAddress(target);
      rlmi.push({ uri: resource.uri, state: "active", id: "0", cid });
      parts.push({ contentId: cid, categories: this.#watcherDelta(subscription, target, true) });
      if (resource.context) this.#recordSubscriber(target, request.watcher);
    }
    if (!batched) {
      return {
        ok: true,
        content: {
          contentType: PRES_CONTENT_TYPES.eventCategories,
          body: formatEventCategories(parts[0].categories),
        },
      };
    }
    const notify = formatBatchedNotify({
      list: {
        uri: canonical(request.watcher),
        version: subscription.rlmiVersion++,
        fullState: true,
        resources: rlmi,
      },
      parts,
    });
    return { ok: true, content: { contentType: notify.contentType, body: notify.body } };
  }

  /** A batchSub with action "unsubscribe": those resources leave the subscription `id`. */
  #unsubscribeResources(request: SubscribeRequest, batch: BatchSubscribe): SubscribeOutcome {
    const subscription = this.#subscriptions.get(request.id);
    if (subscription === undefined) return refuse("dialog-missing", request.id);
    for (const resource of batch.resources) {
      const target = canonical(resource.uri);
      subscription.targets.delete(target);
      subscription.sent.delete(target);
      this.#watchers.get(target)?.delete(subscription);
    }
    const notify = formatBatchedNotify({
      list: {
        uri: canonical(request.watcher),
        version: subscription.rlmiVersion++,
        fullState: false,
        resources: batch.resources.map((r) => ({
          uri: r.uri,
          state: "terminated" as const,
          id: "0",
          reason: "deactivated",
        })),
      },
      parts: [],
    });
    return { ok: true, content: { contentType: notify.contentType, body: notify.body } };
  }

  #subscribeOwn(
    request: SubscribeRequest,
    text: string | undefined,
    kind: "self" | "contacts",
  ): SubscribeOutcome {
    if (bareAddress(request.target) !== bareAddress(request.watcher)) {
      return refuse("uri-mismatch", `${kind} subscription to ${request.target}`);
    }
    let roaming: RoamingType[] = ["categories", "containers", "subscribers"];
    if (kind === "self" && text !== undefined) {
      if (mediaType(request.contentType ?? "") !== PRES_CONTENT_TYPES.roamingSelf) {
        return refuse("unsupported-content-type", request.contentType ?? "");
      }
      roaming = parseRoamingList(text);
    }
    const subscription = this.#open(request, kind, {
      categories: new Set(),
      batched: false,
      roaming: new Set(roaming),
    });
    const owner = canonical(request.watcher);
    const user = this.#user(owner);
    this.#index(this.#own, owner, subscription);
    if (kind === "contacts") {
      return {
        ok: true,
        content: {
          contentType: PRES_CONTENT_TYPES.roamingContacts,
          body: formatContactList(user.contacts.list()),
        },
      };
    }
    return {
      ok: true,
      content: {
        contentType: PRES_CONTENT_TYPES.roamingSelf,
        body: formatRoamingData(
          this.#roamingData(subscription, user, {
            categories: true,
            containers: true,
            subscribers: true,
          }, true)!,
        ),
      },
    };
  }

  #open(
    request: SubscribeRequest,
    kind: SubscriptionKind,
    shape: Pick<Subscription, "categories" | "batched" | "roaming">,
  ): Subscription {
    this.unsubscribe(request.id);
    const subscription: Subscription = {
      id: request.id,
      watcher: canonical(request.watcher),
      kind,
      targets: new Set(),
      ...shape,
      autoextend: request.autoextend ?? false,
      expires: request.expires,
      timer: undefined,
      sent: new Map(),
      rlmiVersion: 0,
    };
    this.#subscriptions.set(request.id, subscription);
    this.#arm(subscription);
    return subscription;
  }

  /** MS-PRES.md §5 item 6: a refresh restarts the lifetime. False when unknown. */
  refresh(id: string, expires: number): boolean {
    const subscription = this.#subscriptions.get(id);
    if (subscription === undefined) return false;
    if (expires === 0) return this.unsubscribe(id);
    subscription.expires = expires;
    this.#arm(subscription);
    return true;
  }

  /** Ends a subscription (Expires 0, dialog gone, timeout). False when unknown. */
  unsubscribe(id: string): boolean {
    const subscription = this.#subscriptions.get(id);
    if (subscription === undefined) return false;
    this.#subscriptions.delete(id);
    this.#options.scheduler.cancel(subscription.timer);
    for (const target of subscription.targets) this.#watchers.get(target)?.delete(subscription);
    this.#own.get(subscription.watcher)?.delete(subscription);
    return true;
  }

  #arm(subscription: Subscription): void {
    if (subscription.timer !== undefined) this.#options.scheduler.cancel(subscription.timer);
    subscription.timer = this.#options.scheduler.schedule(subscription.expires * 1000, () => {
      if (this.unsubscribe(subscription.id)) {
        this.#options.sink.subscriptionExpired?.(subscription.id);
      }
    });
  }

  #index(index: Map<string, Set<Subscription>>, key: string, subscription: Subscription): void {
    let set = index.get(key);
    if (set === undefined) index.set(key, set = new Set());
    set.add(subscription);
  }

  /** MS-PRES §2.2.2.6.1: a subscriber with context, not yet acknowledged. */
  #recordSubscriber(target: string, watcher: string): void {
    const user = this.#user(target);
    const key = bareAddress(watcher);
    if (user.subscribers.has(key)) return;
    const domain = domainOf(watcher);
    const { enterpriseDomains, publicCloudDomains } = this.#options.organisation;
    user.subscribers.set(key, {
      user: key,
      acknowledged: false,
      type: enterpriseDomains.includes(domain)
        ? "sameEnterprise"
        : publicCloudDomains.includes(domain)
        ? "publicCloud"
        : "federated",
    });
    this.#changed(user, { subscribers: true });
  }

  // ---- expiry -------------------------------------------------------------------------------

  /**
   * MS-PRES.md §5 item 2: an endpoint's registration ended. Its expireType "endpoint"
   * instances go; with `lastEndpoint` (the user has no registration left) the "user" ones too.
   */
  endpointEnded(aor: string, endpointId: string, options: { lastEndpoint: boolean }): void {
    const user = this.#users.get(canonical(aor));
    if (user === undefined) return;
    let removed = false;
    for (const s of user.categories.all()) {
      const ends = (s.expireType === "endpoint" && s.endpointId === endpointId) ||
        (s.expireType === "user" && options.lastEndpoint);
      if (!ends) continue;
      user.categories.delete(instanceKey(s.categoryName, s.instance, s.container));
      removed = true;
    }
    if (!removed) return;
    this.#aggregate(user, new Date(this.#clock()).toISOString());
    this.#changed(user, { categories: true });
  }

  // ---- views and fan-out ----------------------------------------------------------------------

  /**
   * What `watcher` sees of `publisher` now (container resolution, MS-PRES.md §5 item 4),
   * filtered to `categories` (empty = all).
   */
  categoriesFor(
    watcher: string,
    publisher: string,
    categories: readonly string[] = [],
  ): CategoriesDocument {
    const target = canonical(publisher);
    const view = this.#watcherView(canonical(watcher), target, new Set(categories));
    return {
      uri: canonical(target),
      categories: [...view.values()].map(watcherEntry),
    };
  }

  #watcherView(
    watcher: string,
    publisher: string,
    categories: ReadonlySet<string>,
  ): Map<string, StoredInstance> {
    const view = new Map<string, StoredInstance>();
    const user = this.#users.get(publisher);
    if (user === undefined) return view;
    const container = user.acl.resolve(watcher, publisher);
    if (container === undefined) return view;
    for (const s of user.categories.inContainer(container)) {
      if (categories.size > 0 && !categories.has(s.categoryName)) continue;
      view.set(`${s.categoryName}\n${s.instance}`, s);
    }
    return view;
  }

  /** The entries of `publisher` that changed for `subscription` since it last heard. */
  #watcherDelta(subscription: Subscription, publisher: string, full: boolean): CategoriesDocument {
    const view = this.#watcherView(subscription.watcher, publisher, subscription.categories);
    return {
      uri: canonical(publisher),
      categories: diff(subscription, publisher, view, watcherEntry, full),
    };
  }

  #roamingData(
    subscription: Subscription,
    user: UserPresence,
    change: Change,
    full: boolean,
  ): RoamingData | undefined {
    const data: RoamingData = {};
    if (subscription.roaming.has("categories") && change.categories) {
      const view = new Map(
        user.categories.all().map((s) => [
          instanceKey(s.categoryName, s.instance, s.container),
          s,
        ]),
      );
      const categories = diff(subscription, user.aor, view, selfEntry, full);
      if (full || categories.length > 0) {
        data.categories = { uri: canonical(user.aor), categories };
      }
    }
    if (subscription.roaming.has("containers") && change.containers) {
      data.containers = user.acl.entries();
    }
    if (subscription.roaming.has("subscribers") && change.subscribers) {
      data.subscribers = [...user.subscribers.values()].map((s) => ({ ...s }));
    }
    return Object.keys(data).length === 0 ? undefined : data;
  }

  /** MS-PRES.md §5 item 1 "Then notify": the user's own endpoints, then every watcher. */
  #changed(user: UserPresence, change: Change): void {
    const acceptedAt = change.acceptedAt;
    for (const subscription of [...(this.#own.get(user.aor) ?? [])]) {
      if (subscription.kind === "contacts") {
        if (change.contacts === undefined) continue;
        this.#deliver(subscription, user.aor, {
          contentType: PRES_CONTENT_TYPES.roamingContacts,
          body: formatContactDelta(change.contacts),
        }, acceptedAt);
        continue;
      }
      const data = this.#roamingData(subscription, user, change, false);
      if (data === undefined) continue;
      this.#deliver(subscription, user.aor, {
        contentType: PRES_CONTENT_TYPES.roamingSelf,
        body: formatRoamingData(data),
      }, acceptedAt);
    }
    if (!change.categories) return;
    for (const subscription of [...(this.#watchers.get(user.aor) ?? [])]) {
      const delta = this.#watcherDelta(subscription, user.aor, false);
      if (delta.categories.length === 0) continue;
      this.#deliver(subscription, user.aor, {
        contentType: PRES_CONTENT_TYPES.eventCategories,
        body: formatEventCategories(delta),
      }, acceptedAt);
    }
  }

  #deliver(
    subscription: Subscription,
    publisher: string,
    content: { contentType: string; body: string },
    acceptedAt: number | undefined,
  ): void {
    // MS-SIP §3.6: with autoextend every notification restarts the lifetime.
    if (subscription.autoextend) this.#arm(subscription);
    const notification: PresenceNotification = {
      subscriptionId: subscription.id,
      watcher: subscription.watcher,
      kind: subscription.kind,
      publisher,
      contentType: content.contentType,
      body: content.body,
    };
    if (acceptedAt !== undefined) notification.acceptedAt = acceptedAt;
    this.#options.sink.deliver(notification);
  }

  // ---- store access -------------------------------------------------------------------------

  #user(aor: string): UserPresence {
    const key = canonical(aor);
    let user = this.#users.get(key);
    if (user === undefined) {
      user = {
        aor: key,
        categories: new CategoryStore(),
        acl: new ContainerAcl(this.#options.organisation),
        subscribers: new Map(),
        contacts: new ContactStore({ maxContacts: this.limits.maxContacts }),
      };
      this.#users.set(key, user);
    }
    return user;
  }

  /** The user's whole store as plain data (undefined when nothing was ever stored). */
  snapshot(aor: string): PresenceSnapshot | undefined {
    const user = this.#users.get(canonical(aor));
    if (user === undefined) return undefined;
    return {
      instances: user.categories.all().map(({ content, timer: _timer, ...rest }) => ({
        ...rest,
        content: writeXml(content),
      })),
      containers: user.acl.entries(),
      subscribers: [...user.subscribers.values()].map((s) => ({ ...s })),
      contacts: user.contacts.list(),
    };
  }

  /** Cancels every timer (subscriptions and "time" instances) and forgets everything. */
  clear(): void {
    for (const id of [...this.#subscriptions.keys()]) this.unsubscribe(id);
    for (const user of this.#users.values()) {
      for (const s of user.categories.all()) {
        if (s.timer !== undefined) this.#options.scheduler.cancel(s.timer);
      }
    }
    this.#users.clear();
  }
}

function refuse(
  kind: Parameters<typeof presenceRefusal>[0],
  detail?: string,
  body?: PresenceRefusal["body"],
): { ok: false; refusal: PresenceRefusal } {
  return { ok: false, refusal: presenceRefusal(kind, detail, body) };
}

/** The media type of a Content-Type value, lowercased, without parameters. */
function mediaType(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

/** `sip:user@host` with the host lowercased. */
function canonical(uri: string): string {
  return `sip:${bareAddress(uri)}`;
}

function watcherEntry(s: StoredInstance): CategoryEntry {
  return {
    name: s.categoryName,
    instance: s.instance,
    publishTime: s.publishTime,
    content: s.content,
  };
}

function selfEntry(s: StoredInstance): CategoryEntry {
  const entry: CategoryEntry = {
    name: s.categoryName,
    instance: s.instance,
    publishTime: s.publishTime,
    container: s.container,
    version: s.version,
    expireType: s.expireType,
    content: s.content,
  };
  if (s.expires !== undefined) entry.expires = s.expires;
  return entry;
}

/**
 * Entries new or changed since the subscription last heard from `publisher`, and empty
 * `category` elements for those gone (MS-PRES.md §4.3); `full` sends everything current.
 */
function diff(
  subscription: Subscription,
  publisher: string,
  view: Map<string, StoredInstance>,
  entry: (s: StoredInstance) => CategoryEntry,
  full: boolean,
): CategoryEntry[] {
  const before = subscription.sent.get(publisher) ?? new Map<string, string>();
  const after = new Map<string, string>();
  const out: CategoryEntry[] = [];
  for (const [key, s] of view) {
    const signature = `${s.container}/${s.version}`;
    after.set(key, signature);
    if (full || before.get(key) !== signature) out.push(entry(s));
  }
  if (!full) {
    for (const key of before.keys()) {
      if (after.has(key)) continue;
      const [name, instance, container] = key.split("\n");
      const removed: CategoryEntry = { name, instance: Number(instance) };
      if (container !== undefined) removed.container = Number(container);
      out.push(removed);
    }
  }
  subscription.sent.set(publisher, after);
  return out;
}
