/**
 * What an IM agent runs on and reports to: a signed-in endpoint (a user agent core with the
 * user's AOR and home server, from whatever signed it in), the user's side (listener), and
 * the metrics sink (IM.md §10: setup time, MESSAGE delivery time, delivery outcomes).
 *
 * @module
 */
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import type { UserAgentCore } from "../../lab/sip/ua/mod.ts";
import type { KeyboardStatus } from "../../lab/protocols/im/mod.ts";

/**
 * A signed-in endpoint: its core (Contact = its GRUU or contact) and identity.
 *
 * @example
 * ```ts
 * const endpoint: ImEndpoint = {
 *   core, aor: "sip:alice@lab.test", epid: "8248ca9ebb",
 *   outbound: { protocol: "TLS", host: "fe.lab.test", port: 5061 },
 * };
 * ```
 */
export interface ImEndpoint {
  readonly core: UserAgentCore;
  /** The user's address of record: From of every request (MS-SIPRE 3.2). */
  readonly aor: string;
  /** MS-SIPRE 2.2.7: the endpoint id put on From; omitted when undefined. */
  readonly epid?: string;
  /** The home server (front end) that requests outside a dialog go to. */
  readonly outbound: Destination;
}

/** A message the user sends: a body and its Content-Type. */
export interface OutgoingImMessage {
  readonly contentType: string;
  readonly body: string;
}

/** A text the user receives. */
export interface ReceivedText {
  readonly mediaType: string;
  readonly text: string;
  /** Decoded `msgr` formatting (IM.md §3), when present. */
  readonly format?: string;
}

/** How a session ended (its chart's final state and the last cause). */
export type ImSessionEnd = "closed" | "failed";

/** The user's side of the agent's sessions. All optional. */
export interface ImListener<S> {
  /** Invitee: a new session was offered and accepted. */
  onSession?(session: S): void;
  onMessage?(session: S, message: ReceivedText): void;
  /** INFO KeyboardActivity (IM.md §4) or RFC 3994 is-composing: `type` / `idle`. */
  onTyping?(session: S, status: KeyboardStatus): void;
  /** A MESSAGE was answered 2xx (or a queued one was given up: `delivered` false). */
  onDelivery?(session: S, message: OutgoingImMessage, delivered: boolean): void;
  onEnded?(session: S, end: ImSessionEnd): void;
}

/** IM measurements (IM.md §10). */
export interface ImMetricsSink {
  /** INVITE sent → 2xx (inviter). */
  sessionEstablished(setupMs: number): void;
  /** The INVITE failed with `status` (408 / 503 for timeout / transport). */
  sessionFailed(status: number): void;
  /** MESSAGE sent → 200 (the first message: INVITE → 200 confirming it). */
  messageDelivered(latencyMs: number, contentType: string): void;
  /** A MESSAGE answered with `status`, or 0 for one never sent (session gone). */
  messageFailed(status: number): void;
  /** Requests received and refused (415 unsupported body, 481 outside a session, 488). */
  refused(method: string, status: number): void;
  sessionEnded(): void;
}

/** A sink that drops everything. */
export const NO_IM_METRICS: ImMetricsSink = Object.freeze({
  sessionEstablished() {},
  sessionFailed() {},
  messageDelivered() {},
  messageFailed() {},
  refused() {},
  sessionEnded() {},
});

/**
 * A text/plain message (UTF-8).
 *
 * @example
 * ```ts
 * session.send(plainText("hello"));
 * ```
 */
export function plainText(text: string): OutgoingImMessage {
  return { contentType: "text/plain; charset=UTF-8", body: text };
}

/**
 * A text/html message (UTF-8).
 *
 * @example
 * ```ts
 * session.send(htmlText("<b>hello</b>"));
 * ```
 */
export function htmlText(html: string): OutgoingImMessage {
  return { contentType: "text/html; charset=UTF-8", body: html };
}
