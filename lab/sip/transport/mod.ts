/**
 * The SIP transport layer (RFC 3261 §18, RFC 3581, RFC 5626 keep-alives, RFC 7118 WebSocket):
 * UDP, TCP, TLS, WS and WSS transports behind one contract, a manager that picks one per
 * destination and routes responses, and the Via / response-address rules of §18.2.
 *
 * @module
 */
export {
  defaultPort,
  type Destination,
  isReliableProtocol,
  protocolOf,
  TRANSPORT_PROTOCOLS,
  type TransportProtocol,
  viaTransportName,
} from "./destination.ts";
export { bareHost, canonicalHost, isIpLiteral, sameHost, sipHost } from "./address.ts";
export { type DropReason, NO_TRANSPORT_METRICS, type TransportMetricsSink } from "./metrics.ts";
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  type FlowCloseReason,
  type ListenOptions,
  type LocalAddress,
  type SendPayload,
  type SipTransport,
  type TransportContext,
  type TransportEvents,
} from "./transport.ts";
export { TransportError, type TransportErrorCode } from "./transport_error.ts";
export { stampReceivedVia } from "./received_via.ts";
export { responseDestination } from "./response_destination.ts";
export { RFC3261_UDP_REQUEST_LIMIT, UdpTransport, type UdpTransportConfig } from "./udp.ts";
export { StreamTransport, type StreamTransportConfig } from "./stream_transport.ts";
export type { KeepAliveOptions } from "./stream_connection.ts";
export type { StreamFilter } from "./stream_filter.ts";
export { TcpTransport } from "./tcp.ts";
export { TlsTransport, type TlsTransportConfig } from "./tls.ts";
export { SIP_WEBSOCKET_PROTOCOL, WsTransport, type WsTransportConfig } from "./ws.ts";
export {
  TransportManager,
  type TransportManagerOptions,
  type TransportsByProtocol,
  type TransportSettings,
} from "./manager.ts";
