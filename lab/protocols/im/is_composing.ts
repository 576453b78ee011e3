/**
 * RFC 3994 message composition indication (`application/im-iscomposing+xml`): `state`
 * (active / idle, §4), optional `lastactive` (§3.2, an RFC 3339 time), `contenttype` (the
 * kind of message being composed) and `refresh` (seconds until the active state lapses, §3.2).
 * IM.md §4: accepted when it arrives as a MESSAGE body; the lab sends the INFO form.
 *
 * @module
 */
import { parseXml, writeXml, type XmlElement, xmlNode } from "../xml/mod.ts";

/** RFC 3994 §7 media type. */
export const ISCOMPOSING_CONTENT_TYPE = "application/im-iscomposing+xml";
/** RFC 3994 §7 namespace. */
export const ISCOMPOSING_NAMESPACE = "urn:ietf:params:xml:ns:im-iscomposing";

/** An isComposing document. */
export interface IsComposing {
  readonly state: "active" | "idle";
  readonly lastActive?: string;
  readonly contentType?: string;
  /** Seconds (RFC 3994 §3.2: present only with `active`). */
  readonly refresh?: number;
}

/**
 * Writes an isComposing document (RFC 3994 §4 schema order: state, lastactive, contenttype,
 * refresh).
 *
 * @example
 * ```ts
 * formatIsComposing({ state: "active", contentType: "text/plain", refresh: 90 });
 * ```
 */
export function formatIsComposing(doc: IsComposing): string {
  const children = [xmlNode("state", [], [doc.state])];
  if (doc.lastActive !== undefined) children.push(xmlNode("lastactive", [], [doc.lastActive]));
  if (doc.contentType !== undefined) children.push(xmlNode("contenttype", [], [doc.contentType]));
  if (doc.refresh !== undefined) children.push(xmlNode("refresh", [], [String(doc.refresh)]));
  return writeXml(xmlNode("isComposing", [["xmlns", ISCOMPOSING_NAMESPACE]], children), {
    declaration: true,
  });
}

/**
 * Reads an isComposing document; undefined when it is not one (wrong root or namespace, no
 * valid state, a refresh that is not a positive integer).
 *
 * @example
 * ```ts
 * parseIsComposing(body)?.state; // "active"
 * ```
 */
export function parseIsComposing(text: string): IsComposing | undefined {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch {
    return undefined;
  }
  if (root.localName !== "isComposing" || root.namespace !== ISCOMPOSING_NAMESPACE) {
    return undefined;
  }
  const field = (name: string) => root.children.find((c) => c.localName === name)?.text.trim();
  const state = field("state");
  if (state !== "active" && state !== "idle") return undefined;
  const refreshText = field("refresh");
  let refresh: number | undefined;
  if (refreshText !== undefined) {
    if (!/^[1-9]\d*$/.test(refreshText)) return undefined;
    refresh = Number(refreshText);
  }
  const lastActive = field("lastactive");
  const contentType = field("contenttype");
  return {
    state,
    ...(lastActive !== undefined ? { lastActive } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    ...(refresh !== undefined ? { refresh } : {}),
  };
}
