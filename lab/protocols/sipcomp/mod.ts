/**
 * MS-SIPCOMP, SIP compression on the hop between a client and its first-hop server: the
 * NEGOTIATE transaction, the switch-over charts, RFC 2118 MPPC with an 8 KB history, the
 * compression packet framing (behind one interface: its layout is unverified) and the transport
 * byte filter that the connection manager installs after the 200 OK.
 *
 * @example
 * ```ts
 * const sipcomp = new SipcompServer({ transport: tls });
 * const tls = new TlsTransport({
 *   cert, key,
 *   events: {
 *     onMessage: (m, s) => sipcomp.onMessage(m, s) || core.onMessage(m, s),
 *     onFlowClosed: (s, reason) => sipcomp.onFlowClosed(s, reason),
 *   },
 * });
 * ```
 *
 * @module
 */
export {
  MPPC_HISTORY_SIZE,
  MPPC_MAX_MATCH,
  MPPC_MIN_MATCH,
  PACKET_AT_FRONT,
  PACKET_COMPRESSED,
  PACKET_FLAG_MASK,
  PACKET_FLUSHED,
} from "./mppc_codes.ts";
export {
  MppcCompressor,
  MppcDecompressor,
  MppcError,
  type MppcErrorCode,
  type MppcPacket,
} from "./mppc.ts";
export {
  FLAGS_LENGTH_FRAMING,
  type SipcompFraming,
  SipcompFramingError,
  type SipcompPacketDecoder,
} from "./packet.ts";
export {
  answersNegotiate,
  buildNegotiateRequest,
  buildNegotiateResponse,
  COMPRESSION_NONE,
  LZ77_8K,
  NEGOTIATE_METHOD,
  type NegotiateOffer,
  type NegotiateOutcome,
  type NegotiateRequestOptions,
  type NegotiateVerdict,
  readNegotiateAnswer,
  readNegotiateOffer,
} from "./negotiate.ts";
export {
  type SipcompCounters,
  type SipcompFilterOptions,
  SipcompStreamFilter,
} from "./sipcomp_filter.ts";
export {
  type SipcompClientEvent,
  type SipcompClientRecord,
  type SipcompCloseCause,
  type SipcompListener,
  type SipcompMode,
  type SipcompServerEvent,
  type SipcompServerRecord,
  type SipcompTimers,
  type SipcompTransportPort,
} from "./switchover_actions.ts";
export { sipcompClientChart, sipcompServerChart } from "./switchover_charts.ts";
export {
  NEGOTIATE_TIMEOUT_MS,
  type SipcompClientOptions,
  SipcompClientSession,
} from "./client_session.ts";
export { SipcompServer, type SipcompServerOptions } from "./server_session.ts";
