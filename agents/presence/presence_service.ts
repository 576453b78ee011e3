/**
 * The presence server as a front-end service (agents/frontend/frontend_service.ts): SIP in
 * front of the {@link PresenceEngine}.
 *
 * - SERVICE with an MS-PRES body (publish, setContainerMembers, setSubscribers, SOAP contact
 *   management): To, From and Request-URI must all be the authenticated user (MS-PRES.md §5
 *   item 1, MS-SIP §3.7.4.3); the engine decides; the answer carries the 409 fault or the
 *   addGroup result as body.
 * - SUBSCRIBE with Event presence, vnd-microsoft-roaming-self or vnd-microsoft-roaming-contacts:
 *   an RFC 6665 {@link Notifier} per subscription (200 with Expires, then the first NOTIFY with
 *   the engine's first notification), refreshes and un-SUBSCRIBE in its dialog, expiry.
 *   With `ms-benotify` agreed (the SUBSCRIBE's Supported; the 200 says `Supported: ms-benotify`,
 *   MS-SIP §3.5.1) later notifications go as BENOTIFY: no transaction, no response expected.
 *   With `ms-piggyback-first-notify` offered, the first notification rides in the 200 (with
 *   Event and Subscription-State, MS-SIP §3.4.4.1) instead of a NOTIFY.
 * - Every refusal carries `ms-diagnostics` (MS-OCER; presence_failures.ts).
 * - Each notification caused by an accepted publication is reported to the
 *   {@link FanoutLatencySink}.
 *
 * NOTIFY and BENOTIFY go to the address the SUBSCRIBE came from (its connection or NAT
 * binding), signed for MS-SIPAE endpoints through the host.
 *
 * @example
 * ```ts
 * const presence = presenceService({ latency: registry.presenceFanout });
 * await FrontendAgent.start({ ...options, services: [presence] });
 * // on deregistration:
 * presence.registrationEnded("sip:alice@lab.test", "epid-1");
 * ```
 *
 * @module
 */
import type { SipRequest, SipUri, Uri } from "../../lab/sip/message/mod.ts";
import {
  formatEvent,
  formatSubscriptionState,
  newTag,
  Notifier,
  type NotifierHost,
  type NotifierPolicy,
  parseEvent,
  type ResponseAdvice,
  SubscriptionTable,
} from "../../lab/sip/dialog/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination, ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import { contactValue } from "../../lab/sip/ua/mod.ts";
import { PRES_CONTENT_TYPES } from "../../lab/protocols/pres/mod.ts";
import type {
  FrontendHost,
  FrontendRequestContext,
  FrontendService,
} from "../frontend/frontend_service.ts";
import { canonicalAor } from "../frontend/location_service.ts";
import type { Organisation } from "./container_acl.ts";
import type { FanoutLatencySink } from "./fanout_latency.ts";
import {
  PresenceEngine,
  type PresenceLimits,
  type PresenceNotification,
  type SubscriptionEvent,
} from "./presence_engine.ts";
import { diagnosticsHeader, type PresenceRefusal, presenceRefusal } from "./presence_failures.ts";

/** Event packages served (MS-PRES.md §2). */
export const PRESENCE_EVENTS: readonly SubscriptionEvent[] = [
  "presence",
  "vnd-microsoft-roaming-self",
  "vnd-microsoft-roaming-contacts",
];

/** SERVICE bodies served. */
const SERVICE_TYPES: ReadonlySet<string> = new Set([
  PRES_CONTENT_TYPES.categoryPublish,
  PRES_CONTENT_TYPES.setContainerMembers,
  PRES_CONTENT_TYPES.setSubscribers,
  PRES_CONTENT_TYPES.soap.toLowerCase(),
]);

/** MS-SIP §3.5.1.1: the BENOTIFY option tag. */
const BENOTIFY = "ms-benotify";
/** MS-SIP §3.4.4.1: the first notification in the 2xx to the SUBSCRIBE. */
const PIGGYBACK = "ms-piggyback-first-notify";

