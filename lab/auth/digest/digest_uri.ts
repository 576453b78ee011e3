/**
 * The check of the credentials' `uri` against the Request-URI. RFC 2617 §3.2.2.5 / RFC 7616
 * §3.4.6 want both to name the same resource (else 400 Bad Request); RFC 3261 §22.4 item 6
 * relaxes this for SIP, since a proxy may have retargeted the request: a server MAY check the
 * digest-uri, and a mismatch is "not necessarily a failure".
 *
 * Policies: `exact` — the same text; `equivalent` — the same scheme, user, host (any case) and
 * port, URI parameters and headers ignored (what survives retargeting through a proxy that only
 * adds `;transport=` or `;lr`); `any` — not checked.
 *
 * @example
 * ```ts
 * digestUriMatches("sip:bob@Biloxi.com", "sip:bob@biloxi.com;transport=tcp", "equivalent"); // true
 * digestUriMatches("sip:bob@biloxi.com", "sip:alice@biloxi.com", "equivalent"); // false
 * ```
 *
 * @module
 */
import { isSipUri, parseUri, type Uri } from "../../sip/message/mod.ts";

/** How strictly the digest-uri must match the Request-URI. */
export type DigestUriPolicy = "exact" | "equivalent" | "any";

function tryParse(text: string): Uri | undefined {
  try {
    return parseUri(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether `digestUri` (from the credentials) is acceptable for `requestUri` under `policy`.
 *
 * @example
 * ```ts
 * digestUriMatches("sip:biloxi.com", "sip:biloxi.com:5061", "equivalent"); // false (port differs)
 * ```
 */
export function digestUriMatches(
  digestUri: string,
  requestUri: string,
  policy: DigestUriPolicy,
): boolean {
  if (policy === "any" || digestUri === requestUri) return true;
  if (policy === "exact") return false;
  const a = tryParse(digestUri);
  const b = tryParse(requestUri);
  if (a === undefined || b === undefined) return false;
  if (isSipUri(a) && isSipUri(b)) {
    // RFC 3261 §19.1.4: scheme, user and port compare exactly, host case-insensitively.
    return a.scheme === b.scheme && a.user === b.user && a.port === b.port &&
      a.host.toLowerCase() === b.host.toLowerCase();
  }
  if (a.scheme === "tel" && b.scheme === "tel" && "number" in a && "number" in b) {
    return a.number === b.number;
  }
  return false;
}
