/**
 * Writing SIP messages (RFC 3261 §7): start line, one `Name: value` line per header field in
 * order (canonical long-form names), Content-Length recomputed from the body (§20.14), the
 * empty line, then the body octets. Values are written as stored (already unfolded).
 *
 * @module
 */
import type { AnySipMessage } from "./message.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Start line and header section, up to and including the empty line. */
function headText(msg: AnySipMessage): string {
  let out = msg.kind === "request"
    ? `${msg.method} ${msg.uri} ${msg.version}\r\n`
    : `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  // §18.3 / §20.14: Content-Length is always written (streams need it), recomputed from the
  // body, once, where the first Content-Length field stood (else last).
  let lengthWritten = false;
  for (const h of msg.headers) {
    if (h.key === "content-length") {
      if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
      lengthWritten = true;
    } else {
      out += `${h.name}: ${h.value}\r\n`;
    }
  }
  if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
  return out + "\r\n";
}

/**
 * Where messages with a body are assembled: reused, grown to the largest message seen, so a
 * send allocates only its exact-size result (not a 3×-header-sized buffer per message).
 */
let scratch = new Uint8Array(4096);

/**
 * Serializes a message to octets: UTF-8 header section followed by the body bytes.
 *
 * @example
 * ```ts
 * const bytes = serializeMessage(new SipRequest("OPTIONS", "sip:bob@example.com"));
 * ```
 */
export function serializeMessage(msg: AnySipMessage): Uint8Array {
  const head = headText(msg);
  if (msg.body.length === 0) return encoder.encode(head);
  // UTF-8 needs at most 3 octets per UTF-16 unit of the header section.
  const bound = head.length * 3 + msg.body.length;
  if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  const { written } = encoder.encodeInto(head, scratch);
  scratch.set(msg.body, written);
  return scratch.slice(0, written + msg.body.length);
}

/**
 * The message as text (the body decoded as UTF-8): for logs, traces and tests.
 *
 * @example
 * ```ts
 * messageToString(msg).startsWith("INVITE sip:bob@biloxi.com SIP/2.0\r\n");
 * ```
 */
export function messageToString(msg: AnySipMessage): string {
  return headText(msg) + (msg.body.length ? decoder.decode(msg.body) : "");
}
