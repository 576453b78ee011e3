/**
 * One user's registration (RFC 3261 §10.2) at run time: a plain record driven by the compiled
 * {@link registrationChart}, its named actions implemented here. The binding is the user's own
 * Contact; the granted lifetime is the `expires` parameter the registrar returns on that
 * contact (§10.3 item 8), else the Expires header, else the one asked for.
 *
 * @example
 * ```ts
 * const registration = new Registration(user, { expires: 600 });
 * const result = await registration.register(); // { ok: true, status: 200, expires: 600 }
 * await registration.unregister();
 * ```
 *
 * @module
 */
import { ChartExecutor, type ChartInstance } from "../../lab/statechart/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { isSipUri, type NameAddr, parseNameAddr, type Uri } from "../../lab/sip/message/mod.ts";
import type { TimerHandle } from "../../lab/sip/timer/mod.ts";
import type { OutgoingRequest } from "../../lab/sip/ua/mod.ts";
import {
  registrationChart,
  type RegistrationEvent,
  type RegistrationStateName,
} from "./registration_chart.ts";
import {
  answerChallenge,
  isChallenge,
  nextAttempt,
  sendSigned,
  type SimpleUserContext,
} from "./user_context.ts";

/** How a REGISTER exchange ended. */
export interface RegistrationResult {
  ok: boolean;
  /** The final status that decided it. */
  status: number;
  reason: string;
  /** The lifetime granted, seconds (successful registrations). */
  expires?: number;
}

/** Options of a {@link Registration}. */
export interface RegistrationOptions {
  /** Requested binding lifetime in seconds (default 3600). */
  expires?: number;
}

interface RegistrationRecord extends ChartInstance {
  readonly registration: Registration;
}

const registrationOf = (context: ChartInstance) => (context as RegistrationRecord).registration;

/** Refresh early enough for the refresh to complete: half the lifetime, at most 32 s early. */
function refreshDelayMs(expiresS: number): number {
  const lifetime = expiresS * 1000;
  return lifetime - Math.min(lifetime / 2, 32_000);
}

