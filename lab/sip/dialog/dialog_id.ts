/**
 * Dialog identifiers (RFC 3261 §12): Call-ID, local tag and remote tag, seen from this UA.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";

/** The ID of a dialog from this UA's side (§12: "Call-ID, local tag, remote tag"). */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  /** Empty when the peer sent no tag (RFC 2543 peers, §12.2.2 backwards compatibility). */
  readonly remoteTag: string;
}

/**
 * A string key for maps. Call-IDs and tags compare byte by byte (§20.8, §19.3); a line feed
 * cannot occur in either, so it separates the parts.
 *
 * @example
 * ```ts
 * dialogKey({ callId: "a84b4c76e66710", localTag: "1928301774", remoteTag: "a6c85cf" });
 * ```
 */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\n${id.localTag}\n${id.remoteTag}`;
}

/** True when both IDs name the same dialog. */
export function sameDialogId(a: DialogId, b: DialogId): boolean {
  return a.callId === b.callId && a.localTag === b.localTag && a.remoteTag === b.remoteTag;
}

/**
 * The dialog an incoming request belongs to, from the receiving UA's side (§12.2.2: local tag
 * is the To tag, remote tag the From tag); undefined when the To header has no tag, i.e. the
 * request is outside any dialog.
 *
 * @example
 * ```ts
 * dialogIdOfRequest(bye); // { callId, localTag: bye.to.tag, remoteTag: bye.from.tag }
 * ```
 */
export function dialogIdOfRequest(req: SipRequest): DialogId | undefined {
  const localTag = req.to.tag;
  if (localTag === undefined) return undefined;
  return { callId: req.callId, localTag, remoteTag: req.from.tag ?? "" };
}

/**
 * The dialog a response received by a UAC belongs to (§12.1.2: local tag is the From tag,
 * remote tag the To tag); undefined when the To header has no tag.
 *
 * @example
 * ```ts
 * dialogIdOfResponse(ringing); // { callId, localTag: ringing.from.tag, remoteTag: ringing.to.tag }
 * ```
 */
export function dialogIdOfResponse(res: SipResponse): DialogId | undefined {
  const remoteTag = res.to.tag;
  if (remoteTag === undefined) return undefined;
  return { callId: res.callId, localTag: res.from.tag ?? "", remoteTag };
}
