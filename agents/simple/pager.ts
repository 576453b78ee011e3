/**
 * Pager-mode instant messages (RFC 3428): sending a MESSAGE through the proxy, with a signed
 * retry after 407, and judging a received one — 200 for a content type the lab reads, 415
 * Unsupported Media Type with an Accept header otherwise (RFC 3428 §7, RFC 3261 §21.4.13).
 *
 * @example
 * ```ts
 * const result = await sendMessage(user, "sip:bob@lab.test", "hello");
 * result.ok; // true once Bob's UA answered 200 (through the proxy)
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { diagnosticsFor, formatMsDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import {
  answerChallenge,
  isChallenge,
  nextAttempt,
  sendSigned,
  type SimpleUserContext,
} from "./user_context.ts";

/** Content types a lab user reads (RFC 3428 §7: text/plain MUST be supported). */
export const MESSAGE_CONTENT_TYPES: readonly string[] = ["text/plain"];

/** How a MESSAGE ended. */
export interface MessageResult {
  ok: boolean;
  status: number;
  reason: string;
}

/** A MESSAGE received and accepted. */
export interface ReceivedMessage {
  /** The sender's URI (From, RFC 3428 §7). */
  from: string;
  /** The recipient's AoR as addressed (To). */
  to: string;
  contentType: string;
  text: string;
}

/** How many signed retries follow challenges before giving up. */
const MAX_CHALLENGE_ROUNDS = 2;

/**
 * Sends `text` as a MESSAGE to `to` (RFC 3428 §4) through the user's server; resolves with the
 * final answer (a 2xx means the recipient's UA accepted it, §7).
 *
 * @example
 * ```ts
 * await sendMessage(alice, "sip:bob@lab.test", "lunch?");
 * ```
 */
export function sendMessage(
  user: SimpleUserContext,
  to: string,
  text: string,
  contentType = "text/plain;charset=UTF-8",
): Promise<MessageResult> {
  const { promise, resolve } = Promise.withResolvers<MessageResult>();
  let rounds = 0;
  const attempt = (request: SipRequest) => {
    sendSigned(user, request, {
      onFinal: (response: SipResponse) => {
        if (
          isChallenge(response) && rounds < MAX_CHALLENGE_ROUNDS &&
          answerChallenge(user, response) === "answered"
        ) {
          rounds++;
          attempt(nextAttempt(request));
          return;
        }
        resolve({
          ok: response.status >= 200 && response.status < 300,
          status: response.status,
          reason: response.reason,
        });
      },
    });
  };
  attempt(user.core.createRequest("MESSAGE", {
    to,
    from: user.fromValue,
    body: text,
    contentType,
  }));
  return promise;
}

/** The verdict on a received MESSAGE. */
export type MessageVerdict =
  | { accepted: true; message: ReceivedMessage }
  | { accepted: false; status: number; reason: string; headers: [string, string][] };

/**
 * Judges a received MESSAGE: the content types of {@link MESSAGE_CONTENT_TYPES} are accepted;
 * any other is refused with 415, the Accept list (RFC 3261 §21.4.13) and the lab's diagnostics
 * header (MS-OCER, ignored by standard peers); an empty or non-UTF-8 body with 400.
 *
 * @example
 * ```ts
 * const verdict = judgeMessage(request);
 * if (!verdict.accepted) respond(verdict.status, verdict.reason, verdict.headers);
 * ```
 */
export function judgeMessage(request: SipRequest): MessageVerdict {
  const contentType = request.header("content-type") ?? "";
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  if (request.body.length === 0) {
    return { accepted: false, status: 400, reason: "Bad Request - Empty MESSAGE", headers: [] };
  }
  if (!MESSAGE_CONTENT_TYPES.includes(mediaType)) {
    const plan = diagnosticsFor("content-type-mismatch");
    return {
      accepted: false,
      status: plan.status,
      reason: "Unsupported Media Type",
      headers: [
        ["Accept", MESSAGE_CONTENT_TYPES.join(", ")],
        [plan.header, formatMsDiagnostics(plan.diagnostics, plan.header)],
      ],
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(request.body);
  } catch {
    return { accepted: false, status: 400, reason: "Bad Request - Body Not UTF-8", headers: [] };
  }
  return {
    accepted: true,
    message: {
      from: request.from.uriText.replace(/^<|>$/g, ""),
      to: request.to.uriText.replace(/^<|>$/g, ""),
      contentType,
      text,
    },
  };
}
