/**
 * The IM client agent of one signed-in endpoint (IM.md): it opens sessions (`invite`), takes
 * the INVITEs that offer IM, and routes in-dialog MESSAGE / INFO / ACK and dialog ends to the
 * session they belong to. It does not own the core's handler: whatever signed the endpoint in
 * calls `handleRequest`, `handleAck` and `handleDialogTerminated` (or uses `asHandler()` when
 * IM is all the endpoint does).
 *
 * @example
 * ```ts
 * const agent = new ImAgent(endpoint, { listener: { onMessage: (s, m) => console.log(m.text) } });
 * const session = agent.invite("sip:bob@lab.test", plainText("hello"));
 * session.send(htmlText("<b>again</b>"));
 * ```
 *
 * @module
 */
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import type { ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import type { Dialog } from "../../lab/sip/dialog/mod.ts";
import type { UaHandler } from "../../lab/sip/ua/mod.ts";
import { diagnosticsFor, setDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import {
  IM_ACCEPT_TYPES,
  parseContentType,
  parseImSdp,
  SDP_CONTENT_TYPE,
} from "../../lab/protocols/im/mod.ts";
import {
  type ImEndpoint,
  type ImListener,
  type ImMetricsSink,
  NO_IM_METRICS,
  type OutgoingImMessage,
} from "./im_endpoint.ts";
import { ImSession, type SessionHost } from "./im_session.ts";

/** Options of {@link ImAgent}. */
export interface ImAgentOptions {
  listener?: ImListener<ImSession>;
  metrics?: ImMetricsSink;
  /** Body types offered in a=accept-types and Accept (default IM_ACCEPT_TYPES). */
  acceptTypes?: readonly string[];
  /** Clock of the measurements, ms; default performance.now. */
  now?: () => number;
}

/** The IM agent; see the module documentation. */
export class ImAgent implements SessionHost {
  readonly listener: ImListener<ImSession>;
  readonly metrics: ImMetricsSink;
  readonly acceptTypes: readonly string[];
  readonly now: () => number;
  readonly #sessions = new Map<Dialog, ImSession>();
  readonly #open = new Set<ImSession>();

  constructor(readonly endpoint: ImEndpoint, options: ImAgentOptions = {}) {
    this.listener = options.listener ?? {};
    this.metrics = options.metrics ?? NO_IM_METRICS;
    this.acceptTypes = options.acceptTypes ?? IM_ACCEPT_TYPES;
    this.now = options.now ?? (() => performance.now());
  }

  /** Sessions not ended yet. */
  get sessions(): number {
    return this.#open.size;
  }

  /** Opens a session with `peer` (an AOR), `first` riding in the INVITE (IM.md §2). */
  invite(peer: string, first?: OutgoingImMessage): ImSession {
    const session = new ImSession(this, "inviter", peer, first);
    this.#open.add(session);
    session.start("START");
    return session;
  }

  /**
   * Takes `request` when it is IM's: an INVITE offering an `m=message` stream, or a MESSAGE /
   * INFO in a session's dialog. False when it is not (the host answers it).
   */
  handleRequest(tx: ServerTransaction, request: SipRequest, dialog: Dialog | undefined): boolean {
    if (dialog !== undefined) {
      const session = this.#sessions.get(dialog);
      if (session === undefined) return false;
      if (request.method !== "MESSAGE" && request.method !== "INFO") return false;
      session.inbound = { tx, request };
      session.dispatch({ type: request.method === "MESSAGE" ? "MESSAGE_IN" : "INFO_IN" });
      session.inbound = undefined;
      // A session that is not in a state to take it (ending): §12.2.2's answer.
      if (tx.lastResponse === undefined) this.#answer(tx, request, 481);
      return true;
    }
    if (request.method !== "INVITE" || !offersIm(request)) return false;
    const session = new ImSession(this, "invitee", request.from.uriText, undefined);
    this.#open.add(session);
    session.inbound = { tx, request };
    session.start("OFFERED");
    session.inbound = undefined;
    return true;
  }

  /** The ACK for a session's 200 (invitee). False when the dialog is not IM's. */
  handleAck(_ack: SipRequest, dialog: Dialog): boolean {
    const session = this.#sessions.get(dialog);
    session?.dispatch({ type: "ACKED" });
    return session !== undefined;
  }

  /** A dialog ended (the core's `onDialogTerminated`). False when it is not IM's. */
  handleDialogTerminated(dialog: Dialog, cause: string): boolean {
    const session = this.#sessions.get(dialog);
    if (session === undefined) return false;
    if (cause === "BYE_RECEIVED") session.dispatch({ type: "REMOTE_BYE" });
    else if (cause === "BYE_COMPLETED") session.dispatch({ type: "BYE_DONE" });
    else session.dispatch({ type: "DIALOG_GONE" });
    return true;
  }

  /**
   * A handler for a core that does IM only: what the agent does not take is refused — an
   * INVITE without an IM offer with 488 (§21.4.26, Warning 304), MESSAGE / INFO outside a
   * session with 481 (IM.md §8), anything else 200 (OPTIONS).
   */
  asHandler(): UaHandler {
    return {
      onRequest: (tx, request, dialog) => {
        if (this.handleRequest(tx, request, dialog)) return;
        if (request.method === "INVITE") this.#answer(tx, request, 488);
        else if (request.method === "MESSAGE" || request.method === "INFO") {
          this.#answer(tx, request, 481);
        } else this.endpoint.core.respond(tx, this.endpoint.core.createResponse(request, 200));
      },
      onAck: (ack, dialog) => void this.handleAck(ack, dialog),
      onDialogTerminated: (dialog, cause) => void this.handleDialogTerminated(dialog, cause),
    };
  }

  bind(dialog: Dialog, session: ImSession): void {
    this.#sessions.set(dialog, session);
  }

  unbind(session: ImSession): void {
    this.#open.delete(session);
    if (session.dialog !== undefined && this.#sessions.get(session.dialog) === session) {
      this.#sessions.delete(session.dialog);
    }
  }

  #answer(tx: ServerTransaction, request: SipRequest, status: 481 | 488): void {
    const core = this.endpoint.core;
    const headers: Array<[string, string]> = status === 488
      ? [["Warning", `304 ${core.identity?.viaHost ?? "-"} "Media type not available"`]]
      : [];
    const response = core.createResponse(request, status, undefined, { headers });
    if (status === 488) {
      const plan = diagnosticsFor("content-type-mismatch");
      setDiagnostics(response, plan.diagnostics, plan.header);
    }
    core.respond(tx, response);
    this.metrics.refused(request.method, status);
  }
}

/** IM.md §2: an INVITE whose SDP offers a `message` stream over SIP. */
function offersIm(request: SipRequest): boolean {
  const type = parseContentType(request.header("content-type") ?? "");
  if (type?.mediaType !== SDP_CONTENT_TYPE) return false;
  return parseImSdp(new TextDecoder().decode(request.body)).ok;
}
