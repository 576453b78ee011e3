/**
 * The XML of MS-SIPREGE in-band provisioning (MS-SIPREGE 2.2.2): reading the client's
 * `provisioningGroupList` request (2.2.2.1, 2.2.2.4) and writing the server's
 * `provisionGroupList` answer (2.2.2.5, example 4.2.2).
 *
 * @example
 * ```ts
 * readProvisioningRequest(body); // { ok: true, groups: ["ServerConfiguration", "ucPolicy"] }
 * formatProvisionGroupList(LAB_PROVISIONING_GROUPS, ["ucPolicy"]);
 * ```
 *
 * @module
 */
import {
  attributeValue,
  escapeXmlAttribute,
  escapeXmlText,
  parseXml,
  XmlSyntaxError,
} from "../../lab/protocols/xml/mod.ts";

/** MS-SIPREGE 2.2.2.1: the request body's namespace. */
export const PROVISIONING_REQUEST_NAMESPACE =
  "http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist";

/** MS-SIPREGE 2.2.2.5: the answer body's namespace. */
export const PROVISIONING_RESPONSE_NAMESPACE =
  "http://schemas.microsoft.com/2006/09/sip/provisiongrouplist-notification";

/** MS-SIPREGE 2.2.2: Event, Accept and Content-Type of provisioning v2. */
export const PROVISIONING_EVENT = "vnd-microsoft-provisioning-v2";
export const PROVISIONING_CONTENT_TYPE = "application/vnd-microsoft-roaming-provisioning-v2+xml";

/** One provision group: its name and the XML inside it (already escaped). */
export interface ProvisionGroup {
  name: string;
  /** Child elements, serialized. */
  xml: string;
}

/** What a provisioning request body asks for. */
export type ProvisioningRequest =
  | { ok: true; groups: string[] }
  | { ok: false; detail: string };

/**
 * Reads a `provisioningGroupList` (MS-SIPREGE 2.2.2.4: at least one `provisioningGroup`, each
 * with a `name`).
 *
 * @example
 * ```ts
 * readProvisioningRequest("<x/>"); // { ok: false, detail: "root is x, not provisioningGroupList" }
 * ```
 */
export function readProvisioningRequest(text: string): ProvisioningRequest {
  let root;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { ok: false, detail: e.message };
    throw e;
  }
  if (root.localName !== "provisioningGroupList") {
    return { ok: false, detail: `root is ${root.localName}, not provisioningGroupList` };
  }
  if (root.namespace !== PROVISIONING_REQUEST_NAMESPACE) {
    return { ok: false, detail: `namespace ${root.namespace ?? "(none)"} is not provisioning's` };
  }
  const groups: string[] = [];
  for (const child of root.children) {
    if (child.localName !== "provisioningGroup" || child.namespace !== root.namespace) continue;
    const name = attributeValue(child, "name");
    if (name === undefined || name === "") {
      return { ok: false, detail: "provisioningGroup without name" };
    }
    groups.push(name);
  }
  if (groups.length === 0) return { ok: false, detail: "no provisioningGroup" };
  return { ok: true, groups };
}

/**
 * The `provisionGroupList` answer with the groups asked for (all of them when `asked` is
 * undefined), in the server's order; groups the server does not have are left out.
 *
 * @example
 * ```ts
 * formatProvisionGroupList([{ name: "ucPolicy", xml: "" }], ["ucPolicy"]);
 * // '<provisionGroupList xmlns="…provisiongrouplist-notification"><provisionGroup name="ucPolicy"></provisionGroup></provisionGroupList>'
 * ```
 */
export function formatProvisionGroupList(
  groups: readonly ProvisionGroup[],
  asked: readonly string[] | undefined,
): string {
  const wanted = asked === undefined ? undefined : new Set(asked.map((g) => g.toLowerCase()));
  const parts = groups
    .filter((g) => wanted === undefined || wanted.has(g.name.toLowerCase()))
    .map((g) => `<provisionGroup name="${escapeXmlAttribute(g.name)}">${g.xml}</provisionGroup>`);
  return `<provisionGroupList xmlns="${PROVISIONING_RESPONSE_NAMESPACE}">${parts.join("")}` +
    `</provisionGroupList>`;
}

/** `<name>value</name>` with the value escaped. */
function element(name: string, value: string): string {
  return `<${name}>${escapeXmlText(value)}</${name}>`;
}

/** `<propertyEntryList>` of name/value properties (MS-SIPREGE 2.2.2.5.x groups). */
function properties(entries: ReadonlyArray<[string, string]>): string {
  return "<propertyEntryList>" +
    entries.map(([n, v]) =>
      `<property name="${escapeXmlAttribute(n)}">${escapeXmlText(v)}</property>`
    ).join("") +
    "</propertyEntryList>";
}

/**
 * The lab's provisioning data for a front end serving `domain` at `serverName`: the
 * ServerConfiguration elements clients read (MS-SIPREGE.md §6.2) and small endpointConfiguration,
 * ucPolicy, meetingPolicy and presencePolicyV2 groups.
 *
 * @example
 * ```ts
 * labProvisioningGroups("lab.test", "fe01.lab.test").map((g) => g.name)[0]; // "ServerConfiguration"
 * ```
 */
export function labProvisioningGroups(domain: string, serverName: string): ProvisionGroup[] {
  const https = `https://${serverName}`;
  return [
    {
      name: "ServerConfiguration",
      xml: [
        element("absInternalServerUrl", `${https}/abs/int/handler`),
        element("absExternalServerUrl", `${https}/abs/ext/handler`),
        element("dlxInternalUrl", `${https}/groupexpansion/int/service.svc`),
        element("dlxExternalUrl", `${https}/groupexpansion/ext/service.svc`),
        element("focusFactoryUri", `sip:focus-factory@${domain};gruu;opaque=app:conf:focusfactory`),
        element("mrasUri", `sip:mras@${domain};gruu;opaque=srvr:MRAS:lab`),
        element("ucPC2PCAVEncryption", "SupportEncryption"),
        element("ucPortRangeEnabled", "false"),
      ].join(""),
    },
    {
      name: "endpointConfiguration",
      xml: properties([["MaxPhotoSizeKB", "10"], ["EnableTracing", "false"]]),
    },
    { name: "ucPolicy", xml: properties([["EnableCallTransfer", "true"]]) },
    { name: "meetingPolicy", xml: properties([["AllowIPAudio", "true"]]) },
    { name: "presencePolicyV2", xml: properties([["EnablePresence", "true"]]) },
  ];
}
