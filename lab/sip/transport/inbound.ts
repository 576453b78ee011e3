/**
 * The receive path every transport shares once it holds one whole message (or its failure):
 * stamp the top Via of requests (§18.2.1, RFC 3581 §4), count, and hand the message up —
 * without ever letting a throwing handler or a bad message stop the receive loop.
 *
 * @module
 */
import type { AnySipMessage } from "../message/message.ts";
import { SipParseError } from "../message/parse_error.ts";
import type { Destination, TransportProtocol } from "./destination.ts";
import { NO_TRANSPORT_METRICS, type TransportMetricsSink } from "./metrics.ts";
import { stampReceivedVia } from "./received_via.ts";
import type { TransportEvents } from "./transport.ts";

/**
 * One transport's delivery of inbound messages and parse failures to its events and metrics.
 *
 * @example
 * ```ts
 * const inbound = new InboundDelivery("udp", events, metrics);
 * inbound.message(parseMessage(datagram), { protocol: "udp", host, port }, datagram.length);
 * ```
 */
export class InboundDelivery {
  readonly metrics: TransportMetricsSink;

  constructor(
    readonly protocol: TransportProtocol,
    readonly events: TransportEvents,
    metrics: TransportMetricsSink = NO_TRANSPORT_METRICS,
  ) {
    this.metrics = metrics;
  }

  /** A parsed message: requests get `received` / `rport`, then `onMessage`. */
  message(msg: AnySipMessage, source: Destination, bytes: number): void {
    if (msg.kind === "request") {
      try {
        stampReceivedVia(msg, source);
      } catch (e) {
        // The parser validated every Via, so this is a bug worth surfacing, not a drop.
        this.error(e, source);
        return;
      }
    }
    this.metrics.messageIn(this.protocol);
    try {
      this.events.onMessage(msg, source, bytes);
    } catch (e) {
      this.error(e, source);
    }
  }

  /**
   * A message that failed to parse: counted and dropped. A partial request with a readable top
   * Via can still be answered (§8.2.6, routed by that Via, §18.2.2): its Via is stamped and it
   * goes to `onParseError`. Anything but a SipParseError is a bug and goes to `onError`.
   */
  parseFailure(err: unknown, source: Destination): void {
    if (!(err instanceof SipParseError)) {
      this.error(err, source);
      return;
    }
    this.metrics.parseError(this.protocol, err.status);
    this.metrics.dropped(this.protocol, "parse-error");
    // §18.1.2 / §16.3: malformed responses are discarded silently; only requests get answered.
    const partial = err.partial;
    if (partial === undefined || this.events.onParseError === undefined) return;
    try {
      if (!partial.hasHeader("via")) return;
      stampReceivedVia(partial, source);
    } catch {
      return; // the top Via itself is malformed: no way to route an answer
    }
    try {
      this.events.onParseError(err, source);
    } catch (e) {
      this.error(e, source);
    }
  }

  /** An error for `onError`; a throwing `onError` is ignored (nothing further up to tell). */
  error(err: unknown, source?: Destination): void {
    try {
      this.events.onError?.(err, source);
    } catch {
      // Deliberately swallowed: the receive loop must survive its own error reporting.
    }
  }
}
