/**
 * One forwarded request's response context (RFC 3261 §16.7) and its branches: the context is
 * the instance the response context chart runs on; each branch is the TU of one client
 * transaction (§16.6 step 10) and owns its Timer C (§16.8) and its CANCEL (§9.1, §16.10).
 *
 * @module
 */
import { type SipRequest, SipResponse } from "../../../lab/sip/message/mod.ts";
import type { TimerHandle, TimerWheel } from "../../../lab/sip/timer/mod.ts";
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  Destination,
  ServerTransaction,
} from "../../../lab/sip/transaction/mod.ts";
import { createCancel, newTag } from "../../../lab/sip/dialog/mod.ts";
import { responseDestination } from "../../../lab/sip/transport/mod.ts";
import { ChartExecutor } from "../../../lab/statechart/mod.ts";
import { formatMsDiagnostics, msDiagnostics } from "../../../lab/protocols/ocer/mod.ts";
import type { UserAgentCore } from "../../../lab/sip/ua/mod.ts";
import { type BranchOutcome, chooseBestResponse } from "./best_response.ts";
import type { CancelHook, ProxyMetricsSink, ProxyTarget, ResponseHook } from "./proxy_options.ts";
import {
  responseContextChart,
  type ResponseContextEvent,
  type ResponseContextFields,
} from "./response_context_chart.ts";

/** RFC 3326 §2 / §16.7 step 10: why the other forks of an answered INVITE are cancelled. */
export const COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

/** What a context needs of its proxy. */
export interface ContextHost {
  readonly core: UserAgentCore;
  readonly wheel: TimerWheel;
  readonly timerCMs: number;
  readonly metrics: ProxyMetricsSink;
  readonly serverName: string | undefined;
  /** The proxy-wide `prepareCancel` (signing a branch's CANCEL). */
  readonly prepareCancel: CancelHook | undefined;
  /** The request is answered: stop matching CANCELs to it. */
  forget(context: ResponseContext): void;
}

const IGNORE: ClientTransactionHandlers = Object.freeze({
  onFinal() {},
  onTimeout() {},
  onTransportError() {},
});

/**
 * One branch (§16.6): the request as sent, where to, and what became of it.
 *
 * @example
 * ```ts
 * const branch = new Branch(context, 0, target, request, destination);
 * branch.start();
 * ```
 */
export class Branch implements ClientTransactionHandlers {
  transaction: ClientTransaction | undefined = undefined;
  provisional = false;
  final: BranchOutcome | undefined = undefined;
  #cancel: "none" | "wanted" | "sent" = "none";
  #cancelReason: string | undefined = undefined;
  #timerC: TimerHandle | undefined = undefined;

  constructor(
    readonly context: ResponseContext,
    readonly index: number,
    readonly target: ProxyTarget,
    readonly request: SipRequest,
    readonly destination: Destination,
  ) {}

  /** §16.6 steps 10–11: the client transaction, and Timer C for an INVITE. */
  start(): void {
    const host = this.context.host;
    try {
      this.transaction = host.core.sendInTransaction(this.request, this.destination, this);
    } catch (error) {
      this.onTransportError(error);
      return;
    }
    if (this.context.invite) this.#armTimerC();
  }

  onProvisional(response: SipResponse): void {
    if (this.final !== undefined || !popOwnVia(response)) return;
    const type = response.status === 100 ? "TRYING" : "PROVISIONAL";
    this.context.dispatch({ type, branch: this.index, response });
  }

  onFinal(response: SipResponse): void {
    if (!popOwnVia(response)) return;
    const status = response.status;
    const index = this.index;
    if (this.final !== undefined) {
      // RFC 6026 §7.2: further 2xx (retransmissions) come through the Accepted state.
      if (status < 300) this.context.dispatch({ type: "SUCCESS_AGAIN", branch: index, response });
      return;
    }
    const last = this.context.pending === 1;
    if (status < 300) {
      this.context.dispatch({ type: last ? "LAST_SUCCESS" : "SUCCESS", branch: index, response });
    } else if (status >= 600) {
      const type = last ? "LAST_GLOBAL_FAILURE" : "GLOBAL_FAILURE";
      this.context.dispatch({ type, branch: index, response });
    } else {
      const type = last ? "LAST_FAILURE" : "FAILURE";
      this.context.dispatch({ type, branch: index, response, local: false });
    }
  }

  /** §16.7 / §8.1.3.1: a timeout counts as a 408 from this branch. */
  onTimeout(): void {
    this.#localFailure(408, "Request Timeout", 5001);
  }

  /** §16.7 / §8.1.3.1: a transport failure counts as a 503 (chosen, it becomes 500). */
  onTransportError(_error?: unknown): void {
    this.#localFailure(503, "Service Unavailable", 1007);
  }

