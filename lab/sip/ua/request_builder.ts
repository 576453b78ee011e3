/**
 * Requests outside any dialog, built as RFC 3261 §8.1.1 lists: Request-URI, To, From with a
 * fresh tag, a new Call-ID, CSeq 1, Max-Forwards 70, Contact where a dialog may result, and the
 * body. Via is left to the core, which knows the transport (§8.1.1.7, §18.1.1).
 *
 * @module
 */
import { formatNameAddr, type NameAddr, parseNameAddr } from "../message/header_values.ts";
import { SipRequest } from "../message/message.ts";
import { newTag, randomHex } from "../dialog/mod.ts";

/** Options of {@link buildOutOfDialogRequest}. */
export interface OutOfDialogRequestOptions {
  /** The To value: a URI or a name-addr, without tag (§8.1.1.2). */
  to: string;
  /** The From value: a URI or a name-addr; a tag is added when it has none (§8.1.1.3). */
  from: string;
  /** Default: the To URI (§8.1.1.1). */
  requestUri?: string;
  /** Default: a new random Call-ID (§8.1.1.4). */
  callId?: string;
  /** Default 1 (§8.1.1.5: any value below 2**31). */
  cseq?: number;
  /** The body; a string is sent as UTF-8. */
  body?: Uint8Array | string;
  /** Content-Type of the body (required with a non-empty body, §7.4.1). */
  contentType?: string;
  /** Further header fields, written after the mandatory ones, in order. */
  headers?: ReadonlyArray<readonly [name: string, value: string]>;
}

/** What the UA adds from its own configuration. */
export interface RequestDefaults {
  /** Contact value (name-addr) for requests that can establish a dialog or a binding. */
  contact: string;
  /** Allow value, sent in INVITE (§20.5 "SHOULD") and OPTIONS. */
  allow: string;
  /** Supported value (§8.1.1.9), omitted when empty. */
  supported: string;
}

/**
 * Methods whose requests carry Contact: the dialog-creating ones (§8.1.1.8: INVITE; RFC 6665
 * §4.1.2 SUBSCRIBE; RFC 3515 §2.4 REFER) and REGISTER, whose Contact is the binding (§10.2).
 */
const CONTACT_METHODS: ReadonlySet<string> = new Set(["INVITE", "SUBSCRIBE", "REFER", "REGISTER"]);

const encoder = new TextEncoder();

/** A Call-ID of 128 random bits in hex (§8.1.1.4: "globally unique ... over space and time"). */
export function newCallId(): string {
  return randomHex(16);
}

/** A name-addr string from a URI or name-addr text, without a tag. */
function party(value: string): NameAddr {
  return parseNameAddr(value.includes("<") || !value.includes(";") ? value : `<${value}>`);
}

/**
 * Builds a request outside any dialog (§8.1.1). No Via: the core adds it when it sends.
 *
 * @example
 * ```ts
 * const invite = buildOutOfDialogRequest("INVITE", {
 *   to: "sip:bob@127.0.0.1:5070", from: "sip:alice@127.0.0.1", body: sdp,
 *   contentType: "application/sdp",
 * }, { contact: "<sip:alice@127.0.0.1:5062>", allow: "INVITE, ACK, BYE, CANCEL", supported: "" });
 * ```
 */
export function buildOutOfDialogRequest(
  method: string,
  opts: OutOfDialogRequestOptions,
  defaults: RequestDefaults,
): SipRequest {
  const to = party(opts.to);
  if (to.tag !== undefined) throw new Error("a request outside a dialog has no To tag (§8.1.1.2)");
  const parsedFrom = party(opts.from);
  // §8.1.1.3: "The From field MUST contain a new "tag" parameter, chosen by the UAC."
  const from = parsedFrom.tag !== undefined
    ? parsedFrom
    : { ...parsedFrom, params: new Map(parsedFrom.params).set("tag", newTag()) };
  const req = new SipRequest(method, opts.requestUri ?? to.uriText);
  // §8.1.1.6: Max-Forwards SHOULD be 70.
  req.addHeader("Max-Forwards", "70");
  req.addHeader("To", formatNameAddr(to));
  req.addHeader("From", formatNameAddr(from));
  req.addHeader("Call-ID", opts.callId ?? newCallId());
  req.addHeader("CSeq", `${opts.cseq ?? 1} ${method}`);
  if (CONTACT_METHODS.has(method)) req.addHeader("Contact", defaults.contact);
  if (method === "INVITE" || method === "OPTIONS") req.addHeader("Allow", defaults.allow);
  if (defaults.supported !== "") req.addHeader("Supported", defaults.supported);
  for (const [name, value] of opts.headers ?? []) req.addHeader(name, value);
  if (opts.body !== undefined) {
    const body = typeof opts.body === "string" ? encoder.encode(opts.body) : opts.body;
    if (body.length > 0) {
      if (opts.contentType === undefined) throw new Error("a body needs a Content-Type");
      req.addHeader("Content-Type", opts.contentType);
      req.body = body;
    }
  }
  return req;
}
