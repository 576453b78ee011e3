/**
 * The SDP of an IM session (IM.md §2): one `m=message <port> sip null` stream whose transport
 * is SIP itself, and `a=accept-types` listing the body types the endpoint takes in MESSAGE
 * (RFC 4566 syntax; `x-ms-message` is the LCS 2005 spelling, read but never written).
 *
 * @module
 */

/** Content-Type of the session description. */
export const SDP_CONTENT_TYPE = "application/sdp";

/** What the lab's IM endpoints accept (IM.md §2 and §3). */
export const IM_ACCEPT_TYPES: readonly string[] = [
  "text/plain",
  "text/html",
  "text/rtf",
  "multipart/alternative",
  "application/im-iscomposing+xml",
];

/** One side of an IM session as its SDP says. */
export interface ImSessionDescription {
  /** Connection address (c=). */
  readonly address: string;
  /** The m= port (the SIP port; informational for a SIP-transported stream). */
  readonly port: number;
  /** Accepted content types, lowercase, in the order listed. */
  readonly acceptTypes: readonly string[];
}

/**
 * The offer (or answer) for an IM session (IM.md §2).
 *
 * @example
 * ```ts
 * imSdp({ address: "10.0.0.5", port: 5060, acceptTypes: ["text/plain"] });
 * // "v=0\r\no=- 0 0 IN IP4 10.0.0.5\r\ns=session\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n
 * //  m=message 5060 sip null\r\na=accept-types:text/plain\r\n"
 * ```
 */
export function imSdp(local: ImSessionDescription): string {
  const family = local.address.includes(":") ? "IP6" : "IP4";
  return [
    "v=0",
    `o=- 0 0 IN ${family} ${local.address}`,
    "s=session",
    `c=IN ${family} ${local.address}`,
    "t=0 0",
    `m=message ${local.port} sip null`,
    `a=accept-types:${local.acceptTypes.join(" ")}`,
    "",
  ].join("\r\n");
}

/** Why an SDP body does not describe an IM session. */
export type ImSdpProblem = "no-message-stream" | "not-sip-transport" | "no-connection";

/**
 * Reads the IM stream of a session description: its connection address, port and
 * accept-types (session-level c= when the media has none, RFC 4566 §5.7).
 *
 * @example
 * ```ts
 * const read = parseImSdp(offer);
 * if (read.ok) read.session.acceptTypes.includes("text/html");
 * ```
 */
export function parseImSdp(
  text: string,
): { ok: true; session: ImSessionDescription } | { ok: false; problem: ImSdpProblem } {
  let sessionAddress: string | undefined;
  let mediaAddress: string | undefined;
  let port: number | undefined;
  let inMessage = false;
  let acceptTypes: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("m=")) {
      const fields = line.slice(2).split(/\s+/);
      inMessage = fields[0] === "message" || fields[0] === "x-ms-message";
      if (inMessage) {
        if (fields[2]?.toLowerCase() !== "sip") return { ok: false, problem: "not-sip-transport" };
        port = Number(fields[1]);
      }
    } else if (line.startsWith("c=")) {
      const address = line.split(/\s+/)[2];
      if (port === undefined) sessionAddress = address;
      else if (inMessage) mediaAddress = address;
    } else if (inMessage && line.startsWith("a=accept-types:")) {
      acceptTypes = line.slice("a=accept-types:".length).trim().split(/\s+/)
        .map((t) => t.toLowerCase());
    }
  }
  if (port === undefined || !Number.isInteger(port)) {
    return { ok: false, problem: "no-message-stream" };
  }
  const address = mediaAddress ?? sessionAddress;
  if (address === undefined) return { ok: false, problem: "no-connection" };
  return { ok: true, session: { address, port, acceptTypes } };
}
