/**
 * Asserted identity (RFC 3325 as profiled by MS-SIPAE §1.3, guide §6.1): the server, which
 * authenticated the user, asserts who sent a request it forwards.
 *
 * - A client is not trusted to assert: any P-Asserted-Identity it sends is removed (RFC 3325
 *   §5: a proxy MUST remove it from requests of untrusted entities).
 * - A client MAY send P-Preferred-Identity to choose among its identities (at most one SIP and
 *   one tel URI, RFC 3325 §9.2); the server honours it only when every value is an identity of
 *   the authenticated user, else 403, and then removes it.
 * - The server inserts P-Asserted-Identity with the chosen identities, or the user's SIP URI
 *   (and tel URI when asked) when no preference was given.
 * - Toward an untrusted hop, a request with `Privacy: id` loses its P-Asserted-Identity
 *   (RFC 3325 §5, §7).
 *
 * P-Asserted-Identity values enter the version ≥ 3 signature buffer (MS-SIPAE §3.2.4, guide
 * §4.1 fields 13–14): verify the client's signature before {@link assertIdentity} and sign the
 * forwarded request after it.
 *
 * @example
 * ```ts
 * const verdict = assertIdentity(request, { sip: "sip:alice@contoso.com", tel: "tel:+14255550100" });
 * if (!verdict.ok) answer(verdict.status, verdict.reason);
 * request.header("P-Asserted-Identity"); // "<sip:alice@contoso.com>"
 * ```
 *
 * @module
 */
import {
  isSipUri,
  type NameAddr,
  parseNameAddrList,
  parseUri,
  type SipMessage,
  type Uri,
} from "../../sip/message/mod.ts";
import type { SipaeDiagnosticKind } from "./diagnostics.ts";

const PAI = "P-Asserted-Identity";
const PPI = "P-Preferred-Identity";

/** The identities the directory gives the authenticated user. */
export interface UserIdentities {
  /** The user's SIP URI (`sip:alice@contoso.com`). */
  sip: string;
  /** The user's phone identity (`tel:+14255550100`), when it has one. */
  tel?: string;
  /** Display name written in the asserted values. */
  displayName?: string;
}

/** Options of {@link assertIdentity}. */
export interface AssertIdentityOptions {
  /** Assert the tel URI too when the client expressed no preference (default false). */
  includeTel?: boolean;
}

/** The outcome of {@link assertIdentity}. */
export type AssertionVerdict =
  | { ok: true; asserted: string[] }
  | {
    ok: false;
    status: 400 | 403;
    reason: string;
    diagnosticKind: Extract<
      SipaeDiagnosticKind,
      "auth-identity-malformed" | "auth-preferred-identity-rejected"
    >;
    detail: string;
  };

/**
 * Every value of P-Asserted-Identity (or `header`) across its header fields, in order. Throws
 * the message layer's SipParseError when a value is malformed.
 *
 * @example
 * ```ts
 * identityValues(invite).map((n) => n.uriText); // ["sip:alice@contoso.com", "tel:+14255550100"]
 * ```
 */
export function identityValues(message: SipMessage, header: string = PAI): NameAddr[] {
  return message.headerValues(header).flatMap((v) => parseNameAddrList(v));
}

/** RFC 3966 §5.1.1: visual separators do not count when numbers are compared. */
function telDigits(number: string): string {
  return number.replace(/[-.()]/g, "").toLowerCase();
}

/**
 * True when two identity URIs name the same identity: SIP URIs by user and host (case-
 * insensitive, parameters ignored, sip and sips alike), tel URIs by number without visual
 * separators.
 *
 * @example
 * ```ts
 * sameIdentity(parseUri("sip:Alice@Contoso.com;user=phone"), parseUri("sips:alice@contoso.com")); // true
 * ```
 */
export function sameIdentity(a: Uri, b: Uri): boolean {
  if (isSipUri(a) && isSipUri(b)) {
    return (a.user ?? "").toLowerCase() === (b.user ?? "").toLowerCase() &&
      a.host.toLowerCase() === b.host.toLowerCase();
  }
  if (a.scheme === "tel" && b.scheme === "tel") {
    return telDigits((a as { number: string }).number) ===
      telDigits((b as { number: string }).number);
  }
  return false;
}

