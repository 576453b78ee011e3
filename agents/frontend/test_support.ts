/**
 * A raw UDP REGISTER client for the front end's tests: builds REGISTER requests as a SIP
 * client would (RFC 3261 §10.2), answers challenges with lab/auth/digest's client, and reads
 * the single datagram that comes back.
 *
 * @module
 */
import { DigestClient } from "../../lab/auth/digest/mod.ts";
import { messageToString, SipRequest, type SipResponse } from "../../lab/sip/message/mod.ts";
import { RawUdpPeer } from "../../lab/sip/ua/test_support.ts";

/** What to vary in one REGISTER. */
export interface RegisterShape {
  /** Request-URI; default `sip:<domain>`. */
  uri?: string;
  /** To user; default the client's user. */
  toUser?: string;
  /** Contact values; default one `<sip:user@127.0.0.1:port>`; [] for none. */
  contacts?: string[];
  expires?: number;
  /** CSeq number; default the next one. */
  cseq?: number;
  /** Extra header fields. */
  headers?: Array<[string, string]>;
}

let branches = 0;

/** One user's REGISTER client on its own UDP socket. */
export class RegisterClient {
  readonly peer = RawUdpPeer.open();
  readonly digest: DigestClient;
  readonly callId = `reg-${crypto.randomUUID()}`;
  #cseq = 0;

  constructor(
    readonly serverPort: number,
    readonly domain: string,
    readonly user: string,
    password: string,
  ) {
    this.digest = new DigestClient({ username: user, password, algorithms: ["MD5"] });
  }

  /** The client's own contact URI. */
  get contact(): string {
    return `<sip:${this.user}@127.0.0.1:${this.peer.port}>`;
  }

  /** A REGISTER of this client, not yet sent. */
  request(shape: RegisterShape = {}): SipRequest {
    const cseq = shape.cseq ?? ++this.#cseq;
    this.#cseq = Math.max(this.#cseq, cseq);
    const to = `<sip:${shape.toUser ?? this.user}@${this.domain}>`;
    const request = new SipRequest("REGISTER", shape.uri ?? `sip:${this.domain}`)
      .addHeader(
        "Via",
        `SIP/2.0/UDP 127.0.0.1:${this.peer.port};branch=z9hG4bKfe${++branches};rport`,
      )
      .addHeader("Max-Forwards", "70")
      .addHeader("From", `<sip:${this.user}@${this.domain}>;tag=f${this.peer.port}`)
      .addHeader("To", to)
      .addHeader("Call-ID", this.callId)
      .addHeader("CSeq", `${cseq} REGISTER`);
    for (const contact of shape.contacts ?? [this.contact]) request.addHeader("Contact", contact);
    if (shape.expires !== undefined) request.addHeader("Expires", String(shape.expires));
    for (const [name, value] of shape.headers ?? []) request.addHeader(name, value);
    return request;
  }

  /** Sends `request` and returns the answer. */
  async send(request: SipRequest): Promise<SipResponse> {
    await this.peer.send(messageToString(request), this.serverPort);
    return await this.peer.receive();
  }

  /** A REGISTER with credentials for the last challenge seen, sent. */
  async sendAuthorized(shape: RegisterShape = {}): Promise<SipResponse> {
    const request = this.request(shape);
    this.digest.authorize(request);
    return await this.send(request);
  }

  /** REGISTER, 401, REGISTER with credentials: the final answer. */
  async register(shape: RegisterShape = {}): Promise<SipResponse> {
    const challenge = await this.send(this.request(shape));
    if (challenge.status !== 401) return challenge;
    this.digest.handleChallenge(challenge);
    return await this.sendAuthorized({ ...shape, cseq: undefined });
  }

  close(): void {
    this.peer.socket.close();
  }
}
