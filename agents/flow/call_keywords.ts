/**
 * The identity of one flow call and the template keywords it yields: Call-ID, local and
 * remote tags, the CSeq counter and the INVITE transaction that ACK and CANCEL refer to.
 *
 * - `[cseq]`: 1 for the first request, +1 per new request (RFC 3261 §8.1.1.5, §12.2.1.1); ACK
 *   and CANCEL reuse the INVITE's number (§13.2.2.4, §17.1.1.3, §9.1); a response gets the
 *   current number.
 * - `[branch]`: fresh for every send (§8.1.1.7), except CANCEL (§9.1: same branch as the
 *   request it cancels) and the ACK to a non-2xx final response (§17.1.1.3: part of the
 *   INVITE's transaction).
 * - `[peer_tag_param]`: the tag of the last matched message from the peer (To of a response,
 *   From of a request), the dialog's remote tag (§12.1.2, §12.1.1).
 *
 * @module
 */
import type { PopulationUser } from "../../lab/runner/workload.ts";
import type { SuppliedKeyword } from "../../lab/scenario/mod.ts";
import type { AnySipMessage } from "../../lab/sip/message/mod.ts";
import {
  bareHost,
  type LocalAddress,
  type TransportProtocol,
  viaTransportName,
} from "../../lab/sip/transport/mod.ts";
import { newBranch, newCallId, newTag } from "./identifiers.ts";
import type { OutgoingFacts } from "./outgoing.ts";

/** RFC 3550 §11: RTP on an even port; one per call in this range. */
const MEDIA_PORT_BASE = 16384;
const MEDIA_PORTS = 8192;

/** What a send adds to the call's keywords: where it goes and from which socket. */
export interface SendContext {
  /** Request method or undefined (a response, or a start line made of placeholders). */
  readonly method: string | undefined;
  readonly responding: boolean;
  readonly protocol: TransportProtocol;
  readonly local: LocalAddress;
  readonly remote: { readonly host: string; readonly port: number };
  readonly service: string;
}

/**
 * One call's identity.
 *
 * @example
 * ```ts
 * const call = new CallKeywords(1, "127.0.0.1");
 * renderTemplate(template, { keywords: call.keywords(user, sendContext), vars });
 * ```
 */
export class CallKeywords {
  readonly fromTag = newTag();
  #callId: string;
  #cseq = 0;
  #remoteTag: string | undefined;
  #invite: { cseq: number; branch: string | undefined; finalStatus?: number } | undefined;

  constructor(readonly callNumber: number, localHost: string) {
    this.#callId = newCallId(callNumber, bareHost(localHost));
  }

  /** `[call_id]`. */
  get callId(): string {
    return this.#callId;
  }

  set callId(callId: string) {
    this.#callId = callId;
  }

  /** The remote tag, once a message from the peer carried one. */
  get remoteTag(): string | undefined {
    return this.#remoteTag;
  }

  /** Every keyword for one send (`[cseq]` advances for a new request). */
  keywords(
    user: PopulationUser,
    send: SendContext,
  ): Readonly<Record<SuppliedKeyword, string | number>> {
    return {
      call_id: this.#callId,
      call_number: this.callNumber,
      cseq: this.#cseqFor(send.method, send.responding),
      branch: this.#branchFor(send.method),
      from_tag: this.fromTag,
      peer_tag_param: this.#remoteTag === undefined ? "" : `;tag=${this.#remoteTag}`,
      local_ip: send.local.host,
      local_port: send.local.port,
      remote_ip: send.remote.host,
      remote_port: send.remote.port,
      transport: viaTransportName(send.protocol),
      service: send.service,
      user: user.name,
      domain: user.domain,
      media_ip: bareHost(send.local.host),
      media_port: MEDIA_PORT_BASE + 2 * (this.callNumber % MEDIA_PORTS),
    };
  }

  /** A request went out: an INVITE starts the transaction ACK and CANCEL refer to. */
  sent(facts: OutgoingFacts): void {
    if (facts.kind === "request" && facts.method === "INVITE" && facts.cseq !== undefined) {
      this.#invite = { cseq: facts.cseq, branch: facts.branch };
    }
  }

  /** A message from the peer was matched: remote tag, the INVITE's final status. */
  received(message: AnySipMessage): void {
    if (message.kind === "request") {
      if (message.from.tag !== undefined) this.#remoteTag = message.from.tag;
      return;
    }
    if (message.to.tag !== undefined) this.#remoteTag = message.to.tag;
    const cseq = message.cseq;
    if (cseq.method === "INVITE" && message.status >= 200 && this.#invite?.cseq === cseq.seq) {
      this.#invite.finalStatus = message.status;
    }
  }

  #cseqFor(method: string | undefined, responding: boolean): number {
    if (responding) return this.#cseq;
    if (method === "ACK" || method === "CANCEL") return this.#invite?.cseq ?? this.#cseq;
    return ++this.#cseq;
  }

  #branchFor(method: string | undefined): string {
    const invite = this.#invite;
    if (invite?.branch !== undefined) {
      if (method === "CANCEL") return invite.branch;
      if (method === "ACK" && invite.finalStatus !== undefined && invite.finalStatus >= 300) {
        return invite.branch;
      }
    }
    return newBranch();
  }
}
