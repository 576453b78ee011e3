/**
 * The header fields of SIP-specific event notification (RFC 6665 §8.2, grammar §8.4): Event
 * (with its `id` parameter, which tells subscriptions in one dialog apart) and
 * Subscription-State, plus what a termination reason tells a subscriber about trying again
 * (§4.1.3).
 *
 * @module
 */
import { formatParams, type Params, parseParams } from "../message/header_values.ts";
import { badRequest } from "../message/parse_error.ts";

/** An Event header value: `event-type *( SEMI event-param )`. */
export interface EventHeader {
  /** `event-package *( "." event-template )`, as written (compared byte by byte). */
  eventType: string;
  /** The `id` parameter, when present. */
  id?: string;
  /** Every parameter, `id` included, as written. */
  params: Params;
}

/** §8.4 token-nodot characters (token without "."), plus "." between package and templates. */
const EVENT_TYPE = /^[A-Za-z0-9\-!%*_+`'~]+(\.[A-Za-z0-9\-!%*_+`'~]+)*$/;

/**
 * Parses an Event header value. Throws SipParseError (400) when malformed.
 *
 * @example
 * ```ts
 * parseEvent("dialog;id=abc;call-id=x"); // { eventType: "dialog", id: "abc", params }
 * ```
 */
export function parseEvent(value: string): EventHeader {
  const text = value.trim();
  const semi = text.indexOf(";");
  const eventType = (semi < 0 ? text : text.slice(0, semi)).trim();
  if (!EVENT_TYPE.test(eventType)) throw badRequest("Malformed Event");
  const params = semi < 0 ? new Map() : parseParams(text.slice(semi));
  const header: EventHeader = { eventType, params };
  for (const [name, v] of params) {
    if (name.toLowerCase() !== "id") continue;
    if (v === null) throw badRequest("Malformed Event id");
    header.id = v;
  }
  return header;
}

/**
 * Writes an Event header value.
 *
 * @example
 * ```ts
 * formatEvent({ eventType: "presence", params: new Map([["id", "7"]]) }); // "presence;id=7"
 * ```
 */
export function formatEvent(event: EventHeader): string {
  return event.eventType + formatParams(event.params);
}

/**
 * The identity of a subscription within a dialog (§8.2.1: event-type and `id` compared byte by
 * byte; an Event with `id` never matches one without; no other parameter counts).
 *
 * @example
 * ```ts
 * eventKey(parseEvent("foo; param=abcd; id=1234")) === eventKey(parseEvent("foo;id=1234")); // true
 * ```
 */
export function eventKey(event: EventHeader): string {
  return event.id === undefined ? event.eventType : `${event.eventType};id=${event.id}`;
}

/** True when two Event values name the same subscription (§8.2.1). */
export function eventsMatch(a: EventHeader, b: EventHeader): boolean {
  return a.eventType === b.eventType && a.id === b.id;
}

/** The §4.2.2 / §8.4 termination reasons. */
export type TerminationReason =
  | "deactivated"
  | "probation"
  | "rejected"
  | "timeout"
  | "giveup"
  | "noresource"
  | "invariant";

/** A Subscription-State header value (§8.2.3). */
export interface SubscriptionStateHeader {
  /** "active", "pending", "terminated", or an extension substate; lowercase. */
  state: string;
  /** `reason` (lowercase), meaningful with "terminated". */
  reason?: string;
  /** `expires` in seconds (active / pending). */
  expires?: number;
  /** `retry-after` in seconds (terminated). */
  retryAfter?: number;
  params: Params;
}

/**
 * Parses a Subscription-State value. Throws SipParseError (400) when malformed.
 *
 * @example
 * ```ts
 * parseSubscriptionState("terminated;reason=probation;retry-after=30");
 * // { state: "terminated", reason: "probation", retryAfter: 30, params }
 * ```
 */
export function parseSubscriptionState(value: string): SubscriptionStateHeader {
  const text = value.trim();
  const semi = text.indexOf(";");
  const state = (semi < 0 ? text : text.slice(0, semi)).trim().toLowerCase();
  if (!/^[a-z0-9\-.!%*_+`'~]+$/.test(state)) throw badRequest("Malformed Subscription-State");
  const params = semi < 0 ? new Map() : parseParams(text.slice(semi));
  const header: SubscriptionStateHeader = { state, params };
  for (const [name, v] of params) {
    switch (name.toLowerCase()) {
      case "reason":
        if (v === null) throw badRequest("Malformed Subscription-State reason");
        header.reason = v.toLowerCase();
        break;
      case "expires":
        header.expires = deltaSeconds(v, "expires");
        break;
      case "retry-after":
        header.retryAfter = deltaSeconds(v, "retry-after");
        break;
    }
  }
  return header;
}

function deltaSeconds(v: string | null, what: string): number {
  if (v === null || !/^\d{1,10}$/.test(v)) throw badRequest(`Malformed Subscription-State ${what}`);
  return Number(v);
}

/**
 * Writes a Subscription-State value from its parts.
 *
 * @example
 * ```ts
 * formatSubscriptionState({ state: "active", expires: 599 }); // "active;expires=599"
 * ```
 */
export function formatSubscriptionState(
  s: { state: string; reason?: string; expires?: number; retryAfter?: number },
): string {
  let out = s.state;
  if (s.reason !== undefined) out += `;reason=${s.reason}`;
  if (s.expires !== undefined) out += `;expires=${s.expires}`;
  if (s.retryAfter !== undefined) out += `;retry-after=${s.retryAfter}`;
  return out;
}

/** What a subscriber may do after a subscription ended (RFC 6665 §4.1.3). */
export type RetryAdvice =
  /** Re-subscribe now (deactivated, timeout, no reason, giveup without retry-after). */
  | { kind: "now" }
  /** Re-subscribe no sooner than `seconds` from now. */
  | { kind: "after"; seconds: number }
  /** Re-subscribe at some later time the subscriber picks (probation without retry-after). */
  | { kind: "later" }
  /** Do not re-subscribe (rejected, noresource, invariant). */
  | { kind: "never" };

/**
 * RFC 6665 §4.1.3: the retry behaviour each termination reason asks for.
 *
 * @example
 * ```ts
 * retryAdvice("probation", 30); // { kind: "after", seconds: 30 }
 * retryAdvice("rejected");      // { kind: "never" }
 * ```
 */
export function retryAdvice(reason: string | undefined, retryAfter?: number): RetryAdvice {
  switch (reason) {
    // "the subscriber SHOULD retry immediately" / "MAY re-subscribe immediately";
    // retry-after has no semantics for either.
    case "deactivated":
    case "timeout":
      return { kind: "now" };
    // "SHOULD retry at some later time … wait at least retry-after seconds".
    case "probation":
      return retryAfter === undefined ? { kind: "later" } : { kind: "after", seconds: retryAfter };
    // "SHOULD NOT attempt to re-subscribe".
    case "rejected":
    case "noresource":
    case "invariant":
      return { kind: "never" };
    // giveup: "wait retry-after seconds … otherwise MAY retry immediately"; no or an unknown
    // reason: "MAY attempt to re-subscribe at any time" unless retry-after is given.
    default:
      return retryAfter === undefined ? { kind: "now" } : { kind: "after", seconds: retryAfter };
  }
}