  /** The chart's `noteProvisional`: §9.1 waiting CANCEL, §16.7 step 2 Timer C restart. */
  noteProvisional(response: SipResponse): void {
    this.provisional = true;
    if (this.#cancel === "wanted") this.#sendCancel();
    if (response.status > 100 && this.#timerC !== undefined) this.#armTimerC();
  }

  /** The chart's `recordFinal`. */
  recordFinal(outcome: BranchOutcome): void {
    this.final = outcome;
    this.stopTimerC();
  }

  /**
   * Cancels the branch (§9.1): at once when a provisional response has come, else when the
   * first one does. Only pending INVITE branches are cancelled.
   */
  cancel(reason: string | undefined): void {
    if (!this.context.invite || this.final !== undefined || this.#cancel !== "none") return;
    this.#cancelReason = reason;
    this.#cancel = "wanted";
    if (this.provisional) this.#sendCancel();
  }

  /**
   * §16.8: "If the client transaction has received a provisional response, the proxy MUST
   * generate a CANCEL request matching that transaction. If the client transaction has not
   * received a provisional response, the proxy MUST behave as if the transaction received a
   * 408 (Request Timeout) response."
   */
  expire(): void {
    this.#timerC = undefined;
    if (this.final !== undefined) return;
    this.context.host.metrics.timerC();
    if (this.provisional) this.cancel(undefined);
    else this.#localFailure(408, "Request Timeout", 5001);
  }

  stopTimerC(): void {
    if (this.#timerC !== undefined) this.context.host.wheel.cancel(this.#timerC);
    this.#timerC = undefined;
  }

  #armTimerC(): void {
    this.stopTimerC();
    this.#timerC = this.context.host.wheel.schedule(this.context.host.timerCMs, fireTimerC, this);
  }

  #localFailure(status: number, reason: string, errorId: number): void {
    if (this.final !== undefined) return;
    const response = this.context.localResponse(status, reason, errorId);
    const type = this.context.pending === 1 ? "LAST_FAILURE" : "FAILURE";
    this.context.dispatch({ type, branch: this.index, response, local: true });
  }

  /** §9.1: the CANCEL goes where the INVITE went, with its branch; Reason per RFC 3326. */
  #sendCancel(): void {
    this.#cancel = "sent";
    const cancel = createCancel(this.request);
    if (this.#cancelReason !== undefined) cancel.addHeader("Reason", this.#cancelReason);
    this.context.host.prepareCancel?.(cancel, this.request, this.target);
    try {
      this.context.host.core.sendInTransaction(cancel, this.destination, IGNORE);
    } catch (error) {
      reportError(error);
    }
  }
}

function fireTimerC(branch: unknown): void {
  const b = branch as Branch;
  b.context.dispatch({ type: "TIMER_C", branch: b.index });
}

/**
 * §16.7 step 3: "The proxy removes the topmost Via header field value from the response."
 * False when that Via is not there (a response with a single Via was for this element).
 */
export function popOwnVia(response: SipResponse): boolean {
  if (response.vias.length < 2) return false;
  const field = response.header("via") as string;
  const end = topViaEnd(field);
  response.removeFirstHeader("via");
  if (end >= 0) response.prependHeader("Via", field.slice(end + 1).trimStart());
  return true;
}

/** The index of the comma ending the first via-parm of `field`, or -1 (outside quotes). */
function topViaEnd(field: string): number {
  let quoted = false;
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    if (c === '"') quoted = !quoted;
    else if (c === "\\" && quoted) i++;
    else if (c === "," && !quoted) return i;
  }
  return -1;
}

/**
 * The response context of one forwarded request; see the module documentation.
 *
 * @example
 * ```ts
 * const context = new ResponseContext(host, tx, request, [prepareResponse]);
 * context.addBranch(target, branchRequest, destination);
 * context.start();
 * ```
 */
export class ResponseContext implements ResponseContextFields {
  state = "";
  running = false;
  mailbox: ResponseContextEvent[] | undefined = undefined;
  readonly invite: boolean;
  pending = 0;
  readonly branches: Branch[] = [];
  #answered = false;

  constructor(
    readonly host: ContextHost,
    readonly tx: ServerTransaction,
    /** The request as received (before §16.4 Route processing). */
    readonly request: SipRequest,
    readonly responseHooks: readonly ResponseHook[],
  ) {
    this.invite = request.method === "INVITE";
  }

  addBranch(target: ProxyTarget, request: SipRequest, destination: Destination): Branch {
    const branch = new Branch(this, this.branches.length, target, request, destination);
    this.branches.push(branch);
    this.pending++;
    return branch;
  }

