/**
 * Subscribers of a publisher (MS-PRES §2.2.2.6.1) as the roaming-self document lists them, and
 * the acknowledgement a publisher sends for one of them, `setSubscribers` (MS-PRES §2.2.2.6.2,
 * §6.12: exactly one subscriber, `acknowledged` fixed "true").
 *
 * @example
 * ```ts
 * parseSetSubscribers(formatSetSubscribers("john@contoso.com")); // "john@contoso.com"
 * ```
 *
 * @module
 */
import { attributeValue, writeXml, type XmlElement, type XmlNode, xmlNode } from "../xml/mod.ts";
import {
  booleanAttribute,
  childrenNamed,
  PresDocumentError,
  readDocument,
  requireAttribute,
} from "./document_reader.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** MS-PRES §2.2.2.6.1: where a subscriber comes from. */
export type SubscriberType = "sameEnterprise" | "federated" | "publicCloud" | "unknown";

/** One subscriber entry. */
export interface SubscriberEntry {
  user: string;
  displayName?: string;
  acknowledged: boolean;
  type?: SubscriberType;
}

/**
 * The `subscribers` element of a roaming-self document.
 *
 * @example
 * ```ts
 * writeXml(subscribersNode([{ user: "bob@lab.test", acknowledged: false }]));
 * ```
 */
export function subscribersNode(subscribers: readonly SubscriberEntry[]): XmlNode {
  return xmlNode(
    "subscribers",
    [["xmlns", PRES_NAMESPACES.presenceSubscribers]],
    subscribers.map((s) =>
      xmlNode("subscriber", [
        ["user", s.user],
        ["displayName", s.displayName],
        ["acknowledged", s.acknowledged],
        ["type", s.type],
      ])
    ),
  );
}

/**
 * Reads a `subscribers` element.
 *
 * @example
 * ```ts
 * readSubscribersElement(parseXml('<subscribers><subscriber user="a@b" acknowledged="false"/></subscribers>'));
 * ```
 */
export function readSubscribersElement(element: XmlElement): SubscriberEntry[] {
  return childrenNamed(element, "subscriber").map((s) => {
    const entry: SubscriberEntry = {
      user: requireAttribute(s, "user"),
      acknowledged: booleanAttribute(s, "acknowledged", false),
    };
    const displayName = attributeValue(s, "displayName");
    if (displayName !== undefined) entry.displayName = displayName;
    const type = attributeValue(s, "type");
    if (type !== undefined) entry.type = type as SubscriberType;
    return entry;
  });
}

/**
 * Reads a setSubscribers document and returns the acknowledged subscriber's user; throws
 * {@link PresDocumentError} unless it holds exactly one subscriber with acknowledged "true"
 * (MS-PRES §2.2.2.6.2).
 *
 * @example
 * ```ts
 * parseSetSubscribers(body); // "john@contoso.com"
 * ```
 */
export function parseSetSubscribers(text: string): string {
  const root = readDocument(text, "setSubscribers", PRES_NAMESPACES.presenceSubscribers);
  const subscribers = childrenNamed(root, "subscriber");
  if (subscribers.length !== 1) {
    throw new PresDocumentError("setSubscribers must hold exactly one subscriber");
  }
  if (!booleanAttribute(subscribers[0], "acknowledged", false)) {
    throw new PresDocumentError('setSubscribers: acknowledged is fixed "true"');
  }
  return requireAttribute(subscribers[0], "user");
}

/**
 * Writes a setSubscribers document acknowledging `user`.
 *
 * @example
 * ```ts
 * formatSetSubscribers("john@contoso.com");
 * ```
 */
export function formatSetSubscribers(user: string): string {
  return writeXml(
    xmlNode("setSubscribers", [["xmlns", PRES_NAMESPACES.presenceSubscribers]], [
      xmlNode("subscriber", [["user", user], ["acknowledged", "true"]]),
    ]),
  );
}
