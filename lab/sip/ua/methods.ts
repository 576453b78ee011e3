/**
 * SIP methods the user agent core knows by name, and the ones an agent supports by default.
 * Knowing a method decides between 405 and 501 when it is not supported (RFC 3261 §8.2.1,
 * §21.4.6, §21.5.2).
 *
 * @module
 */

/**
 * Every method this lab recognises: RFC 3261 (INVITE, ACK, OPTIONS, BYE, CANCEL, REGISTER),
 * PRACK (RFC 3262), SUBSCRIBE and NOTIFY (RFC 6665), PUBLISH (RFC 3903), INFO (RFC 6086),
 * REFER (RFC 3515), MESSAGE (RFC 3428), UPDATE (RFC 3311), and Microsoft's SERVICE and
 * BENOTIFY (MS-SIP §2.2, §3.5).
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "INVITE",
  "ACK",
  "OPTIONS",
  "BYE",
  "CANCEL",
  "REGISTER",
  "PRACK",
  "SUBSCRIBE",
  "NOTIFY",
  "PUBLISH",
  "INFO",
  "REFER",
  "MESSAGE",
  "UPDATE",
  "SERVICE",
  "BENOTIFY",
]);

/** What a plain calling agent supports: the §13–§15 methods and OPTIONS (§11). */
export const DEFAULT_ALLOWED_METHODS: readonly string[] = [
  "INVITE",
  "ACK",
  "BYE",
  "CANCEL",
  "OPTIONS",
];

/**
 * The methods a UA supports: `methods`, plus ACK and CANCEL whenever INVITE is there (an INVITE
 * server cannot work without them, §13.3.1, §9.2). Method names are case-sensitive (§7.1).
 *
 * @example
 * ```ts
 * supportedMethodSet(["INVITE", "OPTIONS"]); // Set { "INVITE", "OPTIONS", "ACK", "CANCEL" }
 * ```
 */
export function supportedMethodSet(methods: readonly string[]): ReadonlySet<string> {
  const set = new Set(methods);
  if (set.has("INVITE")) {
    set.add("ACK");
    set.add("CANCEL");
  }
  return set;
}