/** Options of {@link presenceService}. */
export interface PresenceServiceOptions {
  /** Domain classes for container members; default: the host's domain is the enterprise. */
  organisation?: Organisation;
  /** Pool FQDN of users homed on another pool (batched `resubscribe`). */
  homePoolOf?(aor: string): string | undefined;
  limits?: Partial<PresenceLimits>;
  /** Subscription durations in seconds (MS-SIP §3.3.5.1 traces grant ~24000–40000). */
  expires?: { default: number; min?: number; max: number };
  /** The timer wheel; by default the service makes (and stops) its own. */
  wheel?: TimerWheel;
  /** `source` of ms-diagnostics; default the host's server name. */
  serverName?: string;
  latency?: FanoutLatencySink;
  /** Milliseconds for latency stamps; default performance.now. */
  now?(): number;
}

/** The front-end service plus what the front end tells it about registrations. */
export interface PresenceService extends FrontendService {
  /** The engine, once started. */
  readonly engine: PresenceEngine;
  start(host: FrontendHost): void;
  /** Ends every subscription (final NOTIFY, reason deactivated) and stops its own wheel. */
  stop(): void;
  /**
   * An endpoint's registration ended (MS-PRES.md §5 item 2): its "endpoint" instances go, its
   * subscriptions end (reason deactivated), and "user" instances when no registration is left.
   */
  registrationEnded(aor: string, endpointId: string): void;
}

/** A SUBSCRIBE being answered and what its 2xx carries besides the Notifier's headers. */
interface PendingSubscribe {
  readonly tx: ServerTransaction;
  /** Option tags agreed (Supported of the 2xx). */
  readonly supported: string[];
  readonly extra: Array<[string, string]>;
  /** The first notification, piggybacked (MS-SIP §3.4.4.1). */
  first?: { contentType: string; body: string };
}

/** Per subscription, what the Notifier's host closure needs. */
interface SubscriptionSlot {
  record?: SubscriptionRecord;
  /** The first notification rode in the 2xx: the immediate NOTIFY is not sent. */
  piggybacked?: boolean;
}

interface SubscriptionRecord {
  readonly id: string;
  readonly notifier: Notifier;
  readonly source: Destination;
  readonly watcher: string;
  readonly endpointId: string;
  /** The watcher endpoint's epid, for signing BENOTIFYs (MS-SIPAE §3.3.5.2). */
  readonly epid?: string;
  readonly benotify: boolean;
  expiresAt: number;
}

/**
 * Creates the presence service.
 *
 * @example
 * ```ts
 * const presence = presenceService({ expires: { default: 3600, max: 86400 } });
 * presence.handles(subscribe); // true for Event: presence
 * ```
 */
export function presenceService(options: PresenceServiceOptions = {}): PresenceService {
  return new PresenceSipService(options);
}

class PresenceSipService implements PresenceService {
  readonly name = "presence";
  readonly events = PRESENCE_EVENTS;
  readonly #options: PresenceServiceOptions;
  readonly #table = new SubscriptionTable();
  readonly #records = new Map<string, SubscriptionRecord>();
  readonly #byNotifier = new Map<Notifier, SubscriptionRecord>();
  /** The SUBSCRIBE being answered → its transaction (the Notifier answers through us). */
  readonly #pending = new Map<SipRequest, PendingSubscribe>();
  readonly #policy: NotifierPolicy;
  #host: FrontendHost | undefined;
  #engine: PresenceEngine | undefined;
  #wheel: TimerWheel | undefined;
  #nextId = 0;

