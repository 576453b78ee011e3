/**
 * How one simulated endpoint authenticates, behind one small interface the sign-in logic drives:
 * MS-SIPAE security associations (NTLM here; Kerberos and TLS-DSK plug in as further
 * `ClientMechanismFactory`s) through {@link SipaeClient}, which answers the challenges, signs
 * every request once keys exist and verifies every server signature (MS-SIP §3.1.4–§3.1.5);
 * or HTTP Digest (RFC 3261 §22, RFC 7616) through {@link DigestClient} for non-Microsoft
 * registrars, where nothing is signed.
 *
 * @example
 * ```ts
 * const auth = sipaeAuth([ntlmClientMechanism({ credentials: { user, domain, password } })]);
 * auth.authorize(register);
 * const next = auth.challenge(register, unauthorized); // { retry: true }
 * auth.verify(ok).accept; // true once rspauth verified
 * ```
 *
 * @module
 */
import { DigestClient } from "../../lab/auth/digest/mod.ts";
import { type ClientMechanismFactory, SipaeClient } from "../../lab/auth/sipae/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { SignInFailureKind } from "./sign_in_failure.ts";

/** What a challenge leads to. */
export type ChallengeAnswer =
  | { retry: true }
  | { retry: false; kind: SignInFailureKind; detail: string };

/** Whether to deliver a message from the server. */
export type VerifyVerdict = { accept: true } | { accept: false; detail: string };

/** One endpoint's authentication state. */
export interface EndpointAuth {
  /** `sipae` (signed messages) or `digest`. */
  readonly family: "sipae" | "digest";
  /** Adds credentials (or the signature) to a request; call it last. */
  authorize(request: SipRequest): void;
  /** A 401/407 to `request`: send it again, or give up with a typed reason. */
  challenge(request: SipRequest, response: SipResponse): ChallengeAnswer;
  /** MS-SIP §3.1.5.2: a message from the server that must be discarded is refused. */
  verify(message: SipRequest | SipResponse): VerifyVerdict;
  /** Forgets every security association (new connection: the server challenges again). */
  reset(): void;
}

/**
 * MS-SIPAE authentication with `mechanisms` in preference order.
 *
 * @example
 * ```ts
 * const auth = sipaeAuth([ntlmClientMechanism({ credentials })]);
 * ```
 */
export function sipaeAuth(mechanisms: ClientMechanismFactory[]): EndpointAuth {
  const client = new SipaeClient({ mechanisms });
  return {
    family: "sipae",
    authorize: (request) => client.authorize(request),
    challenge(request, response) {
      const outcome = client.handleChallenge(request, response);
      if (outcome.action === "retry") return { retry: true };
      const kind: SignInFailureKind =
        outcome.reason === "credentials-rejected" || outcome.reason === "clock-skew"
          ? "credentials-rejected"
          : "auth-failed";
      return { retry: false, kind, detail: `${outcome.reason}: ${outcome.detail}` };
    },
    verify(message) {
      const verdict = client.verifyIncoming(message);
      return verdict.accept
        ? { accept: true }
        : { accept: false, detail: `${verdict.reason}: ${verdict.detail}` };
    },
    reset: () => client.reset(),
  };
}

/**
 * HTTP Digest authentication (RFC 3261 §22.2) for registrars that do not speak MS-SIPAE.
 *
 * @example
 * ```ts
 * const auth = digestAuth("alice", "secret");
 * ```
 */
export function digestAuth(username: string, password: string): EndpointAuth {
  let client = new DigestClient({ username, password });
  return {
    family: "digest",
    authorize: (request) => client.authorize(request),
    challenge(_request, response) {
      const outcome = client.handleChallenge(response);
      if (outcome.kind === "retry") return { retry: true };
      return {
        retry: false,
        kind: outcome.reason === "credentials-rejected" ? "credentials-rejected" : "auth-failed",
        detail: outcome.reason,
      };
    },
    // Digest signs nothing: every message is delivered.
    verify: () => ({ accept: true }),
    reset: () => {
      client = new DigestClient({ username, password });
    },
  };
}
