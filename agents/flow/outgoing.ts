/**
 * What the flow runtime needs to know about a message it sends: read from the template before
 * rendering (the start line decides `[cseq]` and `[branch]`), and from the rendered text after
 * (Call-ID, CSeq and branch as written, for demultiplexing, retransmission and ACK/CANCEL).
 *
 * @module
 */
import { parseMessage } from "../../lab/sip/message/mod.ts";

/** The start line of a template, when it is literal text. */
export type TemplateStart =
  | { readonly kind: "request"; readonly method: string }
  | { readonly kind: "response"; readonly status: number };

/** RFC 3261 §25.1: a method is a token; placeholders (`[$method]`) are not. */
const METHOD = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/**
 * The start line of a template: a request's method, a response's status; undefined when the
 * start line is made of placeholders.
 *
 * @example
 * ```ts
 * templateStart("\nINVITE sip:[service]@[remote_ip] SIP/2.0\n"); // { kind: "request", method: "INVITE" }
 * templateStart("SIP/2.0 200 OK\n"); // { kind: "response", status: 200 }
 * ```
 */
export function templateStart(template: string): TemplateStart | undefined {
  const line = template.trimStart().split(/\r?\n/, 1)[0] ?? "";
  const [first, second] = line.split(/\s+/);
  if (first === undefined) return undefined;
  if (first.toUpperCase().startsWith("SIP/")) {
    const status = Number(second);
    return Number.isInteger(status) ? { kind: "response", status } : undefined;
  }
  return METHOD.test(first) ? { kind: "request", method: first } : undefined;
}

/** Facts of a rendered message. */
export interface OutgoingFacts {
  readonly kind: "request" | "response";
  /** The request's method; for a response, the method of its CSeq. */
  readonly method: string;
  /** A response's status code. */
  readonly status?: number;
  readonly callId?: string;
  /** CSeq number. */
  readonly cseq?: number;
  /** Branch of the top Via. */
  readonly branch?: string;
}

/** Parser leniency for what a flow writes: any scheme, Max-Forwards optional (SIPp-like). */
const LENIENT = { allowMissingMaxForwards: true } as const;

/**
 * The facts of a rendered message. A message the lab's parser rejects (a deliberately broken
 * one) is described from its start line only.
 *
 * @example
 * ```ts
 * describeOutgoing(new TextEncoder().encode(text)).callId;
 * ```
 */
export function describeOutgoing(bytes: Uint8Array): OutgoingFacts {
  try {
    const message = parseMessage(bytes, LENIENT);
    const cseq = message.cseq;
    if (message.kind === "request") {
      return {
        kind: "request",
        method: message.method,
        callId: message.callId,
        cseq: cseq.seq,
        branch: message.topVia.branch,
      };
    }
    return {
      kind: "response",
      method: cseq.method,
      status: message.status,
      callId: message.callId,
      cseq: cseq.seq,
      branch: message.topVia.branch,
    };
  } catch {
    const start = templateStart(new TextDecoder().decode(bytes.subarray(0, 200)));
    return start?.kind === "response"
      ? { kind: "response", method: "", status: start.status }
      : { kind: "request", method: start?.method ?? "" };
  }
}
