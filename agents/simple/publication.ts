/**
 * One user's presence publication (RFC 3903 with RFC 3856's `presence` event package) at run
 * time: a plain record driven by the compiled {@link publicationChart}. The body is PIDF
 * (RFC 3863) from the lab's availability names (lab/protocols/pidf); the entity tag of each 2xx
 * (SIP-ETag) makes the next PUBLISH conditional (SIP-If-Match).
 *
 * @example
 * ```ts
 * const publication = new Publication(user, { expires: 600 });
 * await publication.publish("online", "at my desk");  // initial PUBLISH, SIP-ETag kept
 * await publication.publish("busy");                  // modify, SIP-If-Match
 * await publication.remove();                         // Expires 0
 * ```
 *
 * @module
 */
import { ChartExecutor, type ChartInstance } from "../../lab/statechart/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { TimerHandle } from "../../lab/sip/timer/mod.ts";
import type { OutgoingRequest } from "../../lab/sip/ua/mod.ts";
import {
  type Availability,
  formatPidf,
  PIDF_CONTENT_TYPE,
  presenceDocument,
} from "../../lab/protocols/pidf/mod.ts";
import {
  publicationChart,
  type PublicationEvent,
  type PublicationStateName,
} from "./publication_chart.ts";
import {
  answerChallenge,
  isChallenge,
  nextAttempt,
  sendSigned,
  type SimpleUserContext,
} from "./user_context.ts";

/** How one PUBLISH exchange (with its challenge retries) ended. */
export interface PublicationResult {
  ok: boolean;
  status: number;
  reason: string;
  /** The entity tag the compositor holds now (after a 2xx). */
  etag?: string;
}

/** Options of a {@link Publication}. */
export interface PublicationOptions {
  /** Requested lifetime of the published state, seconds (default 3600). */
  expires?: number;
}

interface PublicationRecord extends ChartInstance {
  readonly publication: Publication;
}

const publicationOf = (context: ChartInstance) => (context as PublicationRecord).publication;

type PublishKind = "initial" | "refresh" | "modify" | "remove";

/** One user's presence publication. */
export class Publication {
  static readonly #executor = new ChartExecutor<PublicationRecord, PublicationEvent>(
    publicationChart.provide({
      actions: {
        sendInitialPublish: ({ context }) => publicationOf(context).#publish("initial"),
        sendRefresh: ({ context }) => publicationOf(context).#publish("refresh"),
        sendModify: ({ context }) => publicationOf(context).#publish("modify"),
        sendRemove: ({ context }) => publicationOf(context).#publish("remove"),
        resendPublish: ({ context }) => publicationOf(context).#resend(),
        storeEtag: ({ context }) => publicationOf(context).#storeEtag(),
        armRefresh: ({ context }) => publicationOf(context).#armRefresh(),
        cancelRefresh: ({ context }) => publicationOf(context).#cancelRefresh(),
        markPending: ({ context }) => void (publicationOf(context).#pending = true),
        recordPublished: ({ context }) => publicationOf(context).#settle(true),
        recordFailed: ({ context }) => publicationOf(context).#settle(false),
        recordRemoved: ({ context }) => publicationOf(context).#settle(true),
      },
    }),
  );
  readonly #user: SimpleUserContext;
  readonly #expires: number;
  readonly #record: PublicationRecord;
  #availability: Availability = "online";
  #note: string | undefined;
  #etag: string | undefined;
  #granted: number | undefined;
  #pending = false;
  /** The kind of the PUBLISH in flight (a challenge retry keeps it). */
  #kind: PublishKind = "initial";
  #request: SipRequest | undefined;
  #outgoing: OutgoingRequest | undefined;
  #last: SipResponse | undefined;
  #refreshTimer: TimerHandle | undefined;
  #waiters: ((result: PublicationResult) => void)[] = [];
  /** PUBLISH requests sent, by kind (challenge retries counted under their kind). */
  readonly sent: Record<PublishKind, number> = { initial: 0, refresh: 0, modify: 0, remove: 0 };

  constructor(user: SimpleUserContext, options: PublicationOptions = {}) {
    this.#user = user;
    this.#expires = options.expires ?? 3600;
    this.#record = { state: "", running: false, mailbox: undefined, publication: this };
  }

