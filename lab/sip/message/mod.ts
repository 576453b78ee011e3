/**
 * The SIP message layer (RFC 3261 §7, §19, §20, §25): message model, parsing (datagrams and
 * streams), serialization, URIs and structured header values.
 *
 * @module
 */
export {
  type AnySipMessage,
  type HeaderField,
  SipMessage,
  SipRequest,
  SipResponse,
} from "./message.ts";
export { SipParseError } from "./parse_error.ts";
export { parseMessage, type ParseOptions } from "./parser.ts";
export { StreamParser, type StreamParserOptions } from "./stream.ts";
export { messageToString, serializeMessage } from "./serializer.ts";
export {
  formatUri,
  isSipUri,
  type OtherUri,
  parseUri,
  type SipUri,
  type TelUri,
  type Uri,
} from "./uri.ts";
export {
  type CSeq,
  formatNameAddr,
  formatParams,
  formatVia,
  type NameAddr,
  type Params,
  parseCSeq,
  parseNameAddr,
  parseNameAddrList,
  parseParams,
  parseUnsigned,
  parseViaList,
  type Via,
} from "./header_values.ts";
export { canonicalHeaderName, COMPACT_FORMS, headerKey } from "./header_names.ts";
