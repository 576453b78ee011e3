/**
 * The typing indication of Lync/OCS peer-to-peer IM (IM.md §4): an INFO in the session's
 * dialog with an `application/xml` body `<KeyboardActivity><status status="type|idle"/>`.
 * Malformed bodies are not an error for the receiver (IM.md §8: "still 200 (ignore)").
 *
 * @module
 */
import { attributeValue, parseXml, writeXml, xmlNode } from "../xml/mod.ts";

/** Content-Type of the typing INFO (IM.md §4). */
export const KEYBOARD_ACTIVITY_CONTENT_TYPE = "application/xml";

/** `type` while the user types, `idle` once stopped. */
export type KeyboardStatus = "type" | "idle";

/**
 * The INFO body for `status`.
 *
 * @example
 * ```ts
 * formatKeyboardActivity("type");
 * // '<?xml version="1.0"?><KeyboardActivity><status status="type"/></KeyboardActivity>'
 * ```
 */
export function formatKeyboardActivity(status: KeyboardStatus): string {
  const body = writeXml(xmlNode("KeyboardActivity", [], [xmlNode("status", [["status", status]])]));
  return `<?xml version="1.0"?>${body}`;
}

/**
 * The status of a KeyboardActivity body; undefined when the body is not one.
 *
 * @example
 * ```ts
 * parseKeyboardActivity('<KeyboardActivity><status status="idle" /></KeyboardActivity>'); // "idle"
 * ```
 */
export function parseKeyboardActivity(text: string): KeyboardStatus | undefined {
  let root;
  try {
    root = parseXml(text);
  } catch {
    return undefined;
  }
  if (root.localName !== "KeyboardActivity") return undefined;
  const status = root.children.find((c) => c.localName === "status");
  const value = status === undefined ? undefined : attributeValue(status, "status");
  return value === "type" || value === "idle" ? value : undefined;
}
