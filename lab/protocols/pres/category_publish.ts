/**
 * The category publication document, `application/msrtc-category-publish+xml` (MS-PRES
 * §2.2.2.x; MS-PRES.md §4.1): a list of publications, each naming a category instance by
 * (categoryName, instance, container), the version the publisher believes current, its expiry
 * type and, unless it deletes the instance (`expires="0"`), exactly one category element.
 *
 * @example
 * ```ts
 * const doc = parseCategoryPublish(body);
 * doc.publications[0].categoryName; // "state"
 * formatCategoryPublish(doc); // the same document back
 * ```
 *
 * @module
 */
import { attributeValue, writeXml, type XmlElement, xmlNode } from "../xml/mod.ts";
import {
  childrenNamed,
  optionalUnsigned,
  PresDocumentError,
  readDocument,
  requireAttribute,
  requireChild,
  requireUnsigned,
} from "./document_reader.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** MS-PRES.md §4.1: how a category instance ends. */
export type ExpireType = "static" | "user" | "endpoint" | "time";

const EXPIRE_TYPES: readonly ExpireType[] = ["static", "user", "endpoint", "time"];

/** One `publication` element. */
export interface Publication {
  categoryName: string;
  /** uint32 instance id; any value is accepted (MS-PRES.md §3 instance ids). */
  instance: number;
  container: number;
  /** The version the publisher believes is current; 0 for a new instance. */
  version: number;
  expireType: ExpireType;
  /** Seconds; required for `time`; 0 deletes the instance. */
  expires?: number;
  /** The category element; absent when deleting. */
  content?: XmlElement;
}

/** The whole publish document. */
export interface CategoryPublish {
  /** `publications@uri`: the publishing user. */
  uri?: string;
  publications: Publication[];
}

/**
 * Whether `publication` deletes its instance (MS-PRES.md §4.1: same key and `expires="0"`).
 *
 * @example
 * ```ts
 * isDeletion({ categoryName: "note", instance: 0, container: 400, version: 3, expireType: "static", expires: 0 }); // true
 * ```
 */
export function isDeletion(publication: Publication): boolean {
  return publication.expires === 0;
}

/**
 * Reads a publish document; throws {@link PresDocumentError} when it breaks the grammar: wrong
 * root or namespace, a publication without categoryName/instance/container/version, an unknown
 * expireType, `time` without `expires`, or a non-deleting publication whose content is not
 * exactly one element named like its category.
 *
 * @example
 * ```ts
 * parseCategoryPublish('<publish xmlns="http://schemas.microsoft.com/2006/09/sip/rich-presence"><publications uri="sip:a@b"/></publish>');
 * ```
 */
export function parseCategoryPublish(text: string): CategoryPublish {
  const root = readDocument(text, "publish", PRES_NAMESPACES.richPresence);
  const list = requireChild(root, "publications");
  const publications = childrenNamed(list, "publication").map(readPublication);
  const doc: CategoryPublish = { publications };
  const uri = attributeValue(list, "uri");
  if (uri !== undefined) doc.uri = uri;
  return doc;
}

function readPublication(element: XmlElement): Publication {
  const categoryName = requireAttribute(element, "categoryName");
  const expireType = (attributeValue(element, "expireType") ?? "static") as ExpireType;
  if (!EXPIRE_TYPES.includes(expireType)) {
    throw new PresDocumentError(`unknown expireType "${expireType}"`);
  }
  const publication: Publication = {
    categoryName,
    instance: requireUnsigned(element, "instance"),
    container: requireUnsigned(element, "container"),
    version: requireUnsigned(element, "version"),
    expireType,
  };
  const expires = optionalUnsigned(element, "expires");
  if (expires !== undefined) publication.expires = expires;
  if (expireType === "time" && expires === undefined) {
    throw new PresDocumentError(`publication of ${categoryName}: expireType time needs expires`);
  }
  if (isDeletion(publication)) return publication;
  if (element.children.length !== 1) {
    throw new PresDocumentError(
      `publication of ${categoryName} must hold exactly one category element`,
    );
  }
  const content = element.children[0];
  if (content.localName !== categoryName) {
    throw new PresDocumentError(
      `publication of ${categoryName} holds <${content.localName}>`,
    );
  }
  publication.content = content;
  return publication;
}

/**
 * Writes a publish document.
 *
 * @example
 * ```ts
 * formatCategoryPublish({ uri: "sip:alice@lab.test", publications: [] });
 * ```
 */
export function formatCategoryPublish(doc: CategoryPublish): string {
  return writeXml(
    xmlNode("publish", [["xmlns", PRES_NAMESPACES.richPresence]], [
      xmlNode(
        "publications",
        [["uri", doc.uri]],
        doc.publications.map((p) =>
          xmlNode(
            "publication",
            [
              ["categoryName", p.categoryName],
              ["instance", p.instance],
              ["container", p.container],
              ["version", p.version],
              ["expireType", p.expireType],
              ["expires", p.expires],
            ],
            p.content === undefined ? [] : [p.content],
          )
        ),
      ),
    ]),
  );
}
