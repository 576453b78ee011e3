/**
 * Header fields read straight from a message's text, for flow captures and `[last_*]`
 * template keywords, which work on the text the way SIPp does.
 *
 * @module
 */

import { headerKey } from "../sip/message/header_names.ts";

/** One header field line (continuation lines unfolded). */
export interface RawHeaderField {
  /** The name as written. */
  readonly name: string;
  /** Lowercase long form (compact forms expanded), for lookups. */
  readonly key: string;
  readonly value: string;
}

/**
 * The header fields of a message text: the lines between the start line and the first empty
 * line. RFC 3261 §7.3.1: a line starting with a space or tab continues the previous field.
 *
 * @example
 * ```ts
 * rawHeaderFields("SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a\r\n\r\n");
 * // [{ name: "v", key: "via", value: "SIP/2.0/UDP a" }]
 * ```
 */
export function rawHeaderFields(text: string): RawHeaderField[] {
  const lines = text.split(/\r?\n/);
  const fields: { name: string; key: string; value: string }[] = [];
  for (let i = 1; i < lines.length && lines[i] !== ""; i++) {
    const line = lines[i];
    const last = fields.at(-1);
    if ((line[0] === " " || line[0] === "\t") && last) {
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    fields.push({ name, key: headerKey(name), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/**
 * Every value of one header (compact or long name, any case), in order.
 *
 * @example
 * ```ts
 * rawHeaderValues("SIP/2.0 200 OK\r\nTo: <sip:b@x>;tag=9\r\n\r\n", "t"); // ["<sip:b@x>;tag=9"]
 * ```
 */
export function rawHeaderValues(text: string, name: string): string[] {
  const key = headerKey(name);
  return rawHeaderFields(text).filter((f) => f.key === key).map((f) => f.value);
}
