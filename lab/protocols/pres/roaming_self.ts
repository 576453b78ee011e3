/**
 * The self subscription (MS-PRES.md §4.6): the `roamingList` body of the SUBSCRIBE
 * (`Event: vnd-microsoft-roaming-self`) naming what the endpoint wants — categories,
 * containers, subscribers — and the `roamingData` notification carrying the publisher's full
 * self view of each (categories with container, version and expiry).
 *
 * @example
 * ```ts
 * parseRoamingList(formatRoamingList(["categories", "containers"])); // ["categories", "containers"]
 * ```
 *
 * @module
 */
import { writeXml, type XmlNode, xmlNode } from "../xml/mod.ts";
import {
  childrenNamed,
  PresDocumentError,
  readDocument,
  requireAttribute,
} from "./document_reader.ts";
import {
  type CategoriesDocument,
  categoriesNode,
  readCategoriesElement,
} from "./event_categories.ts";
import { type ContainerEntry, containersNode, readContainersElement } from "./containers.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";
import { readSubscribersElement, type SubscriberEntry, subscribersNode } from "./subscribers.ts";

/** What a self subscription may ask for. */
export type RoamingType = "categories" | "containers" | "subscribers";

const ROAMING_TYPES: readonly RoamingType[] = ["categories", "containers", "subscribers"];

/** A roamingData notification; each part present only when subscribed and sent. */
export interface RoamingData {
  categories?: CategoriesDocument;
  containers?: ContainerEntry[];
  subscribers?: SubscriberEntry[];
}

/**
 * Reads a roamingList; throws {@link PresDocumentError} on an unknown roaming type.
 *
 * @example
 * ```ts
 * parseRoamingList(body); // ["categories", "containers", "subscribers"]
 * ```
 */
export function parseRoamingList(text: string): RoamingType[] {
  const root = readDocument(text, "roamingList", PRES_NAMESPACES.roamingSelf);
  return childrenNamed(root, "roaming").map((r) => {
    const type = requireAttribute(r, "type") as RoamingType;
    if (!ROAMING_TYPES.includes(type)) throw new PresDocumentError(`unknown roaming "${type}"`);
    return type;
  });
}

/**
 * Writes a roamingList.
 *
 * @example
 * ```ts
 * formatRoamingList(["categories", "containers", "subscribers"]);
 * ```
 */
export function formatRoamingList(types: readonly RoamingType[]): string {
  return writeXml(
    xmlNode(
      "roamingList",
      [["xmlns", PRES_NAMESPACES.roamingSelf]],
      types.map((type) => xmlNode("roaming", [["type", type]])),
    ),
  );
}

/**
 * Writes a roamingData notification.
 *
 * @example
 * ```ts
 * formatRoamingData({ subscribers: [{ user: "bob@lab.test", acknowledged: false }] });
 * ```
 */
export function formatRoamingData(data: RoamingData): string {
  const children: XmlNode[] = [];
  if (data.categories !== undefined) children.push(categoriesNode(data.categories));
  if (data.containers !== undefined) children.push(containersNode(data.containers));
  if (data.subscribers !== undefined) children.push(subscribersNode(data.subscribers));
  return writeXml(xmlNode("roamingData", [["xmlns", PRES_NAMESPACES.roamingSelf]], children));
}

/**
 * Reads a roamingData notification.
 *
 * @example
 * ```ts
 * parseRoamingData(body).containers?.length;
 * ```
 */
export function parseRoamingData(text: string): RoamingData {
  const root = readDocument(text, "roamingData", PRES_NAMESPACES.roamingSelf);
  const data: RoamingData = {};
  for (const child of root.children) {
    if (child.localName === "categories") data.categories = readCategoriesElement(child);
    else if (child.localName === "containers") data.containers = readContainersElement(child);
    else if (child.localName === "subscribers") data.subscribers = readSubscribersElement(child);
  }
  return data;
}
