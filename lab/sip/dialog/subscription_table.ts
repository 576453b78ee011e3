/**
 * Which subscription an incoming NOTIFY or SUBSCRIBE belongs to (RFC 6665 §8.2.1): by dialog
 * (or, before the subscriber's dialog exists, by Call-ID and local tag, §4.1.2.4) and by Event
 * type and `id`, so several subscriptions can share one dialog.
 *
 * @module
 */
import type { SipRequest } from "../message/message.ts";
import { dialogIdOfRequest, dialogKey } from "./dialog_id.ts";
import { type EventHeader, eventKey, parseEvent } from "./event_headers.ts";
import type { Notifier } from "./notifier.ts";
import { Subscriber } from "./subscriber.ts";

/**
 * Subscribers and notifiers of one UA.
 *
 * @example
 * ```ts
 * const table = new SubscriptionTable();
 * table.addSubscriber(sub);
 * const target = table.subscriberFor(notify); // undefined → answer 481
 * ```
 */
export class SubscriptionTable {
  /** Call-ID + local (From) tag + event key → subscriber. */
  readonly #subscribers = new Map<string, Subscriber>();
  /** Dialog key + event key → notifier. */
  readonly #notifiers = new Map<string, Notifier>();

  /** Number of subscriptions held, both sides. */
  get size(): number {
    return this.#subscribers.size + this.#notifiers.size;
  }

  /** Adds a started subscriber (its initial SUBSCRIBE exists). */
  addSubscriber(subscriber: Subscriber): void {
    this.#subscribers.set(subscriberKey(subscriber), subscriber);
  }

  /** Adds a notifier. */
  addNotifier(notifier: Notifier): void {
    this.#notifiers.set(notifierKey(notifier), notifier);
  }

  /** Removes a subscription (typically from its onTerminated callback). */
  delete(usage: Subscriber | Notifier): boolean {
    if (usage instanceof Subscriber) {
      const key = subscriberKey(usage);
      if (this.#subscribers.get(key) !== usage) return false;
      return this.#subscribers.delete(key);
    }
    const key = notifierKey(usage);
    if (this.#notifiers.get(key) !== usage) return false;
    return this.#notifiers.delete(key);
  }

  /** The subscriber a NOTIFY is for: Call-ID, To tag = our From tag, Event type and id. */
  subscriberFor(notify: SipRequest): Subscriber | undefined {
    const event = eventOf(notify);
    const localTag = notify.to.tag;
    if (event === undefined || localTag === undefined) return undefined;
    return this.#subscribers.get(`${notify.callId}\n${localTag}\n${eventKey(event)}`);
  }

  /** The notifier a SUBSCRIBE in a dialog refreshes (same dialog, Event type and id). */
  notifierFor(subscribe: SipRequest): Notifier | undefined {
    const event = eventOf(subscribe);
    const id = dialogIdOfRequest(subscribe);
    if (event === undefined || id === undefined) return undefined;
    return this.#notifiers.get(`${dialogKey(id)}\n${eventKey(event)}`);
  }
}

function subscriberKey(subscriber: Subscriber): string {
  const initial = subscriber.initialRequest;
  if (initial === undefined) throw new Error("start the subscriber before adding it");
  return `${initial.callId}\n${initial.from.tag ?? ""}\n${eventKey(subscriber.event)}`;
}

function notifierKey(notifier: Notifier): string {
  return `${dialogKey(notifier.dialog.id)}\n${eventKey(notifier.event)}`;
}

function eventOf(req: SipRequest): EventHeader | undefined {
  const value = req.header("event");
  if (value === undefined) return undefined;
  try {
    return parseEvent(value);
  } catch {
    return undefined;
  }
}
