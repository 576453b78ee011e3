/**
 * The batched subscription body, `application/msrtc-adrl-categorylist+xml` (MS-PRES §6.8;
 * MS-PRES.md §4.4): the subscriber's own URI, one action (`subscribe` or `unsubscribe`) with an
 * ad hoc list of resources, some marked `<context/>` (record the subscriber as a "subscriber
 * with context" of that target), and the category names wanted.
 *
 * @example
 * ```ts
 * const body = formatBatchSubscribe({ uri: "sip:alice@lab.test", action: "subscribe", id: "1",
 *   resources: [{ uri: "sip:bob@lab.test", context: false }], categories: ["state", "note"] });
 * parseBatchSubscribe(body).resources[0].uri; // "sip:bob@lab.test"
 * ```
 *
 * @module
 */
import { attributeValue, writeXml, xmlNode } from "../xml/mod.ts";
import {
  childrenNamed,
  PresDocumentError,
  readDocument,
  requireAttribute,
  requireChild,
} from "./document_reader.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** One resource of the ad hoc list. */
export interface BatchResource {
  uri: string;
  /** `<context/>` present (MS-PRES.md §4.4). */
  context: boolean;
}

/** A batchSub document with its one action. */
export interface BatchSubscribe {
  /** The subscriber's own URI. */
  uri: string;
  name?: string;
  action: "subscribe" | "unsubscribe";
  id: string;
  resources: BatchResource[];
  /** Category names (categoryList/category@name). */
  categories: string[];
}

/**
 * Reads a batchSub document; throws {@link PresDocumentError} on a wrong root or namespace,
 * a missing or unknown action, a resource without uri, or a category without name.
 *
 * @example
 * ```ts
 * parseBatchSubscribe(text).action; // "subscribe"
 * ```
 */
export function parseBatchSubscribe(text: string): BatchSubscribe {
  const root = readDocument(text, "batchSub", PRES_NAMESPACES.batchSubscribe);
  const actions = childrenNamed(root, "action");
  if (actions.length !== 1) throw new PresDocumentError("batchSub must hold exactly one action");
  const action = actions[0];
  const actionName = requireAttribute(action, "name");
  if (actionName !== "subscribe" && actionName !== "unsubscribe") {
    throw new PresDocumentError(`unknown batchSub action "${actionName}"`);
  }
  const list = requireChild(action, "adhocList");
  const resources = childrenNamed(list, "resource").map((r) => ({
    uri: requireAttribute(r, "uri"),
    context: r.children.some((c) => c.localName === "context"),
  }));
  const categoryList = action.children.find((c) => c.localName === "categoryList");
  const categories = categoryList === undefined
    ? []
    : childrenNamed(categoryList, "category").map((c) => requireAttribute(c, "name"));
  const doc: BatchSubscribe = {
    uri: requireAttribute(root, "uri"),
    action: actionName,
    id: attributeValue(action, "id") ?? "",
    resources,
    categories,
  };
  const name = attributeValue(root, "name");
  if (name !== undefined) doc.name = name;
  return doc;
}

/**
 * Writes a batchSub document.
 *
 * @example
 * ```ts
 * formatBatchSubscribe({ uri: "sip:a@b", action: "unsubscribe", id: "7", resources: [], categories: [] });
 * ```
 */
export function formatBatchSubscribe(doc: BatchSubscribe): string {
  return writeXml(
    xmlNode("batchSub", [
      ["xmlns", PRES_NAMESPACES.batchSubscribe],
      ["uri", doc.uri],
      ["name", doc.name ?? ""],
    ], [
      xmlNode("action", [["name", doc.action], ["id", doc.id]], [
        xmlNode(
          "adhocList",
          [],
          doc.resources.map((r) =>
            xmlNode("resource", [["uri", r.uri]], r.context ? [xmlNode("context")] : [])
          ),
        ),
        xmlNode(
          "categoryList",
          [["xmlns", PRES_NAMESPACES.categoryList]],
          doc.categories.map((name) => xmlNode("category", [["name", name]])),
        ),
      ]),
    ]),
  );
}
