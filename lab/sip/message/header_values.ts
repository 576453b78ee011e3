/**
 * Structured views of the header values the core reads (RFC 3261 §20, §25.1 grammar).
 * Parameters keep their original spelling and order; a parameter without a value maps to null.
 *
 * @module
 */
import type { Uri } from "./uri.ts";

/** A generic-param list (§25.1 `generic-param`): name (as written) → value, null when absent. */
export type Params = Map<string, string | null>;

/** One Via value (§20.42): `SIP/2.0/UDP host:port;branch=...;received=...;rport`. */
export interface Via {
  protocolName: string; // "SIP"
  protocolVersion: string; // "2.0"
  transport: string; // "UDP", "TCP", "TLS", "WS", "WSS", "SCTP" or an extension, uppercase
  host: string; // IPv6 references keep their brackets
  port?: number;
  /** Convenience copies of well-known params (also present in `params`). */
  branch?: string;
  received?: string;
  /** RFC 3581: null when present without value, number when filled in. */
  rport?: number | null;
  maddr?: string;
  ttl?: number;
  params: Params;
}

/** name-addr or addr-spec with header params (§20.10, §20.20, §20.39). */
export interface NameAddr {
  displayName?: string; // unquoted, escapes resolved
  uri: Uri;
  /** The URI text exactly as written (inside <> when it was bracketed). */
  uriText: string;
  tag?: string;
  params: Params;
  /** Contact: * (§10.2.2) */
  star?: boolean;
}

/** CSeq (§20.16). */
export interface CSeq {
  seq: number;
  method: string;
}
