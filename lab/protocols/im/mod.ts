/**
 * Instant messaging bodies of the Lync/OCS family (IM.md): the IM session SDP
 * (`m=message … sip null`, accept-types), the first message in the INVITE (`ms-text-format`,
 * `msgr`), the KeyboardActivity typing INFO, RFC 3994 is-composing, multipart/alternative, and
 * how a receiver reads a MESSAGE body.
 *
 * @example
 * ```ts
 * import { formatMsTextFormat, IM_ACCEPT_TYPES, imSdp, readImBody } from "./mod.ts";
 * const offer = imSdp({ address: "127.0.0.1", port: 5060, acceptTypes: IM_ACCEPT_TYPES });
 * const first = formatMsTextFormat({ mediaType: "text/plain", text: "hello" });
 * readImBody("text/html", new TextEncoder().encode("<b>hi</b>")).kind; // "text"
 * ```
 *
 * @module
 */
export { type ContentType, parseContentType } from "./content_type.ts";
export {
  IM_ACCEPT_TYPES,
  imSdp,
  type ImSdpProblem,
  type ImSessionDescription,
  parseImSdp,
  SDP_CONTENT_TYPE,
} from "./im_sdp.ts";
export {
  decodeMsgr,
  encodeMsgr,
  type FirstMessage,
  formatMsTextFormat,
  MS_TEXT_FORMAT_HEADER,
  MS_TEXT_FORMAT_OPTION,
  parseMsTextFormat,
} from "./ms_text_format.ts";
export {
  formatKeyboardActivity,
  KEYBOARD_ACTIVITY_CONTENT_TYPE,
  type KeyboardStatus,
  parseKeyboardActivity,
} from "./keyboard_activity.ts";
export {
  formatIsComposing,
  type IsComposing,
  ISCOMPOSING_CONTENT_TYPE,
  ISCOMPOSING_NAMESPACE,
  parseIsComposing,
} from "./is_composing.ts";
export {
  type BodyPart,
  buildMultipart,
  chooseAlternative,
  type MultipartBody,
  parseMultipart,
} from "./multipart.ts";
export { DISPLAYED_TEXT_TYPES, type ImBody, readImBody } from "./im_body.ts";
