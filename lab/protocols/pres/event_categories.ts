/**
 * The category notification document, `application/msrtc-event-categories+xml` (MS-PRES.md
 * §4.3): one publisher's category instances as one watcher may see them. A watcher's view
 * carries name, instance and publishTime; the publisher's own (roaming-self) view adds
 * container, version, expireType and expires. A `category` without content tells the watcher
 * the instance was removed or is no longer visible to it.
 *
 * @example
 * ```ts
 * const body = formatEventCategories({ uri: "sip:bob@lab.test", categories: [{ name: "note", instance: 0 }] });
 * parseEventCategories(body).categories[0].content; // undefined: removed
 * ```
 *
 * @module
 */
import { attributeValue, writeXml, type XmlElement, type XmlNode, xmlNode } from "../xml/mod.ts";
import type { ExpireType } from "./category_publish.ts";
import {
  childrenNamed,
  optionalUnsigned,
  PresDocumentError,
  readDocument,
  requireAttribute,
} from "./document_reader.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** One `category` element. */
export interface CategoryEntry {
  name: string;
  instance?: number;
  /** xs:dateTime the server stamped when the instance was published. */
  publishTime?: string;
  /** Self view only. */
  container?: number;
  /** Self view only. */
  version?: number;
  /** Self view only. */
  expireType?: ExpireType;
  /** Self view only. */
  expires?: number;
  /** The category element; absent for a removed (or no longer visible) instance. */
  content?: XmlElement;
}

/** A `categories` document: one publisher's instances. */
export interface CategoriesDocument {
  /** The publisher. */
  uri: string;
  categories: CategoryEntry[];
}

/**
 * The `categories` element as a node, for documents that embed it (roaming-self, rlmi parts).
 *
 * @example
 * ```ts
 * writeXml(categoriesNode({ uri: "sip:a@b", categories: [] }));
 * ```
 */
export function categoriesNode(doc: CategoriesDocument): XmlNode {
  return xmlNode(
    "categories",
    [["xmlns", PRES_NAMESPACES.categories], ["uri", doc.uri]],
    doc.categories.map((c) =>
      xmlNode(
        "category",
        [
          ["name", c.name],
          ["instance", c.instance],
          ["publishTime", c.publishTime],
          ["container", c.container],
          ["version", c.version],
          ["expireType", c.expireType],
          ["expires", c.expires],
        ],
        c.content === undefined ? [] : [c.content],
      )
    ),
  );
}

/**
 * Writes a categories document.
 *
 * @example
 * ```ts
 * formatEventCategories({ uri: "sip:bob@lab.test", categories: [] });
 * ```
 */
export function formatEventCategories(doc: CategoriesDocument): string {
  return writeXml(categoriesNode(doc));
}

/**
 * Reads a `categories` element already parsed (from a roaming-self document, say).
 *
 * @example
 * ```ts
 * readCategoriesElement(parseXml('<categories uri="sip:a@b"/>')).uri; // "sip:a@b"
 * ```
 */
export function readCategoriesElement(element: XmlElement): CategoriesDocument {
  return {
    uri: requireAttribute(element, "uri"),
    categories: childrenNamed(element, "category").map(readCategory),
  };
}

function readCategory(element: XmlElement): CategoryEntry {
  const entry: CategoryEntry = { name: requireAttribute(element, "name") };
  const instance = optionalUnsigned(element, "instance");
  if (instance !== undefined) entry.instance = instance;
  const publishTime = attributeValue(element, "publishTime");
  if (publishTime !== undefined) entry.publishTime = publishTime;
  const container = optionalUnsigned(element, "container");
  if (container !== undefined) entry.container = container;
  const version = optionalUnsigned(element, "version");
  if (version !== undefined) entry.version = version;
  const expireType = attributeValue(element, "expireType");
  if (expireType !== undefined) entry.expireType = expireType as ExpireType;
  const expires = optionalUnsigned(element, "expires");
  if (expires !== undefined) entry.expires = expires;
  if (element.children.length > 1) {
    throw new PresDocumentError(`category ${entry.name} holds more than one element`);
  }
  if (element.children.length === 1) entry.content = element.children[0];
  return entry;
}

/**
 * Reads a categories document; throws {@link PresDocumentError} when it breaks the grammar.
 *
 * @example
 * ```ts
 * parseEventCategories('<categories xmlns="http://schemas.microsoft.com/2006/09/sip/categories" uri="sip:a@b"/>');
 * ```
 */
export function parseEventCategories(text: string): CategoriesDocument {
  return readCategoriesElement(readDocument(text, "categories", PRES_NAMESPACES.categories));
}
