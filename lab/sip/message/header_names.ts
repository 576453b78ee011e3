/**
 * Header names: compact forms (RFC 3261 §7.3.3 and the registries that extend it) and the
 * canonical spelling used when serializing (§7.3.1: field names are case-insensitive).
 *
 * @module
 */

/** Compact form → long form, lowercase (RFC 3261 §7.3.3, RFC 3265 §7.3.3, RFC 3515, RFC 3892, RFC 4028, RFC 3841). */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: "call-id",
  m: "contact",
  e: "content-encoding",
  l: "content-length",
  c: "content-type",
  f: "from",
  s: "subject",
  k: "supported",
  t: "to",
  v: "via",
  o: "event",
  u: "allow-events",
  r: "refer-to",
  b: "referred-by",
  x: "session-expires",
  a: "accept-contact",
  j: "reject-contact",
  d: "request-disposition",
  y: "identity",
  n: "identity-info",
};

const CANONICAL: Record<string, string> = {
  "call-id": "Call-ID",
  "cseq": "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "mime-version": "MIME-Version",
  "rack": "RAck",
  "rseq": "RSeq",
  "sip-etag": "SIP-ETag",
  "sip-if-match": "SIP-If-Match",
  "p-asserted-identity": "P-Asserted-Identity",
  "p-preferred-identity": "P-Preferred-Identity",
  "ms-diagnostics": "ms-diagnostics",
  "ms-diagnostics-public": "ms-diagnostics-public",
};

/**
 * The lookup key of a header name: lowercase long form.
 *
 * @example
 * ```ts
 * headerKey("v") === "via"; headerKey("CALL-ID") === "call-id";
 * ```
 */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT_FORMS[lower] ?? lower) : lower;
}

/**
 * The spelling written on the wire for a header key: the registry's canonical form, else
 * each dash-separated word capitalised ("max-forwards" → "Max-Forwards").
 *
 * @example
 * ```ts
 * canonicalHeaderName("cseq"); // "CSeq"
 * canonicalHeaderName("record-route"); // "Record-Route"
 * ```
 */
export function canonicalHeaderName(key: string): string {
  const known = CANONICAL[key];
  if (known) return known;
  if (key.startsWith("ms-") || key.startsWith("x-ms-")) return key; // Microsoft headers are lowercase on the wire
  return key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** A header name as resolved once: lookup key and wire spelling. */
export interface ResolvedHeaderName {
  readonly key: string;
  readonly name: string;
}

const resolved = new Map<string, ResolvedHeaderName>();
/** Bound on remembered spellings, so hostile peers sending random names cannot grow it. */
const RESOLVED_LIMIT = 2048;

/**
 * Resolves a header name as received (any case, compact or long) to its key and canonical
 * spelling, remembering the answer for the next message (the parser's hot path).
 *
 * @example
 * ```ts
 * resolveHeaderName("v"); // { key: "via", name: "Via" }
 * ```
 */
export function resolveHeaderName(raw: string): ResolvedHeaderName {
  const hit = resolved.get(raw);
  if (hit) return hit;
  const key = headerKey(raw);
  const entry = { key, name: canonicalHeaderName(key) };
  if (resolved.size < RESOLVED_LIMIT) resolved.set(raw, entry);
  return entry;
}
