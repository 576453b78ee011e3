/**
 * The first message of an IM session carried in its INVITE (IM.md §2): the `ms-text-format`
 * header, `text/plain; charset=UTF-8;msgr=<format>;ms-body=<base64 message>`, and the
 * `msgr` parameter, the base64 of the UTF-16LE text `X-MMS-IM-Format: FN=…; EF=…; CO=…;
 * CS=…; PF=…` (font name, effects, colour, charset, pitch and family) also found on MESSAGE
 * Content-Types (IM.md §3).
 *
 * @module
 */
import { parseContentType } from "./content_type.ts";

/** The header field name (MS-SIP extension header, lowercase on the wire). */
export const MS_TEXT_FORMAT_HEADER = "ms-text-format";
/** The option tag a callee answers with once it consumed the first message (IM.md §2). */
export const MS_TEXT_FORMAT_OPTION = "ms-text-format";

/** A first message. */
export interface FirstMessage {
  /** Media type of the message, e.g. "text/plain". */
  readonly mediaType: string;
  readonly text: string;
  /** The decoded `msgr` formatting text, when present. */
  readonly format?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * The `msgr` parameter value for a formatting text: base64 of its UTF-16LE code units.
 *
 * @example
 * ```ts
 * encodeMsgr("X-MMS-IM-Format: FN=Segoe%20UI; EF=; CO=0; CS=0; PF=0"); // "WAAtAE0ATQBTAC0A…"
 * ```
 */
export function encodeMsgr(format: string): string {
  const bytes = new Uint8Array(format.length * 2);
  for (let i = 0; i < format.length; i++) {
    const unit = format.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >> 8;
  }
  return toBase64(bytes);
}

/**
 * Decodes a `msgr` value; undefined when it is not base64 of whole UTF-16 code units.
 *
 * @example
 * ```ts
 * decodeMsgr(encodeMsgr("X-MMS-IM-Format: FN=Arial")); // "X-MMS-IM-Format: FN=Arial"
 * ```
 */
export function decodeMsgr(value: string): string | undefined {
  const bytes = fromBase64(value);
  if (bytes === undefined || bytes.length % 2 !== 0) return undefined;
  let out = "";
  for (let i = 0; i < bytes.length; i += 2) {
    out += String.fromCharCode(bytes[i] | bytes[i + 1] << 8);
  }
  return out;
}

/**
 * The `ms-text-format` header value for a first message.
 *
 * @example
 * ```ts
 * formatMsTextFormat({ mediaType: "text/plain", text: "hi" });
 * // "text/plain; charset=UTF-8;ms-body=aGk="
 * ```
 */
export function formatMsTextFormat(message: FirstMessage): string {
  let value = `${message.mediaType}; charset=UTF-8`;
  if (message.format !== undefined) value += `;msgr=${encodeMsgr(message.format)}`;
  return `${value};ms-body=${toBase64(encoder.encode(message.text))}`;
}

/**
 * Reads an `ms-text-format` header value; undefined when it has no decodable `ms-body`.
 *
 * @example
 * ```ts
 * parseMsTextFormat("text/plain; charset=UTF-8;ms-body=aGk=")?.text; // "hi"
 * ```
 */
export function parseMsTextFormat(value: string): FirstMessage | undefined {
  const parsed = parseContentType(value);
  const body = parsed?.params.get("ms-body");
  if (parsed === undefined || body === undefined) return undefined;
  const bytes = fromBase64(body);
  if (bytes === undefined) return undefined;
  const msgr = parsed.params.get("msgr");
  const format = msgr === undefined ? undefined : decodeMsgr(msgr);
  const text = decoder.decode(bytes);
  return format === undefined
    ? { mediaType: parsed.mediaType, text }
    : { mediaType: parsed.mediaType, text, format };
}