/** One user's registration. */
export class Registration {
  static readonly #executor = new ChartExecutor<RegistrationRecord, RegistrationEvent>(
    registrationChart.provide({
      actions: {
        sendRegister: ({ context }) => registrationOf(context).#send(false),
        sendUnregister: ({ context }) => registrationOf(context).#send(true),
        armRefresh: ({ context }) => registrationOf(context).#armRefresh(),
        cancelRefresh: ({ context }) => registrationOf(context).#cancelRefresh(),
        recordRegistered: ({ context }) => registrationOf(context).#settle("registered"),
        recordFailed: ({ context }) => registrationOf(context).#settle("failed"),
        recordUnregistered: ({ context }) => registrationOf(context).#settle("unregistered"),
      },
    }),
  );
  readonly #user: SimpleUserContext;
  readonly #expires: number;
  readonly #record: RegistrationRecord;
  /** The REGISTER in flight (its Call-ID and CSeq space carry over, §10.2.4). */
  #request: SipRequest | undefined;
  #outgoing: OutgoingRequest | undefined;
  #last: SipResponse | undefined;
  #granted: number | undefined;
  #refreshTimer: TimerHandle | undefined;
  #waiters: ((result: RegistrationResult) => void)[] = [];
  /** REGISTERs sent, refreshes and retries included. */
  sent = 0;

  constructor(user: SimpleUserContext, options: RegistrationOptions = {}) {
    this.#user = user;
    this.#expires = options.expires ?? 3600;
    this.#record = { state: "", running: false, mailbox: undefined, registration: this };
  }

  /** The chart state ("idle" before {@link register}). */
  get state(): RegistrationStateName {
    return (this.#record.state || "idle") as RegistrationStateName;
  }

  /** Registers; resolves when registered or failed. */
  register(): Promise<RegistrationResult> {
    const result = this.#wait();
    Registration.#executor.start(this.#record);
    Registration.#executor.send(this.#record, { type: "REGISTER" });
    return result;
  }

  /** Removes the binding (Expires 0); resolves when the registrar answered. */
  unregister(): Promise<RegistrationResult> {
    const result = this.#wait();
    if (!Registration.#executor.send(this.#record, { type: "UNREGISTER" })) {
      this.#settleWith({ ok: false, status: 0, reason: `not registered (${this.state})` });
    }
    return result;
  }

  /** Stops the refresh timer without telling the registrar (the client is closing). */
  dispose(): void {
    this.#cancelRefresh();
  }

  #wait(): Promise<RegistrationResult> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #dispatch(event: RegistrationEvent): void {
    Registration.#executor.send(this.#record, event);
  }

  /** The chart's `sendRegister` / `sendUnregister`: REGISTER (§10.2), signed, CSeq rising. */
  #send(unregister: boolean): void {
    const user = this.#user;
    const expires = unregister ? 0 : this.#expires;
    let request: SipRequest;
    if (this.#request === undefined) {
      const domain = user.aor.slice(user.aor.indexOf("@") + 1);
      // §10.2: Request-URI the domain, To and From the AoR; Contact the binding.
      request = user.core.createRequest("REGISTER", {
        requestUri: `sip:${domain}`,
        to: user.aor,
        from: user.fromValue,
        headers: [["Expires", String(expires)]],
      });
      request.setHeader("Contact", user.contact);
    } else {
      // §10.2.4: "the same Call-ID ... CSeq ... incremented" for every REGISTER of a binding.
      request = nextAttempt(this.#request);
      request.setHeader("Expires", String(expires));
    }
    this.#request = request;
    this.sent++;
    this.#outgoing = sendSigned(user, request, {
      onFinal: (response, _dialog, sent) => {
        if (sent !== this.#outgoing) return;
        this.#answered(response);
      },
    });
  }

  #answered(response: SipResponse): void {
    this.#last = response;
    if (response.status >= 200 && response.status < 300) {
      this.#granted = this.#grantedExpires(response);
      this.#dispatch({ type: "OK" });
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

  /** §10.3 item 8: the registrar's `expires` on our binding, else its Expires header. */
  #grantedExpires(response: SipResponse): number {
    const ours = parseNameAddr(this.#user.contact).uri;
    let contacts: NameAddr[] = [];
    try {
      contacts = response.contacts;
    } catch {
      // A malformed Contact list: fall back to the Expires header.
    }
    for (const contact of contacts) {
      const expires = Number(contact.params.get("expires"));
      if (Number.isFinite(expires) && expires > 0 && sameUri(contact.uri, ours)) return expires;
    }
    const header = Number(response.header("expires"));
    return Number.isFinite(header) && header > 0 ? header : this.#expires;
  }

  #armRefresh(): void {
    this.#cancelRefresh();
    const granted = this.#granted ?? this.#expires;
    this.#refreshTimer = this.#user.wheel.schedule(refreshDelayMs(granted), () => {
      this.#refreshTimer = undefined;
      this.#dispatch({ type: "REFRESH_DUE" });
    });
  }

  #cancelRefresh(): void {
    if (this.#refreshTimer !== undefined) this.#user.wheel.cancel(this.#refreshTimer);
    this.#refreshTimer = undefined;
  }

  #settle(outcome: "registered" | "failed" | "unregistered"): void {
    const response = this.#last;
    const result: RegistrationResult = {
      ok: outcome !== "failed",
      status: response?.status ?? 0,
      reason: response?.reason ?? "no response",
    };
    if (outcome === "registered") result.expires = this.#granted;
    this.#settleWith(result);
  }

  #settleWith(result: RegistrationResult): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(result);
  }
}

/** RFC 3261 §19.1.4 in short: same scheme, user, host and port. */
function sameUri(a: Uri, b: Uri): boolean {
  if (!isSipUri(a) || !isSipUri(b) || a.scheme !== b.scheme) return false;
  return a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase() &&
    (a.port ?? 5060) === (b.port ?? 5060);
}
