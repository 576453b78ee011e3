/**
 * A Microsoft-style endpoint for the front end's tests: a user agent core on its own TCP or TLS
 * socket with lab/auth/sipae's {@link SipaeClient} (NTLM), an epid in every From and the
 * derived `+sip.instance` in its REGISTER Contact (MS-SIPRE §3). Every message from the front
 * end goes through `verifyIncoming`; requests the front end sends it are answered with the
 * status `answer` picks and kept in `received`.
 *
 * @module
 */
import { ntlmClientMechanism, SipaeClient, sipInstanceFromEpid } from "../../lab/auth/sipae/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { Destination, ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import type { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { OutOfDialogRequestOptions } from "../../lab/sip/ua/mod.ts";
import {
  type Endpoint,
  type ListenAddress,
  openEndpoint,
  type TlsMaterial,
} from "../sip_endpoint.ts";

/** What a test endpoint needs. */
export interface SipaeTestClientOptions {
  /** Where the front end listens. */
  server: ListenAddress;
  domain: string;
  user: string;
  password: string;
  epid: string;
  /** NTLM domain; default "LAB". */
  ntlmDomain?: string;
  tls?: TlsMaterial;
  wheel?: TimerWheel;
}

/** A request the front end sent to this endpoint, with what the SIPAE client made of it. */
export interface ReceivedRequest {
  request: SipRequest;
  signed: boolean;
  accepted: boolean;
}

/** One signed-in (or signing-in) Microsoft-style endpoint. */
export class SipaeTestClient {
  readonly sipae: SipaeClient;
  readonly received: ReceivedRequest[] = [];
  /** ACKs for this endpoint's 2xx to INVITE (RFC 3261 §13.3.1.4). */
  acks = 0;
  /** The status this endpoint answers a request with; default 200. */
  answer: (request: SipRequest) => number = () => 200;
  readonly #options: SipaeTestClientOptions;
  readonly #callId = `reg-${crypto.randomUUID()}`;
  readonly #waiters: Array<(r: ReceivedRequest) => void> = [];
  readonly #ackWaiters: Array<() => void> = [];
  #endpoint!: Endpoint;
  #cseq = 0;
  #tag = `t${crypto.randomUUID().slice(0, 8)}`;

  private constructor(options: SipaeTestClientOptions) {
    this.#options = options;
    this.sipae = new SipaeClient({
      mechanisms: [
        ntlmClientMechanism({
          credentials: {
            user: options.user,
            domain: options.ntlmDomain ?? "LAB",
            password: options.password,
          },
          workstation: `${options.user.toUpperCase()}-PC`,
        }),
      ],
    });
  }

  /** Opens the endpoint's socket (same protocol as the server). */
  static async open(options: SipaeTestClientOptions): Promise<SipaeTestClient> {
    const client = new SipaeTestClient(options);
    client.#endpoint = await openEndpoint({
      listen: { protocol: options.server.protocol, host: "127.0.0.1", port: 0 },
      user: options.user,
      tls: options.tls,
      wheel: options.wheel,
      allowedMethods: ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "MESSAGE", "NOTIFY", "INFO"],
      // MS-SIP §3.1.4.2: the ACK, BYE and CANCEL the core builds are signed like the rest.
      core: { prepareRequest: (request) => client.sipae.authorize(request) },
      handler: {
        onRequest: (tx, request) => client.#onRequest(tx, request),
        onAck: () => {
          client.acks++;
          for (const resolve of client.#ackWaiters.splice(0)) resolve();
        },
      },
    });
    return client;
  }

  get aor(): string {
    return `sip:${this.#options.user}@${this.#options.domain}`;
  }

  get epid(): string {
    return this.#options.epid;
  }

  get instance(): string {
    return sipInstanceFromEpid(this.#options.epid);
  }

  /** The front end as a destination. */
  get server(): Destination {
    const s = this.#options.server;
    return { protocol: s.protocol.toUpperCase(), host: s.host, port: s.port };
  }

  /** The From value of this endpoint's requests: AOR, its tag and epid (MS-SIPRE 3.2.4.1). */
  get from(): string {
    return `<${this.aor}>;tag=${this.#tag};epid=${this.#options.epid}`;
  }

  /**
   * A REGISTER in the registration Call-ID with the next CSeq (MS-SIPREGE 2.2.1.1 shape); not
   * yet authorized.
   */
  registerRequest(
    options: { headers?: Array<[string, string]>; instance?: string; from?: string } = {},
  ): SipRequest {
    const core = this.#endpoint.core;
    const request = core.createRequest("REGISTER", {
      to: `<${this.aor}>`,
      from: options.from ?? this.from,
      requestUri: `sip:${this.#options.domain}`,
      callId: this.#callId,
      cseq: ++this.#cseq,
      headers: [
        ["Supported", "gruu-10"],
        ["Event", "registration"],
        ...(options.headers ?? []),
      ],
    });
    const instance = options.instance ?? this.instance;
    request.setHeader(
      "Contact",
      `<${core.identity!.contact}>;+sip.instance="<urn:uuid:${instance}>"`,
    );
    return request;
  }

  /**
   * REGISTER until a final answer that is not a challenge to retry (401 → gssapi-data="" →
   * 401 CHALLENGE → AUTHENTICATE → 200); `shape` builds each REGISTER.
   */
  async register(shape: () => SipRequest = () => this.registerRequest()): Promise<SipResponse> {
    for (let leg = 0; leg < 4; leg++) {
      const request = shape();
      this.sipae.authorize(request);
      const response = await this.send(request);
      if (
        response.status === 401 && this.sipae.handleChallenge(request, response).action === "retry"
      ) {
        continue;
      }
      return response;
    }
    throw new Error("no final answer after 4 legs");
  }

  /** An out-of-dialog request from this endpoint (epid in From), not yet signed. */
  request(
    method: string,
    options: Partial<OutOfDialogRequestOptions> & { to: string },
  ): SipRequest {
    return this.#endpoint.core.createRequest(method, {
      from: `<${this.aor}>;epid=${this.#options.epid}`,
      ...options,
    });
  }

  /** The user agent core (dialogs, hangup). */
  get core(): Endpoint["core"] {
    return this.#endpoint.core;
  }

  /** Signs `request` with the SA and sends it; the final response. */
  sendSigned(request: SipRequest): Promise<SipResponse> {
    this.sipae.authorize(request);
    return this.send(request);
  }

  /** Sends `request` as it is to the front end; resolves with the final response. */
  send(request: SipRequest): Promise<SipResponse> {
    return new Promise((resolve) => {
      this.#endpoint.core.request(request, this.server, {
        onFinal: (response) => resolve(response),
      });
    });
  }

  /** The next request the front end sends here (or one already received and not yet taken). */
  nextRequest(): Promise<ReceivedRequest> {
    const waiting = this.received.shift();
    if (waiting !== undefined) return Promise.resolve(waiting);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves once an ACK has arrived (at once when one did already). */
  ackArrived(): Promise<void> {
    if (this.acks > 0) return Promise.resolve();
    return new Promise((resolve) => this.#ackWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.#endpoint.close();
  }

  #onRequest(tx: ServerTransaction, request: SipRequest): void {
    const verdict = this.sipae.verifyIncoming(request);
    const received = {
      request,
      signed: verdict.accept && verdict.signed,
      accepted: verdict.accept,
    };
    const core = this.#endpoint.core;
    core.respond(tx, core.createResponse(request, verdict.accept ? this.answer(request) : 403));
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(received);
    else this.received.push(received);
  }
}
