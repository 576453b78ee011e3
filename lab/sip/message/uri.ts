/**
 * URIs (RFC 3261 §19.1, §25.1; tel: RFC 3966; IPv6 references RFC 5118).
 *
 * @module
 */
import type { Params } from "./header_values.ts";

/** sip: / sips: URI (§19.1.1). user/password are stored unescaped. */
export interface SipUri {
  scheme: "sip" | "sips";
  user?: string;
  password?: string;
  host: string; // hostname, IPv4, or "[v6]" with brackets
  port?: number;
  params: Params;
  headers: Map<string, string>;
}

/** tel: URI (RFC 3966). */
export interface TelUri {
  scheme: "tel";
  number: string;
  params: Params;
}

/** Any other absoluteURI (§25.1): kept as text. */
export interface OtherUri {
  scheme: string;
  text: string;
}

export type Uri = SipUri | TelUri | OtherUri;