  /** The chart state ("idle" before the first {@link publish}). */
  get state(): PublicationStateName {
    return (this.#record.state || "idle") as PublicationStateName;
  }

  /** The entity tag of the current publication (RFC 3903 §4.1). */
  get etag(): string | undefined {
    return this.#etag;
  }

  /**
   * Publishes `availability`: the initial PUBLISH the first time, a modification afterwards.
   * Resolves when the compositor has accepted this state (or the publication failed).
   */
  publish(availability: Availability, note?: string): Promise<PublicationResult> {
    this.#availability = availability;
    this.#note = note;
    const result = this.#wait();
    const executor = Publication.#executor;
    if (this.#record.state === "") {
      executor.start(this.#record);
      executor.send(this.#record, { type: "PUBLISH" });
    } else if (!executor.send(this.#record, { type: "MODIFY" })) {
      this.#settleWith({ ok: false, status: 0, reason: `cannot publish now (${this.state})` });
    }
    return result;
  }

  /** Refreshes now (SIP-If-Match, no body) instead of waiting for the refresh timer. */
  refresh(): Promise<PublicationResult> {
    const result = this.#wait();
    if (!Publication.#executor.send(this.#record, { type: "REFRESH_DUE" })) {
      this.#settleWith({ ok: false, status: 0, reason: `nothing to refresh (${this.state})` });
    }
    return result;
  }

  /** Removes the published state (Expires 0, RFC 3903 §4.5). */
  remove(): Promise<PublicationResult> {
    const result = this.#wait();
    if (!Publication.#executor.send(this.#record, { type: "REMOVE" })) {
      this.#settleWith({ ok: false, status: 0, reason: `nothing to remove (${this.state})` });
    }
    return result;
  }

  /** Stops the refresh timer without telling the compositor (the client is closing). */
  dispose(): void {
    this.#cancelRefresh();
  }

  #wait(): Promise<PublicationResult> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #dispatch(event: PublicationEvent): void {
    Publication.#executor.send(this.#record, event);
  }

  /** A PUBLISH of `kind` (RFC 3903 §4.2–§4.5). */
  #publish(kind: PublishKind): void {
    const user = this.#user;
    if (kind === "initial") this.#etag = undefined;
    if (kind === "modify") this.#pending = false;
    const headers: [string, string][] = [
      // RFC 3903 §4.2 / RFC 3856 §4: the event package, and how long the state should live.
      ["Event", "presence"],
      ["Expires", String(kind === "remove" ? 0 : this.#expires)],
    ];
    // §4.3–§4.5: every PUBLISH but the initial one names the state it changes.
    if (kind !== "initial" && this.#etag !== undefined) headers.push(["SIP-If-Match", this.#etag]);
    const withBody = kind === "initial" || kind === "modify";
    const body = withBody
      ? formatPidf(presenceDocument({
        entity: user.aor,
        state: this.#availability,
        note: this.#note,
        contact: user.aor,
      }))
      : undefined;
    // §4.2: PUBLISH is addressed to the presentity's AoR, From the publisher.
    this.#request = user.core.createRequest("PUBLISH", {
      to: user.aor,
      from: user.fromValue,
      headers,
      body,
      contentType: withBody ? PIDF_CONTENT_TYPE : undefined,
    });
    this.sent[kind]++;
    this.#kind = kind;
    this.#send(this.#request);
  }

  /** The chart's `resendPublish`: the same PUBLISH, signed, CSeq one higher. */
  #resend(): void {
    if (this.#request === undefined) return;
    this.#request = nextAttempt(this.#request);
    this.sent[this.#kind]++;
    this.#send(this.#request);
  }

  #send(request: SipRequest): void {
    this.#outgoing = sendSigned(this.#user, request, {
      onFinal: (response, _dialog, sent) => {
        if (sent === this.#outgoing) this.#answered(response);
      },
    });
  }

  #answered(response: SipResponse): void {
    this.#last = response;
    if (response.status >= 200 && response.status < 300) {
      const expires = Number(response.header("expires"));
      this.#granted = Number.isFinite(expires) && expires > 0 ? expires : undefined;
      this.#dispatch({ type: "ACCEPTED" });
      // A change that arrived meanwhile goes out now, conditional on the new tag.
      if (this.#pending && this.#record.state === "published") this.#dispatch({ type: "MODIFY" });
    } else if (response.status === 412) {
      this.#dispatch({ type: "PRECONDITION_FAILED" });
    } else if (isChallenge(response)) {
      this.#dispatch({
        type: answerChallenge(this.#user, response) === "answered"
          ? "CHALLENGE_ANSWERED"
          : "CHALLENGE_REFUSED",
      });
    } else {
      this.#dispatch({ type: "REJECTED" });
    }
  }

  /** RFC 3903 §11.3: the 2xx carries the entity tag of the state now held. */
  #storeEtag(): void {
    this.#etag = this.#last?.header("sip-etag") ?? this.#etag;
  }

  #armRefresh(): void {
    this.#cancelRefresh();
    const lifetime = (this.#granted ?? this.#expires) * 1000;
    this.#refreshTimer = this.#user.wheel.schedule(
      lifetime - Math.min(lifetime / 2, 32_000),
      () => {
        this.#refreshTimer = undefined;
        this.#dispatch({ type: "REFRESH_DUE" });
      },
    );
  }

  #cancelRefresh(): void {
    if (this.#refreshTimer !== undefined) this.#user.wheel.cancel(this.#refreshTimer);
    this.#refreshTimer = undefined;
  }

  #settle(ok: boolean): void {
    if (ok && this.#pending) return; // the caller waits for the pending state's answer
    const response = this.#last;
    const result: PublicationResult = {
      ok,
      status: response?.status ?? 0,
      reason: response?.reason ?? "no response",
    };
    if (ok && this.#etag !== undefined && this.#kind !== "remove") result.etag = this.#etag;
    this.#settleWith(result);
  }

  #settleWith(result: PublicationResult): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(result);
  }
}
