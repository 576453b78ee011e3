/**
 * Minimal SDP (RFC 4566) offer and answer (RFC 3264) for the audio sessions the fleet sets up:
 * one `m=audio` line with G.711 µ-law/A-law and telephone-event. The answer keeps the
 * offer's first codec the answerer supports (RFC 3264 §6.1).
 *
 * @example
 * ```ts
 * const offer = audioOffer({ address: "127.0.0.1", port: 6000, sessionId: 1 });
 * const answer = audioAnswer(offer, { address: "127.0.0.1", port: 7000, sessionId: 2 });
 * ```
 *
 * @module
 */

/** Where this side receives media, and the o= session id. */
export interface MediaEndpoint {
  address: string;
  port: number;
  sessionId: number;
}

/** RTP/AVP static payload types (RFC 3551 §6) and the dynamic telephone-event (RFC 4733). */
const CODECS: Readonly<Record<string, string>> = {
  "0": "PCMU/8000",
  "8": "PCMA/8000",
  "101": "telephone-event/8000",
};

/** MIME type of an SDP body. */
export const SDP_CONTENT_TYPE = "application/sdp";

function addressType(address: string): string {
  return address.includes(":") ? "IP6" : "IP4";
}

function session(local: MediaEndpoint, payloads: readonly string[]): string {
  const at = addressType(local.address);
  const lines = [
    "v=0",
    `o=sipfleet ${local.sessionId} ${local.sessionId} IN ${at} ${local.address}`,
    "s=sipfleet",
    `c=IN ${at} ${local.address}`,
    "t=0 0",
    `m=audio ${local.port} RTP/AVP ${payloads.join(" ")}`,
    ...payloads.map((pt) => `a=rtpmap:${pt} ${CODECS[pt]}`),
    ...(payloads.includes("101") ? ["a=fmtp:101 0-15"] : []),
    "a=sendrecv",
  ];
  return lines.join("\r\n") + "\r\n";
}

/** An audio offer with PCMU, PCMA and telephone-event. */
export function audioOffer(local: MediaEndpoint): string {
  return session(local, ["0", "8", "101"]);
}

/**
 * The answer to `offer`: the first offered audio codec this side supports, plus
 * telephone-event when offered. Throws when the offer has no audio line or no common codec
 * (the caller answers 488 Not Acceptable Here, RFC 3261 §13.3.1.3).
 */
export function audioAnswer(offer: string, local: MediaEndpoint): string {
  const media = offer.split(/\r?\n/).find((line) => line.startsWith("m=audio "));
  if (!media) throw new Error("SDP offer has no m=audio line");
  const offered = media.trim().split(" ").slice(3);
  const codec = offered.find((pt) => pt === "0" || pt === "8");
  if (!codec) throw new Error("no common audio codec");
  return session(local, offered.includes("101") ? [codec, "101"] : [codec]);
}