  /** Starts the chart, then every branch (§16.6: "in parallel"). */
  start(): void {
    executor.start(this);
    for (const branch of [...this.branches]) branch.start();
  }

  dispatch(event: ResponseContextEvent): void {
    executor.send(this, event);
  }

  /** §16.10: the caller's CANCEL. */
  cancelByCaller(): void {
    this.dispatch({ type: "CALLER_CANCEL" });
  }

  /** The chart's `forwardResponse` (§16.7 step 9). */
  forward(response: SipResponse): void {
    for (const hook of this.responseHooks) hook(response, this.request);
    const tx = this.tx;
    if (response.status >= 200 && !this.#answered) {
      this.#answered = true;
      this.host.metrics.answered(this.request.method, response.status);
    }
    if (tx.respond(response)) return;
    // RFC 6026 §8.7: once Timer L ended the server transaction, a 2xx still goes upstream.
    if (this.invite && response.status >= 200 && response.status < 300) {
      this.host.core.sendStateless(response, responseDestination(response, tx.source));
    }
  }

  /** The chart's `sendBestResponse` (§16.7 steps 6–9). */
  sendBest(): void {
    const outcomes: BranchOutcome[] = [];
    for (const branch of this.branches) if (branch.final) outcomes.push(branch.final);
    const best = chooseBestResponse(outcomes);
    if (!best.hasHeader("ms-diagnostics")) {
      // MS-OCER inbound routing 13004: the failure comes from the endpoints proxied to.
      best.setHeader(
        "ms-diagnostics",
        formatMsDiagnostics(msDiagnostics(
          13004,
          "Request was proxied to one or more registered endpoints",
          this.host.serverName,
        )),
      );
    }
    this.forward(best);
  }

  /** The chart's `cancelOthers` / `cancelAll`: CANCEL every pending INVITE branch but `except`. */
  cancelBranches(except: number, reason: string | undefined): void {
    for (const branch of this.branches) if (branch.index !== except) branch.cancel(reason);
  }

  /** The chart's `finish`. */
  finish(): void {
    for (const branch of this.branches) branch.stopTimerC();
    this.host.forget(this);
  }

  /**
   * A final response the proxy makes up for a branch (408 for a timeout, 503 for a transport
   * failure): the received request's Via, From, To (with a tag), Call-ID and CSeq (§8.2.6.2),
   * and an ms-diagnostics naming the cause (MS-OCER §8.6, §8.2).
   */
  localResponse(status: number, reason: string, errorId: number): SipResponse {
    const request = this.request;
    const response = new SipResponse(status, reason);
    for (const via of request.headerValues("via")) response.addHeader("Via", via);
    const to = request.header("to") as string;
    response.addHeader("From", request.header("from") as string);
    response.addHeader("To", request.to.tag === undefined ? `${to};tag=${newTag()}` : to);
    response.addHeader("Call-ID", request.callId);
    response.addHeader("CSeq", request.header("cseq") as string);
    const text = errorId === 5001 ? "Request timed out" : "Temporarily cannot route";
    response.addHeader(
      "ms-diagnostics",
      formatMsDiagnostics(msDiagnostics(errorId, text, this.host.serverName)),
    );
    return response;
  }
}

type Args = { context: ResponseContextFields; event: ResponseContextEvent };

function branchOf({ context, event }: Args): Branch {
  return (context as ResponseContext).branches[(event as { branch: number }).branch];
}

function responseOf({ event }: Args): SipResponse {
  return (event as { response: SipResponse }).response;
}

const executor = new ChartExecutor<ResponseContext, ResponseContextEvent>(
  responseContextChart.provide({
    actions: {
      noteProvisional: (args) => branchOf(args).noteProvisional(responseOf(args)),
      forwardResponse: (args) => (args.context as ResponseContext).forward(responseOf(args)),
      recordFinal: (args) => {
        const branch = branchOf(args);
        if (branch.final !== undefined) return;
        const event = args.event;
        branch.recordFinal({
          response: responseOf(args),
          local: (event.type === "FAILURE" || event.type === "LAST_FAILURE") && event.local,
        });
        args.context.pending--;
      },
      cancelOthers: (args) => {
        const reason = args.event.type.endsWith("SUCCESS") ? COMPLETED_ELSEWHERE : undefined;
        (args.context as ResponseContext).cancelBranches(branchOf(args).index, reason);
      },
      cancelAll: ({ context }) => (context as ResponseContext).cancelBranches(-1, undefined),
      sendBestResponse: ({ context }) => (context as ResponseContext).sendBest(),
      expireBranch: (args) => branchOf(args).expire(),
      finish: ({ context }) => (context as ResponseContext).finish(),
    },
  }),
);
