/**
 * What a REGISTER asks for, read from its Contact and Expires header fields (RFC 3261 §10.2,
 * §10.3 steps 6–7): list the bindings, remove them all, or add / refresh / remove the listed
 * contacts with the expiration interval the registrar grants each.
 *
 * @module
 */
import {
  isSipUri,
  type NameAddr,
  type SipRequest,
  type SipUri,
} from "../../lab/sip/message/mod.ts";

/** The registrar's expiration policy, in seconds. */
export interface ExpiryPolicy {
  /** Used when neither the Contact nor the request says (§10.2.1.1: "a locally-configured default"). */
  defaultS: number;
  /** Shortest interval accepted; shorter, non-zero ones get 423 (§10.3 step 7). */
  minS: number;
  /** Longest interval granted; longer ones are shortened (§10.3 step 7: "MAY shorten"). */
  maxS: number;
}

/** What the REGISTER asks, or why it cannot be served. */
export type RegistrationRequest =
  /** No Contact: a query for the current bindings (§10.2.3). */
  | { kind: "fetch" }
  /** `Contact: *` with `Expires: 0` (§10.2.2). */
  | { kind: "remove-all" }
  | { kind: "contacts"; contacts: Array<{ contact: NameAddr & { uri: SipUri }; expiresS: number }> }
  /** §10.3 step 7: 423 (Interval Too Brief) with Min-Expires. */
  | { kind: "too-brief" }
  /** 400: an unreadable Contact, `*` misused, a non-SIP contact. */
  | { kind: "bad-request"; reason: string };

/** §20.19 and §20.10: "Malformed values SHOULD be treated as equivalent to 3600." */
const MALFORMED_EXPIRES_S = 3600;
const DELTA_SECONDS = /^\s*(\d{1,10})\s*$/;

/**
 * Reads the Contact and Expires header fields of `request` under `policy`.
 *
 * @example
 * ```ts
 * readRegistration(register, { defaultS: 3600, minS: 60, maxS: 7200 });
 * // { kind: "contacts", contacts: [{ contact, expiresS: 3600 }] }
 * ```
 */
export function readRegistration(request: SipRequest, policy: ExpiryPolicy): RegistrationRequest {
  let contacts: NameAddr[];
  try {
    contacts = request.contacts;
  } catch {
    return { kind: "bad-request", reason: "Malformed Contact" };
  }
  if (contacts.length === 0) return { kind: "fetch" };
  const header = request.header("expires");
  const expiresHeader = header === undefined ? undefined : deltaSeconds(header);
  if (contacts.some((c) => c.star)) {
    // §10.3 step 6: "*" is only allowed with Expires: 0 and as the only Contact value.
    if (contacts.length !== 1 || expiresHeader !== 0) {
      return { kind: "bad-request", reason: "Contact * needs Expires: 0 and no other Contact" };
    }
    return { kind: "remove-all" };
  }
  const granted: Array<{ contact: NameAddr & { uri: SipUri }; expiresS: number }> = [];
  for (const contact of contacts) {
    const uri = contact.uri;
    if (!isSipUri(uri)) return { kind: "bad-request", reason: "Contact is not a SIP URI" };
    // §10.3 step 7: the Contact's expires parameter, else the Expires header, else the default.
    const param = contact.params.get("expires");
    const asked = param !== undefined
      ? deltaSeconds(param ?? "")
      : expiresHeader ?? policy.defaultS;
    if (asked !== 0 && asked < policy.minS) return { kind: "too-brief" };
    granted.push({ contact: { ...contact, uri }, expiresS: Math.min(asked, policy.maxS) });
  }
  return { kind: "contacts", contacts: granted };
}

/** delta-seconds (§25.1), {@link MALFORMED_EXPIRES_S} when malformed. */
function deltaSeconds(value: string): number {
  const m = DELTA_SECONDS.exec(value);
  if (!m) return MALFORMED_EXPIRES_S;
  // §20.19: values above 2**32-1 are taken as 2**32-1.
  return Math.min(Number(m[1]), 0xffffffff);
}
