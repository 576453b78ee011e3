/**
 * What every protocol piece of a standard-SIP user (registration, publication, presence watch,
 * pager, calls) needs from the client that hosts it: the shared user agent core and timer
 * wheel, the server all out-of-dialog requests go to (the registrar-proxy, used as outbound
 * proxy), the user's identity, and its Digest client.
 *
 * Digest (RFC 3261 §22, RFC 7616): every request the user sends is signed pre-emptively for the
 * realms it already knows (§22.1 allows reusing credentials in a realm). A 401/407 is handed to
 * the Digest client, which says whether a signed retry — same Call-ID, CSeq one higher
 * (§22.1: "the request ... with a new CSeq") — is worth sending.
 *
 * @module
 */
import type { DigestClient } from "../../lab/auth/digest/mod.ts";
import { SipRequest, type SipResponse } from "../../lab/sip/message/mod.ts";
import type { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import type {
  OutgoingRequest,
  RequestCallbacks,
  UaTransport,
  UserAgentCore,
} from "../../lab/sip/ua/mod.ts";

/** One user as its protocol pieces see it. */
export interface SimpleUserContext {
  readonly core: UserAgentCore<UaTransport>;
  readonly wheel: TimerWheel;
  /** Where requests outside a dialog go: the registrar-proxy of the domain. */
  readonly server: Destination;
  /** The address-of-record, `sip:<name>@<domain>`. */
  readonly aor: string;
  /** The From value: the AoR with the display name, without tag. */
  readonly fromValue: string;
  /** This user's Contact (name-addr), `<sip:<name>@<host>:<port>>`: the registered binding. */
  readonly contact: string;
  readonly digest: DigestClient;
}

/** How a 401/407 was taken. */
export type ChallengeAnswer = "answered" | "refused";

/**
 * Sends `request` signed with the user's known credentials, to the server when it is outside a
 * dialog (or to `destination`), else where the core's next-hop rule says (§8.1.2, §12.2.1.1).
 *
 * @example
 * ```ts
 * sendSigned(user, user.core.createRequest("MESSAGE", { to, from: user.fromValue }), callbacks);
 * ```
 */
export function sendSigned(
  user: SimpleUserContext,
  request: SipRequest,
  callbacks: RequestCallbacks,
  destination?: Destination,
): OutgoingRequest {
  user.digest.authorize(request);
  const outOfDialog = request.to.tag === undefined;
  return user.core.request(
    request,
    destination ?? (outOfDialog ? user.server : undefined),
    callbacks,
  );
}

/**
 * True for the two challenge statuses (RFC 3261 §21.4.2 401, §21.4.8 407).
 *
 * @example
 * ```ts
 * isChallenge(response); // response.status === 401 || 407
 * ```
 */
export function isChallenge(response: SipResponse): boolean {
  return response.status === 401 || response.status === 407;
}

/**
 * Hands a 401/407 to the user's Digest client: "answered" when a signed retry should follow,
 * "refused" when the credentials were just rejected or no challenge can be answered.
 *
 * @example
 * ```ts
 * if (isChallenge(res) && answerChallenge(user, res) === "answered") resend();
 * ```
 */
export function answerChallenge(user: SimpleUserContext, response: SipResponse): ChallengeAnswer {
  return user.digest.handleChallenge(response).kind === "retry" ? "answered" : "refused";
}

/**
 * The same request as a new attempt after a challenge (RFC 3261 §22.1, §8.1.3.5): every
 * header field but Via copied, CSeq one higher, same body. The core adds a fresh Via.
 *
 * @example
 * ```ts
 * const retry = nextAttempt(invite); // CSeq 2 INVITE, same Call-ID and From tag
 * ```
 */
export function nextAttempt(previous: SipRequest): SipRequest {
  const next = new SipRequest(previous.method, previous.uri);
  const seq = previous.cseq.seq + 1;
  for (const field of previous.headers) {
    if (field.key === "via") continue;
    next.addHeader(field.name, field.key === "cseq" ? `${seq} ${previous.method}` : field.value);
  }
  next.body = previous.body;
  return next;
}
