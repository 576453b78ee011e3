/**
 * multipart/alternative bodies (RFC 2046 §5.1.1 syntax, §5.1.4 semantics) for MESSAGE (IM.md
 * §3: plain + HTML / RTF alternatives). Parts are in increasing faithfulness: the receiver
 * shows the last part it can display.
 *
 * @module
 */
import { type ContentType, parseContentType } from "./content_type.ts";

/** One body part. */
export interface BodyPart {
  /** The part's Content-Type value (RFC 2046 §5.1: default text/plain; charset=us-ascii). */
  readonly contentType: string;
  readonly body: string;
}

/** A multipart body ready for a SIP message. */
export interface MultipartBody {
  readonly contentType: string;
  readonly body: string;
}

/**
 * Builds a multipart body: `--boundary` CRLF, the part's Content-Type, an empty line, the
 * content, CRLF, …, `--boundary--` (RFC 2046 §5.1.1). The boundary must not occur in any part.
 *
 * @example
 * ```ts
 * const m = buildMultipart("alternative", [
 *   { contentType: "text/plain; charset=UTF-8", body: "hi" },
 *   { contentType: "text/html; charset=UTF-8", body: "<b>hi</b>" },
 * ], "b1");
 * m.contentType; // 'multipart/alternative;boundary="b1"'
 * ```
 */
export function buildMultipart(
  subtype: string,
  parts: readonly BodyPart[],
  boundary: string = `sipfleet-${crypto.randomUUID()}`,
): MultipartBody {
  const delimiter = `--${boundary}`;
  if (parts.some((p) => p.body.includes(delimiter))) {
    throw new Error("the boundary occurs in a part (RFC 2046 §5.1.1)");
  }
  let body = "";
  for (const part of parts) {
    body += `${delimiter}\r\nContent-Type: ${part.contentType}\r\n\r\n${part.body}\r\n`;
  }
  body += `${delimiter}--\r\n`;
  return { contentType: `multipart/${subtype};boundary="${boundary}"`, body };
}

/**
 * Splits a multipart body into its parts; undefined when the boundary is missing or the body
 * has no closing delimiter. Preamble and epilogue are ignored (RFC 2046 §5.1.1).
 *
 * @example
 * ```ts
 * parseMultipart(m.contentType, m.body)?.map((p) => p.contentType);
 * ```
 */
export function parseMultipart(contentType: string, body: string): BodyPart[] | undefined {
  const boundary = parseContentType(contentType)?.params.get("boundary");
  if (boundary === undefined || boundary.length === 0) return undefined;
  const delimiter = `--${boundary}`;
  const parts: BodyPart[] = [];
  // The first delimiter may start the body; every later one follows a CRLF.
  let at = body.startsWith(delimiter) ? 0 : body.indexOf(`\r\n${delimiter}`);
  if (at < 0) return undefined;
  if (at > 0) at += 2;
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    if (body.startsWith("--", afterDelimiter)) return parts;
    const lineEnd = body.indexOf("\r\n", afterDelimiter);
    if (lineEnd < 0) return undefined;
    const next = body.indexOf(`\r\n${delimiter}`, lineEnd);
    if (next < 0) return undefined;
    parts.push(readPart(body.slice(lineEnd + 2, next)));
    at = next + 2;
  }
}

function readPart(text: string): BodyPart {
  const split = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
  const headerText = split < 0 ? text : text.slice(0, split);
  const content = split < 0 ? "" : text.slice(split + (split === 0 ? 2 : 4));
  let contentType = "text/plain; charset=us-ascii";
  for (const line of headerText.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === "content-type") {
      contentType = line.slice(colon + 1).trim();
    }
  }
  return { contentType, body: content };
}

/**
 * RFC 2046 §5.1.4: the last part whose media type `accepts` allows ("the best choice is the
 * LAST part of a type supported by the recipient system").
 *
 * @example
 * ```ts
 * chooseAlternative(parts, (t) => t.mediaType === "text/plain")?.body;
 * ```
 */
export function chooseAlternative(
  parts: readonly BodyPart[],
  accepts: (type: ContentType) => boolean,
): BodyPart | undefined {
  for (let i = parts.length - 1; i >= 0; i--) {
    const type = parseContentType(parts[i].contentType);
    if (type !== undefined && accepts(type)) return parts[i];
  }
  return undefined;
}