  constructor(options: PresenceServiceOptions) {
    this.#options = options;
    const expires = options.expires ?? { default: 3600, max: 86400 };
    this.#policy = {
      packages: [...PRESENCE_EVENTS],
      defaultExpires: expires.default,
      maxExpires: expires.max,
      ...(expires.min !== undefined ? { minExpires: expires.min } : {}),
    };
  }

  get engine(): PresenceEngine {
    if (this.#engine === undefined) throw new Error("the presence service is not started");
    return this.#engine;
  }

  start(host: FrontendHost): void {
    this.#host = host;
    this.#wheel = this.#options.wheel ?? new TimerWheel();
    this.#engine = new PresenceEngine({
      organisation: this.#options.organisation ??
        { enterpriseDomains: [host.domain.toLowerCase()], publicCloudDomains: [] },
      userExists: (aor) => host.userExists(aor),
      homePoolOf: this.#options.homePoolOf,
      scheduler: this.#wheel,
      now: this.#options.now,
      limits: this.#options.limits,
      sink: {
        deliver: (n) => this.#deliver(n),
        subscriptionExpired: (id) => this.#records.get(id)?.notifier.terminate("timeout"),
      },
    });
  }

  stop(): void {
    // RFC 6665 §4.2.2: the subscriptions end with a final NOTIFY (reason deactivated: the
    // subscriber may subscribe again at once, to whichever server serves it then).
    for (const record of [...this.#records.values()]) {
      if (!record.notifier.terminate("deactivated")) this.#forget(record);
    }
    this.#engine?.clear();
    if (this.#options.wheel === undefined) this.#wheel?.stop();
  }

  handles(request: SipRequest): boolean {
    if (request.method === "SERVICE") {
      return SERVICE_TYPES.has(mediaType(request.header("content-type") ?? ""));
    }
    if (request.method !== "SUBSCRIBE") return false;
    const event = request.header("event");
    if (event === undefined) return false;
    try {
      return PRESENCE_EVENTS.includes(
        parseEvent(event).eventType.toLowerCase() as SubscriptionEvent,
      );
    } catch {
      return false;
    }
  }

  handle(context: FrontendRequestContext): void {
    if (context.request.method === "SERVICE") this.#service(context);
    else this.#subscribe(context);
  }

  registrationEnded(aor: string, endpointId: string): void {
    const host = this.#requireHost();
    const lastEndpoint = host.location.lookup(aor).length === 0;
    for (const record of [...this.#records.values()]) {
      if (record.watcher === aor && record.endpointId === endpointId) {
        record.notifier.terminate("deactivated");
      }
    }
    this.engine.endpointEnded(aor, endpointId, { lastEndpoint });
  }

  // ---- SERVICE ------------------------------------------------------------------------------

  #service(context: FrontendRequestContext): void {
    const { request } = context;
    if (!selfAddressed(request, context.user)) {
      return this.#refuse(context, presenceRefusal("uri-mismatch"));
    }
    const outcome = this.engine.service({
      user: context.user,
      endpointId: endpointIdOf(context),
      contentType: request.header("content-type") ?? "",
      body: request.body,
    });
    if (!outcome.ok) return this.#refuse(context, outcome.refusal);
    context.respond(
      200,
      outcome.body === undefined ? {} : {
        body: new TextEncoder().encode(outcome.body.text),
        contentType: outcome.body.contentType,
      },
    );
  }

  #refuse(context: FrontendRequestContext, refusal: PresenceRefusal): void {
    context.respond(refusal.status, {
      reason: refusal.reason,
      headers: [diagnosticsHeader(refusal, this.#serverName())],
      ...(refusal.body === undefined ? {} : {
        body: new TextEncoder().encode(refusal.body.text),
        contentType: refusal.body.contentType,
      }),
    });
  }

  // ---- SUBSCRIBE ----------------------------------------------------------------------------

  #subscribe(context: FrontendRequestContext): void {
    const { request, tx } = context;
    if (request.to.tag !== undefined) {
      // RFC 6665 §4.1.2.2: a refresh or un-SUBSCRIBE in an existing subscription's dialog.
      const notifier = this.#table.notifierFor(request);
      const record = notifier && this.#byNotifier.get(notifier);
      if (notifier === undefined || record === undefined) {
        return this.#refuse(context, presenceRefusal("dialog-missing"));
      }
      this.#pending.set(request, { tx, supported: [], extra: [] });
      try {
        notifier.receiveSubscribe(request);
      } finally {
        this.#pending.delete(request);
      }
      if (notifier.state !== "terminated") {
        this.engine.refresh(record.id, notifier.expires);
        record.expiresAt = this.#wheel!.now() + notifier.expires * 1000;
      }
      return;
    }
    const host = this.#requireHost();
    const offered = optionTags(request, "supported");
    const benotify = offered.includes(BENOTIFY);
    // MS-SIP §3.5.1.1: the 200 says BENOTIFY is agreed.
    const pending: PendingSubscribe = { tx, supported: benotify ? [BENOTIFY] : [], extra: [] };
    this.#pending.set(request, pending);
    try {
      const slot: SubscriptionSlot = {};
      const notifier = Notifier.fromSubscribe(request, this.#notifierHost(slot), {
        policy: this.#policy,
        localTag: newTag(),
        dialogOptions: { localContact: contactValue(host.core.identity!) },
      });
      if (notifier === undefined) return;
      const id = `presence-${++this.#nextId}`;
      const outcome = this.engine.subscribe({
        id,
        watcher: context.user,
        event: notifier.event.eventType.toLowerCase() as SubscriptionEvent,
        target: aorOf(request.to.uri) ?? "",
        contentType: request.header("content-type"),
        body: request.body,
        expires: notifier.expires,
      });
      if (!outcome.ok) {
        const refusal = outcome.refusal;
        notifier.reject(refusal.status, refusal.reason, [
          diagnosticsHeader(refusal, this.#serverName()),
        ]);
        return;
      }
      const record: SubscriptionRecord = {
        id,
        notifier,
        source: tx.source,
        watcher: context.user,
        endpointId: endpointIdOf(context),
        ...(context.endpoint.epid !== undefined ? { epid: context.endpoint.epid } : {}),
        benotify,
        expiresAt: this.#wheel!.now() + notifier.expires * 1000,
      };
      if (offered.includes(PIGGYBACK)) {
        // MS-SIP §3.4.4.1: the first notification rides in the 200 instead of a NOTIFY.
        pending.supported.push(PIGGYBACK);
        pending.extra.push(
          ["Event", formatEvent(notifier.event)],
          [
            "Subscription-State",
            formatSubscriptionState({ state: "active", expires: notifier.expires }),
          ],
        );
        pending.first = outcome.content;
        slot.piggybacked = true;
      }
      slot.record = record;
      this.#records.set(id, record);
      this.#byNotifier.set(notifier, record);
      this.#table.addNotifier(notifier);
      // The core hands the dialog's later requests (refresh, un-SUBSCRIBE) to the front end.
      host.core.dialogs.add(notifier.dialog);
      notifier.accept("active", outcome.content);
    } finally {
      this.#pending.delete(request);
    }
  }

  /** The Notifier's side of one subscription; `slot` holds its record once accepted. */
  #notifierHost(slot: SubscriptionSlot): NotifierHost {
    const host = this.#requireHost();
    const wheel = this.#wheel!;
    return {
      scheduler: wheel,
      now: () => wheel.now(),
      respond: (request, advice) => this.#answerSubscribe(request, advice),
      sendRequest: (notify) => {
        const record = slot.record;
        if (record === undefined) return;
        if (slot.piggybacked) {
          slot.piggybacked = false;
          return;
        }
        host.sendRequest(notify, record.source, {
          onFinal: (response) => record.notifier.receiveResponse(response),
        });
      },
      onTerminated: (notifier) => {
        const record = this.#byNotifier.get(notifier);
        if (record !== undefined) this.#forget(record);
      },
    };
  }

  /** Answers a SUBSCRIBE as its Notifier advises, adding ms-diagnostics to refusals. */
  #answerSubscribe(request: SipRequest, advice: ResponseAdvice): void {
    const pending = this.#pending.get(request);
    if (pending === undefined) return;
    const host = this.#requireHost();
    // The core adds the Contact of a 2xx to a dialog-creating request (§12.1.1).
    const headers = advice.headers.filter(([name]) => name.toLowerCase() !== "contact");
    if (advice.status >= 300 && !headers.some(([name]) => name.startsWith("ms-diagnostics"))) {
      const kind = advice.status === 481 ? "dialog-missing" : "bad-subscribe";
      const refusal = presenceRefusal(kind, advice.reason);
      headers.push(diagnosticsHeader(refusal, this.#serverName()));
    }
    const first = advice.status < 300 ? pending.first : undefined;
    if (advice.status < 300) {
      if (pending.supported.length > 0) headers.push(["Supported", pending.supported.join(", ")]);
      headers.push(...pending.extra);
    }
    const response = host.core.createResponse(request, advice.status, advice.reason, {
      ...(advice.toTag !== undefined ? { toTag: advice.toTag } : {}),
      headers,
      ...(first === undefined ? {} : { body: first.body, contentType: first.contentType }),
    });
    host.signResponse(response);
    host.core.respond(pending.tx, response);
  }

  /** An engine notification goes out as NOTIFY, or BENOTIFY when agreed (MS-SIP §3.5). */
  #deliver(n: PresenceNotification): void {
    const record = this.#records.get(n.subscriptionId);
    if (record === undefined) return;
    const content = { body: n.body, contentType: n.contentType };
    let method: "NOTIFY" | "BENOTIFY" = "NOTIFY";
    if (record.benotify && record.notifier.state === "active") {
      method = "BENOTIFY";
      this.#sendBenotify(record, content);
    } else if (!record.notifier.notify(content)) {
      return;
    }
    const latency = this.#options.latency;
    if (latency !== undefined && n.acceptedAt !== undefined) {
      latency.notificationSent({
        publisher: n.publisher,
        watcher: n.watcher,
        method,
        kind: n.kind,
        acceptedAt: n.acceptedAt,
        sentAt: this.engine.now(),
        bytes: new TextEncoder().encode(n.body).length,
      });
    }
  }

  /** MS-SIP §3.5: sent outside any transaction; the endpoint does not answer it. */
  #sendBenotify(record: SubscriptionRecord, content: { body: string; contentType: string }): void {
    const host = this.#requireHost();
    const remaining = Math.max(0, Math.floor((record.expiresAt - this.#wheel!.now()) / 1000));
    const request = record.notifier.dialog.createRequest("BENOTIFY", {
      extraHeaders: [
        ["Event", formatEvent(record.notifier.event)],
        ["Subscription-State", formatSubscriptionState({ state: "active", expires: remaining })],
      ],
      body: content.body,
      contentType: content.contentType,
    });
    host.signRequest(request, {
      aor: record.watcher,
      ...(record.epid !== undefined ? { epid: record.epid } : {}),
    });
    host.core.sendStateless(request, record.source);
  }

  #forget(record: SubscriptionRecord): void {
    this.#records.delete(record.id);
    this.#byNotifier.delete(record.notifier);
    this.#table.delete(record.notifier);
    this.#host?.core.dialogs.delete(record.notifier.dialog);
    this.#engine?.unsubscribe(record.id);
  }

  #requireHost(): FrontendHost {
    if (this.#host === undefined) throw new Error("the presence service is not started");
    return this.#host;
  }

  #serverName(): string {
    return this.#options.serverName ?? this.#requireHost().serverName;
  }
}

function mediaType(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

function aorOf(uri: Uri): string | undefined {
  return uri.scheme === "sip" || uri.scheme === "sips" ? canonicalAor(uri as SipUri) : undefined;
}

/** MS-PRES.md §5 item 1, MS-SIP §3.7.4.3: To, From and Request-URI are the user's own. */
function selfAddressed(request: SipRequest, user: string): boolean {
  try {
    return [request.requestUri, request.to.uri, request.from.uri].every((uri) =>
      aorOf(uri) === user
    );
  } catch {
    return false;
  }
}

function endpointIdOf(context: FrontendRequestContext): string {
  const { epid, instance, gruu } = context.endpoint;
  return epid ?? instance ?? gruu ?? `${context.tx.source.host}:${context.tx.source.port}`;
}

function optionTags(request: SipRequest, header: string): string[] {
  return request.headerValues(header).flatMap((v) => v.split(",")).map((t) =>
    t.trim().toLowerCase()
  );
}
