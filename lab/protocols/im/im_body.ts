/**
 * What an IM endpoint makes of a MESSAGE body (IM.md §3, §4, §8): a text it can show (plain,
 * HTML, RTF, or the best alternative of a multipart/alternative), a composition indication
 * (RFC 3994), or a type it does not take — answered 415 with Accept (RFC 3261 §21.4.13).
 *
 * @module
 */
import { parseContentType } from "./content_type.ts";
import { type IsComposing, ISCOMPOSING_CONTENT_TYPE, parseIsComposing } from "./is_composing.ts";
import { decodeMsgr } from "./ms_text_format.ts";
import { chooseAlternative, parseMultipart } from "./multipart.ts";

/** Text types an IM endpoint displays (IM.md §3). */
export const DISPLAYED_TEXT_TYPES: ReadonlySet<string> = new Set([
  "text/plain",
  "text/html",
  "text/rtf",
]);

/** A MESSAGE body as the receiver reads it. */
export type ImBody =
  | {
    kind: "text";
    /** The media type shown (for multipart, the chosen alternative's). */
    mediaType: string;
    text: string;
    /** Decoded `msgr` formatting (IM.md §3), when given. */
    format?: string;
    /** True when the text came out of a multipart/alternative. */
    alternative: boolean;
  }
  /** RFC 3994; `document` undefined when the XML was malformed (ignored, still 200). */
  | { kind: "composing"; document: IsComposing | undefined }
  /** A type the endpoint does not take: 415 with Accept. */
  | { kind: "unsupported"; mediaType: string };

const decoder = new TextDecoder();

/**
 * Reads a MESSAGE body of Content-Type `contentType`.
 *
 * @example
 * ```ts
 * readImBody("text/plain; charset=UTF-8", new TextEncoder().encode("hi"));
 * // { kind: "text", mediaType: "text/plain", text: "hi", alternative: false }
 * ```
 */
export function readImBody(contentType: string | undefined, body: Uint8Array): ImBody {
  const type = parseContentType(contentType ?? "text/plain");
  if (type === undefined) return { kind: "unsupported", mediaType: contentType ?? "" };
  const text = decoder.decode(body);
  if (DISPLAYED_TEXT_TYPES.has(type.mediaType)) {
    const msgr = type.params.get("msgr");
    const format = msgr === undefined ? undefined : decodeMsgr(msgr);
    return format === undefined
      ? { kind: "text", mediaType: type.mediaType, text, alternative: false }
      : { kind: "text", mediaType: type.mediaType, text, format, alternative: false };
  }
  if (type.mediaType === "multipart/alternative") {
    const parts = parseMultipart(contentType as string, text);
    const best = parts === undefined
      ? undefined
      : chooseAlternative(parts, (t) => DISPLAYED_TEXT_TYPES.has(t.mediaType));
    if (best === undefined) return { kind: "unsupported", mediaType: type.mediaType };
    const chosen = parseContentType(best.contentType)?.mediaType ?? "text/plain";
    return { kind: "text", mediaType: chosen, text: best.body, alternative: true };
  }
  if (type.mediaType === ISCOMPOSING_CONTENT_TYPE) {
    return { kind: "composing", document: parseIsComposing(text) };
  }
  return { kind: "unsupported", mediaType: type.mediaType };
}
