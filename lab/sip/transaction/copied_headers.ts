/**
 * Header values the transaction layer copies from one message into another it builds
 * (ACK §17.1.1.3, local responses §8.2.6.2).
 *
 * @module
 */
import { formatVia } from "../message/header_values.ts";
import type { AnySipMessage } from "../message/message.ts";

/**
 * The top Via value as written when its field holds one value (the usual case: copied
 * verbatim), else re-formatted from the parsed top Via (§7.3.1 comma lists).
 *
 * @example
 * ```ts
 * topViaText(invite); // "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds"
 * ```
 */
export function topViaText(msg: AnySipMessage): string {
  const field = msg.header("via");
  if (field === undefined) throw new Error("missing Via");
  return field.includes(",") ? formatVia(msg.topVia) : field;
}

/**
 * The first field value of `name`; throws when the message lacks it (the parser guarantees the
 * §8.1.1 mandatory headers on everything the layer receives).
 *
 * @example
 * ```ts
 * requiredHeader(invite, "from"); // "Alice <sip:alice@atlanta.example.com>;tag=1928301774"
 * ```
 */
export function requiredHeader(msg: AnySipMessage, name: string): string {
  const value = msg.header(name);
  if (value === undefined) throw new Error(`missing ${name} header`);
  return value;
}
