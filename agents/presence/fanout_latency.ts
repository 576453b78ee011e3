/**
 * The fan-out latency hook (MS-PRES.md §11 "publish→NOTIFY fan-out latency to each watcher"):
 * the presence service reports, per watcher, when the publication that caused a notification
 * was accepted and when the NOTIFY or BENOTIFY carrying it went to the transport. Metrics
 * implement the sink (lab/metrics sits above agents and imports this type, never the reverse).
 *
 * @example
 * ```ts
 * const samples: number[] = [];
 * const sink: FanoutLatencySink = { notificationSent: (e) => samples.push(e.sentAt - e.acceptedAt) };
 * presenceService({ latency: sink });
 * ```
 *
 * @module
 */

/** One notification sent because of an accepted publication. */
export interface FanoutEvent {
  /** The publishing user (canonical AOR). */
  publisher: string;
  /** The watcher it went to (canonical AOR). */
  watcher: string;
  /** "NOTIFY" or "BENOTIFY" (MS-SIP §3.5). */
  method: "NOTIFY" | "BENOTIFY";
  /** What the watcher subscribed to: another user's presence, or its own roaming data. */
  kind: "presence" | "self" | "contacts";
  /** Milliseconds (the service's clock, performance.now by default) the publication was accepted. */
  acceptedAt: number;
  /** Milliseconds on the same clock the request was handed to the transport. */
  sentAt: number;
  /** Body bytes of the notification. */
  bytes: number;
}

/** Receives one event per watcher per accepted publication. */
export interface FanoutLatencySink {
  notificationSent(event: FanoutEvent): void;
}
