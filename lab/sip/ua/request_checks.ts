/**
 * The checks a UAS core runs on a new request before any TU sees it (RFC 3261 §8.2.1–§8.2.2):
 * method, Request-URI scheme and Require. Each returns the answer the core must send, or
 * undefined when the request passes. (Merged requests, §8.2.2.2, need state: see
 * merged_requests.ts.)
 *
 * @module
 */
import type { SipRequest } from "../message/message.ts";
import { KNOWN_METHODS } from "./methods.ts";

/** An answer the core sends itself instead of passing the request on. */
export interface Rejection {
  status: number;
  reason: string;
  /** Header fields the answer carries (Allow, Unsupported), in order. */
  headers: Array<[name: string, value: string]>;
}

/**
 * RFC 3261 §8.2.1: a method the UA does not support is refused with 405 (Method Not Allowed)
 * when the method is one the UA recognises (§21.4.6), and 501 (Not Implemented) when it does
 * not recognise it at all (§21.5.2). Both carry Allow (§8.2.1: "MUST include an Allow header
 * field"; §20.5).
 *
 * @example
 * ```ts
 * checkMethod(register, new Set(["INVITE", "ACK", "BYE", "CANCEL"]), "INVITE, ACK, BYE, CANCEL");
 * // { status: 405, reason: "Method Not Allowed", headers: [["Allow", "INVITE, ACK, BYE, CANCEL"]] }
 * ```
 */
export function checkMethod(
  request: SipRequest,
  supported: ReadonlySet<string>,
  allowHeader: string,
): Rejection | undefined {
  if (supported.has(request.method)) return undefined;
  const headers: Array<[string, string]> = [["Allow", allowHeader]];
  return KNOWN_METHODS.has(request.method)
    ? { status: 405, reason: "Method Not Allowed", headers }
    : { status: 501, reason: "Not Implemented", headers };
}

/**
 * RFC 3261 §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD
 * reject the request with a 416 (Unsupported URI Scheme) response." `schemes` are lowercase.
 *
 * @example
 * ```ts
 * checkUriScheme(telInvite, ["sip", "sips"]); // { status: 416, ... }
 * ```
 */
export function checkUriScheme(
  request: SipRequest,
  schemes: readonly string[],
): Rejection | undefined {
  if (schemes.includes(request.requestUri.scheme)) return undefined;
  return { status: 416, reason: "Unsupported URI Scheme", headers: [] };
}

/**
 * RFC 3261 §8.2.2.3: option tags in Require that the UAS does not support get 420 (Bad
 * Extension) with an Unsupported header field listing exactly those tags. ACK and CANCEL are
 * exempt: an ACK is never answered (§17.2.3) and a CANCEL carries no Require of its own
 * (§9.1), it only stops the request it names. Option tags are tokens, compared
 * case-insensitively (§7.3.1); `supported` holds them lowercase.
 *
 * @example
 * ```ts
 * checkRequire(invite, new Set(["timer"])); // Require: 100rel, timer → 420, Unsupported: 100rel
 * ```
 */
export function checkRequire(
  request: SipRequest,
  supported: ReadonlySet<string>,
): Rejection | undefined {
  if (request.method === "ACK" || request.method === "CANCEL") return undefined;
  const unsupported: string[] = [];
  for (const field of request.headerValues("require")) {
    for (const item of field.split(",")) {
      const tag = item.trim();
      if (tag.length > 0 && !supported.has(tag.toLowerCase()) && !unsupported.includes(tag)) {
        unsupported.push(tag);
      }
    }
  }
  if (unsupported.length === 0) return undefined;
  return {
    status: 420,
    reason: "Bad Extension",
    headers: [["Unsupported", unsupported.join(", ")]],
  };
}
