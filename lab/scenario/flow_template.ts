/**
 * Message templates of a flow, with SIPp-compatible placeholders:
 *
 * - `[keyword]` — a value the runtime provides (see {@link TEMPLATE_KEYWORDS}); `[len]` is the
 *   byte length of the rendered body, for `Content-Length: [len]`;
 * - `[$name]` — a flow variable (from `vars` or captured by an earlier `expect`);
 * - `[last_Name]` — the value(s) of header `Name` in the last received message, comma-joined;
 *   `[last_Name:]` — the whole header line(s), `Name: value`, one per occurrence (for copying
 *   Via, From, To, Call-ID and CSeq into a response, RFC 3261 §8.2.6.2).
 *
 * Rendering turns the template into wire form: lines end with CRLF, the headers end with an
 * empty line (RFC 3261 §7), header lines that render empty are dropped, and trailing empty
 * lines of the body are removed.
 *
 * @module
 */

import { headerKey } from "../sip/message/header_names.ts";
import { type RawHeaderField, rawHeaderFields } from "./raw_headers.ts";

/** Built-in keywords and what the runtime puts there. */
export const TEMPLATE_KEYWORDS = {
  call_id: "Call-ID of the current call (one per flow iteration)",
  call_number: "sequence number of the current iteration in the run (1, 2, ...)",
  cseq: "CSeq number of the request being sent",
  branch: "a fresh Via branch starting with z9hG4bK (RFC 3261 §8.1.1.7), new for every send",
  from_tag: "the local tag of the dialog",
  peer_tag_param: "';tag=' plus the remote tag of the dialog, or empty before it is known",
  local_ip: "local IP address of the socket",
  local_port: "local port of the socket",
  remote_ip: "IP address of the target",
  remote_port: "port of the target",
  transport: "transport as written in Via: UDP, TCP, TLS, WS or WSS",
  service: "user part of the called address (the callee)",
  user: "user part of the simulated user's address",
  domain: "SIP domain of the simulated user",
  media_ip: "IP address for media in SDP",
  media_port: "RTP port for media in SDP",
  len: "byte length of the rendered body (computed, for Content-Length)",
} as const;

/** A built-in keyword name. */
export type TemplateKeyword = keyof typeof TEMPLATE_KEYWORDS;

/** The keywords the runtime supplies (all but the computed `len`). */
export type SuppliedKeyword = Exclude<TemplateKeyword, "len">;

/** What a template is rendered with. */
export interface TemplateContext {
  readonly keywords: Readonly<Partial<Record<SuppliedKeyword, string | number>>>;
  readonly vars: Readonly<Record<string, string | number>>;
  /** Text of the last received message, for `[last_*]`. */
  readonly lastMessage?: string;
}

/** One placeholder found in a template. */
export type TemplatePlaceholder =
  | { readonly kind: "keyword"; readonly name: string; readonly offset: number }
  | { readonly kind: "var"; readonly name: string; readonly offset: number }
  | {
    readonly kind: "last";
    readonly name: string;
    readonly wholeLine: boolean;
    readonly offset: number;
  };

/** A template that cannot be rendered (a value is missing). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Placeholder syntax; anything else in brackets (an IPv6 reference like [::1]) is literal. */
const PLACEHOLDER = /\[(\$[A-Za-z_][A-Za-z0-9_]*|last_[A-Za-z0-9!%*_+`'~.-]+?:?|[a-z][a-z_]*)\]/g;

/**
 * The placeholders of a template, in order, with their character offsets.
 *
 * @example
 * ```ts
 * scanTemplate("To: [$to][peer_tag_param]");
 * // [{ kind: "var", name: "to", offset: 4 }, { kind: "keyword", name: "peer_tag_param", offset: 9 }]
 * ```
 */
export function scanTemplate(template: string): TemplatePlaceholder[] {
  const found: TemplatePlaceholder[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const inner = match[1];
    const offset = match.index;
    if (inner.startsWith("$")) found.push({ kind: "var", name: inner.slice(1), offset });
    else if (inner.startsWith("last_")) {
      const wholeLine = inner.endsWith(":");
      const name = inner.slice(5, wholeLine ? -1 : undefined);
      found.push({ kind: "last", name, wholeLine, offset });
    } else found.push({ kind: "keyword", name: inner, offset });
  }
  return found;
}

/** True when `name` is a built-in keyword. */
export function isTemplateKeyword(name: string): name is TemplateKeyword {
  return Object.hasOwn(TEMPLATE_KEYWORDS, name);
}

/**
 * Render a template into the text of a SIP message (CRLF line ends, `[len]` computed).
 *
 * @example
 * ```ts
 * renderTemplate("OPTIONS sip:[service]@[remote_ip] SIP/2.0\nContent-Length: [len]\n", {
 *   keywords: { service: "echo", remote_ip: "127.0.0.1" }, vars: {},
 * });
 * // "OPTIONS sip:echo@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n"
 * ```
 */
export function renderTemplate(template: string, context: TemplateContext): string {
  const lines = template.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  const blank = lines.findIndex((line) => line.trim() === "");
  const headerLines = blank < 0 ? lines : lines.slice(0, blank);
  const bodyLines = blank < 0 ? [] : lines.slice(blank + 1);
  while (bodyLines.length > 0 && bodyLines.at(-1)!.trim() === "") bodyLines.pop();

  const lastFields = context.lastMessage === undefined
    ? undefined
    : rawHeaderFields(context.lastMessage);
  const substitute = (line: string, length: number | undefined) =>
    line.replace(PLACEHOLDER, (whole, inner: string) => {
      if (inner.startsWith("$")) return variableValue(inner.slice(1), context);
      if (inner.startsWith("last_")) return lastHeader(inner.slice(5), lastFields, whole);
      if (inner !== "len") return keywordValue(inner, context);
      if (length === undefined) {
        throw new TemplateError("[len] belongs in the headers, not the body");
      }
      return String(length);
    });

  const bodyText = bodyLines.length === 0
    ? ""
    : `${bodyLines.map((line) => substitute(line, undefined)).join("\r\n")}\r\n`;
  const length = new TextEncoder().encode(bodyText).length;
  const headers = headerLines
    .map((line) => substitute(line, length))
    .join("\r\n")
    .split("\r\n")
    .filter((line) => line.trim() !== "");
  return `${headers.join("\r\n")}\r\n\r\n${bodyText}`;
}

function variableValue(name: string, context: TemplateContext): string {
  const value = context.vars[name];
  if (value === undefined) throw new TemplateError(`variable $${name} has no value`);
  return String(value);
}

function keywordValue(name: string, context: TemplateContext): string {
  if (!isTemplateKeyword(name)) throw new TemplateError(`unknown keyword [${name}]`);
  const value = context.keywords[name as SuppliedKeyword];
  if (value === undefined) throw new TemplateError(`no value for [${name}]`);
  return String(value);
}

/** `[last_Name]` → values comma-joined; `[last_Name:]` → full lines, CRLF-joined. */
function lastHeader(
  spec: string,
  fields: readonly RawHeaderField[] | undefined,
  placeholder: string,
): string {
  if (fields === undefined) throw new TemplateError(`${placeholder} needs a received message`);
  const wholeLine = spec.endsWith(":");
  const name = wholeLine ? spec.slice(0, -1) : spec;
  const key = headerKey(name);
  const matching = fields.filter((field) => field.key === key);
  return wholeLine
    ? matching.map((field) => `${field.name}: ${field.value}`).join("\r\n")
    : matching.map((field) => field.value).join(", ");
}