function asserted(uri: string, displayName: string | undefined): string {
  return displayName === undefined
    ? `<${uri}>`
    : `"${displayName.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}" <${uri}>`;
}

/**
 * Server side, for a request from an authenticated client that the server forwards: removes
 * the client's P-Asserted-Identity, validates and removes P-Preferred-Identity, and inserts
 * P-Asserted-Identity (see the module description).
 *
 * @example
 * ```ts
 * assertIdentity(invite, { sip: "sip:alice@contoso.com" }); // { ok: true, asserted: ["<sip:alice@contoso.com>"] }
 * ```
 */
export function assertIdentity(
  request: SipMessage,
  identities: UserIdentities,
  options: AssertIdentityOptions = {},
): AssertionVerdict {
  const own: Array<{ text: string; uri: Uri }> = [
    { text: identities.sip, uri: parseUri(identities.sip) },
  ];
  if (identities.tel) own.push({ text: identities.tel, uri: parseUri(identities.tel) });
  let preferred: NameAddr[];
  try {
    preferred = identityValues(request, PPI);
  } catch {
    return reject(400, "auth-identity-malformed", "malformed P-Preferred-Identity");
  }
  const sipCount = preferred.filter((p) => isSipUri(p.uri)).length;
  const telCount = preferred.filter((p) => p.uri.scheme === "tel").length;
  if (sipCount > 1 || telCount > 1 || sipCount + telCount !== preferred.length) {
    // RFC 3325 §9.2 via §6: at most one sip/sips URI and one tel URI.
    return reject(
      400,
      "auth-identity-malformed",
      "P-Preferred-Identity needs one sip and/or tel URI",
    );
  }

  let chosen: string[];
  if (preferred.length > 0) {
    chosen = [];
    for (const p of preferred) {
      const match = own.find((o) => sameIdentity(p.uri, o.uri));
      if (!match) {
        return reject(
          403,
          "auth-preferred-identity-rejected",
          `${p.uriText} is not an identity of this user`,
        );
      }
      chosen.push(match.text);
    }
  } else {
    chosen = [identities.sip];
    if (options.includeTel && identities.tel) chosen.push(identities.tel);
  }

  const values = chosen.map((uri) => asserted(uri, identities.displayName));
  request.removeHeader(PAI);
  request.removeHeader(PPI);
  request.addHeader(PAI, values.join(", "));
  return { ok: true, asserted: values };
}

/**
 * Client side: states which of its identities the user prefers (RFC 3325 §9.2); the server
 * replaces it with P-Asserted-Identity. Call before signing: the value enters the buffer when no
 * P-Asserted-Identity is present (guide §6.1).
 *
 * @example
 * ```ts
 * preferIdentity(invite, "tel:+14255550100");
 * ```
 */
export function preferIdentity(request: SipMessage, ...uris: string[]): void {
  request.setHeader(PPI, uris.map((u) => `<${u}>`).join(", "));
}

/**
 * Before a request leaves for an untrusted hop: removes P-Asserted-Identity when the user asked
 * for privacy (`Privacy: id`, RFC 3325 §5, §7). Returns true when it was removed.
 *
 * @example
 * ```ts
 * stripForUntrustedHop(invite); // true when Privacy: id
 * ```
 */
export function stripForUntrustedHop(request: SipMessage): boolean {
  const privacy = request.headerValues("Privacy").flatMap((v) => v.split(";"))
    .map((v) => v.trim().toLowerCase());
  if (!privacy.includes("id")) return false;
  return request.removeHeader(PAI) > 0;
}

function reject(
  status: 400 | 403,
  diagnosticKind: "auth-identity-malformed" | "auth-preferred-identity-rejected",
  detail: string,
): AssertionVerdict {
  return {
    ok: false,
    status,
    reason: status === 400 ? "Bad Request" : "Forbidden",
    diagnosticKind,
    detail,
  };
}
