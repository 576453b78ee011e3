/**
 * Containers (access levels) and their members (MS-PRES.md §3, §4.7): the member types a
 * container grants access by, the `container` element of roaming-self documents, and the
 * `setContainerMembers` SERVICE document that adds or removes members under a version check.
 *
 * @example
 * ```ts
 * const ops = parseSetContainerMembers(body);
 * ops[0].members[0]; // { action: "add", type: "sameEnterprise" }
 * ```
 *
 * @module
 */
import { attributeValue, writeXml, type XmlElement, type XmlNode, xmlNode } from "../xml/mod.ts";
import {
  childrenNamed,
  PresDocumentError,
  readDocument,
  requireAttribute,
  requireUnsigned,
} from "./document_reader.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** MS-PRES.md §4.7: who a member entry stands for. */
export type MemberType =
  | "user"
  | "domain"
  | "sameEnterprise"
  | "federated"
  | "publicCloud"
  | "everyone";

/** The member types, most specific first (MS-PRES.md §3: "the most specific match wins"). */
export const MEMBER_TYPES: readonly MemberType[] = [
  "user",
  "domain",
  "sameEnterprise",
  "federated",
  "publicCloud",
  "everyone",
];

/** One member of a container; `value` is required for user and domain. */
export interface ContainerMember {
  type: MemberType;
  value?: string;
}

/** A container as the roaming-self document lists it. */
export interface ContainerEntry {
  id: number;
  version: number;
  members: ContainerMember[];
}

/** One container of a setContainerMembers request. */
export interface ContainerMembersChange {
  id: number;
  /** Must equal the container's current version (else 409). */
  version: number;
  members: Array<ContainerMember & { action: "add" | "remove" }>;
}

/**
 * Reads a member element (`member@type`, `member@value`).
 *
 * @example
 * ```ts
 * readMember(parseXml('<member type="user" value="bob@lab.test"/>'));
 * ```
 */
export function readMember(element: XmlElement): ContainerMember {
  const type = requireAttribute(element, "type") as MemberType;
  if (!MEMBER_TYPES.includes(type)) throw new PresDocumentError(`unknown member type "${type}"`);
  const value = attributeValue(element, "value");
  if ((type === "user" || type === "domain") && (value === undefined || value === "")) {
    throw new PresDocumentError(`a ${type} member needs a value`);
  }
  return value === undefined ? { type } : { type, value };
}

/**
 * The `containers` element of a roaming-self document.
 *
 * @example
 * ```ts
 * writeXml(containersNode([{ id: 200, version: 1, members: [{ type: "sameEnterprise" }] }]));
 * ```
 */
export function containersNode(containers: readonly ContainerEntry[]): XmlNode {
  return xmlNode(
    "containers",
    [["xmlns", PRES_NAMESPACES.containerManagement]],
    containers.map((c) =>
      xmlNode(
        "container",
        [["id", c.id], ["version", c.version]],
        c.members.map((m) => xmlNode("member", [["type", m.type], ["value", m.value]])),
      )
    ),
  );
}

/**
 * Reads a `containers` element.
 *
 * @example
 * ```ts
 * readContainersElement(parseXml('<containers><container id="1" version="0"/></containers>'));
 * ```
 */
export function readContainersElement(element: XmlElement): ContainerEntry[] {
  return childrenNamed(element, "container").map((c) => ({
    id: requireUnsigned(c, "id"),
    version: requireUnsigned(c, "version"),
    members: childrenNamed(c, "member").map(readMember),
  }));
}

/**
 * Reads a setContainerMembers document; throws {@link PresDocumentError} on a wrong root, a
 * container without id/version, or a member with an unknown action or type.
 *
 * @example
 * ```ts
 * parseSetContainerMembers(body)[0].id; // 200
 * ```
 */
export function parseSetContainerMembers(text: string): ContainerMembersChange[] {
  const root = readDocument(text, "setContainerMembers", PRES_NAMESPACES.containerManagement);
  const containers = childrenNamed(root, "container");
  if (containers.length === 0) throw new PresDocumentError("setContainerMembers is empty");
  return containers.map((c) => ({
    id: requireUnsigned(c, "id"),
    version: requireUnsigned(c, "version"),
    members: childrenNamed(c, "member").map((m) => {
      const action = requireAttribute(m, "action");
      if (action !== "add" && action !== "remove") {
        throw new PresDocumentError(`unknown member action "${action}"`);
      }
      return { action, ...readMember(m) };
    }),
  }));
}

/**
 * Writes a setContainerMembers document.
 *
 * @example
 * ```ts
 * formatSetContainerMembers([{ id: 300, version: 2, members: [{ action: "remove", type: "user", value: "bob@lab.test" }] }]);
 * ```
 */
export function formatSetContainerMembers(changes: readonly ContainerMembersChange[]): string {
  return writeXml(
    xmlNode(
      "setContainerMembers",
      [["xmlns", PRES_NAMESPACES.containerManagement]],
      changes.map((c) =>
        xmlNode(
          "container",
          [["id", c.id], ["version", c.version]],
          c.members.map((m) =>
            xmlNode("member", [["action", m.action], ["type", m.type], ["value", m.value]])
          ),
        )
      ),
    ),
  );
}
