/**
 * The batched notification (MS-SIP §3.3.5.1, RFC 4662 §5; MS-PRES.md §4.5): a
 * `multipart/related; type="application/rlmi+xml"` body whose root part is the RLMI list of
 * the batch's resources — each with the state of its instance (`active`, `pending`,
 * `terminated`, `resubscribe` with an optional `poolFqdn`) and the Content-ID of its part — and
 * one `application/msrtc-event-categories+xml` part per resource with categories.
 *
 * @example
 * ```ts
 * const { contentType, body } = formatBatchedNotify(batch);
 * parseBatchedNotify(contentType, body).parts.length;
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
  requireUnsigned,
} from "./document_reader.ts";
import {
  type CategoriesDocument,
  formatEventCategories,
  parseEventCategories,
} from "./event_categories.ts";
import { PRES_CONTENT_TYPES, PRES_NAMESPACES } from "./namespaces.ts";

/** RFC 4662 §5.2 instance states, plus MS-SIP's `resubscribe`. */
export type RlmiInstanceState = "active" | "pending" | "terminated" | "resubscribe";

const STATES: readonly RlmiInstanceState[] = ["active", "pending", "terminated", "resubscribe"];

/** One resource of the list. */
export interface RlmiResource {
  uri: string;
  state: RlmiInstanceState;
  /** Instance id (RFC 4662 §5.2); default "0". */
  id?: string;
  /** Content-ID of the resource's part, when it has one. */
  cid?: string;
  /** RFC 4662 §5.2: why a terminated instance ended (e.g. "noresource"). */
  reason?: string;
  /** MS-PRES.md §4.5: the pool that serves a `resubscribe` resource. */
  poolFqdn?: string;
}

/** The RLMI list. */
export interface RlmiList {
  uri: string;
  version: number;
  fullState: boolean;
  resources: RlmiResource[];
}

/** A whole batched notification. */
export interface BatchedNotify {
  list: RlmiList;
  /** Category documents by Content-ID (the resource's `cid`). */
  parts: Array<{ contentId: string; categories: CategoriesDocument }>;
}

const START = "resourceList";

/**
 * Writes the multipart body and its Content-Type (RFC 2387: `type` and `start` name the root).
 *
 * @example
 * ```ts
 * formatBatchedNotify({ list: { uri: "sip:a@b", version: 1, fullState: true, resources: [] }, parts: [] });
 * ```
 */
export function formatBatchedNotify(
  notify: BatchedNotify,
  boundary = `pres${crypto.randomUUID().replaceAll("-", "")}`,
): { contentType: string; body: string } {
  const list = writeXml(
    xmlNode(
      "list",
      [
        ["xmlns", PRES_NAMESPACES.rlmi],
        ["uri", notify.list.uri],
        ["version", notify.list.version],
        ["fullState", notify.list.fullState],
      ],
      notify.list.resources.map((r) =>
        xmlNode("resource", [["uri", r.uri]], [
          xmlNode("instance", [
            ["id", r.id ?? "0"],
            ["state", r.state],
            ["cid", r.cid],
            ["reason", r.reason],
            ["poolFqdn", r.poolFqdn],
          ]),
        ])
      ),
    ),
  );
  const parts = [
    part(PRES_CONTENT_TYPES.rlmi, START, list),
    ...notify.parts.map((p) =>
      part(PRES_CONTENT_TYPES.eventCategories, p.contentId, formatEventCategories(p.categories))
    ),
  ];
  const body = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("") + `--${boundary}--\r\n`;
  return {
    contentType:
      `multipart/related; type="${PRES_CONTENT_TYPES.rlmi}"; start=${START}; boundary=${boundary}`,
    body,
  };
}

function part(contentType: string, contentId: string, body: string): string {
  return `Content-Type: ${contentType}\r\nContent-ID: ${contentId}\r\n\r\n${body}`;
}

/**
 * Reads a batched notification; throws {@link PresDocumentError} when the Content-Type has no
 * boundary, the root part is missing, or a part breaks its grammar.
 *
 * @example
 * ```ts
 * parseBatchedNotify(notify.header("content-type")!, notify.bodyText).list.resources;
 * ```
 */
export function parseBatchedNotify(contentType: string, body: string): BatchedNotify {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType.trim()) || boundary === undefined) {
    throw new PresDocumentError("not a multipart/related body with a boundary");
  }
  const segments = body.split(`--${boundary}`);
  const closing = segments.findIndex((s) => s.startsWith("--"));
  if (closing < 0) throw new PresDocumentError("multipart body without its closing boundary");
  const parts = segments.slice(1, closing).map(readPart);
  const root = parts.find((p) => p.contentType.startsWith(PRES_CONTENT_TYPES.rlmi));
  if (root === undefined) throw new PresDocumentError("batched notification without rlmi part");
  const listElement = readDocument(root.body, "list", PRES_NAMESPACES.rlmi);
  const list: RlmiList = {
    uri: requireAttribute(listElement, "uri"),
    version: requireUnsigned(listElement, "version"),
    fullState: attributeValue(listElement, "fullState") === "true",
    resources: childrenNamed(listElement, "resource").map((r) => {
      const instance = childrenNamed(r, "instance")[0];
      if (instance === undefined) throw new PresDocumentError("rlmi resource without instance");
      const state = requireAttribute(instance, "state") as RlmiInstanceState;
      if (!STATES.includes(state)) throw new PresDocumentError(`unknown rlmi state "${state}"`);
      const resource: RlmiResource = { uri: requireAttribute(r, "uri"), state };
      for (const key of ["id", "cid", "reason", "poolFqdn"] as const) {
        const value = attributeValue(instance, key);
        if (value !== undefined) resource[key] = value;
      }
      return resource;
    }),
  };
  return {
    list,
    parts: parts.filter((p) => p !== root).map((p) => ({
      contentId: p.contentId,
      categories: parseEventCategories(p.body),
    })),
  };
}

function readPart(segment: string): { contentType: string; contentId: string; body: string } {
  const text = segment.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
  const split = text.search(/\r?\n\r?\n/);
  if (split < 0) throw new PresDocumentError("multipart part without a header/body separator");
  const headers = text.slice(0, split).split(/\r?\n/);
  const body = text.slice(split).replace(/^\r?\n\r?\n/, "");
  const header = (name: string) =>
    headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  return {
    contentType: header("content-type") ?? "text/plain",
    contentId: (header("content-id") ?? "").replace(/^<|>$/g, ""),
    body,
  };
}
