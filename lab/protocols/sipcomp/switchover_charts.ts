/**
 * The MS-SIPCOMP switch-over, one chart per role (guide §4.1, §4.2): a connection starts
 * uncompressed, carries one NEGOTIATE transaction uncompressed, and after its 200 OK both
 * directions are compressed (guide §2.4); a refusal leaves the hop uncompressed for good, and
 * a decompression error tears the connection down (MS-SIPCOMP §3.2.5).
 *
 * ```
 * client: Uncompressed --START--> Negotiating --ACCEPTED--> Compressed
 *                                             --REFUSED---> Plain
 *                                             --TIMEOUT / CONNECTION_LOST--> Closed
 *         Compressed --DECOMPRESSION_ERROR / CONNECTION_LOST--> Closed
 * server: Uncompressed --OFFER & policy--> Compressed; --OFFER / NO_OFFER / MESSAGE--> Plain
 *         Plain, Compressed: a later NEGOTIATE is answered 403 and changes nothing
 * ```
 *
 * Pure data plus named actions (switchover_actions.ts); flat, so lab/statechart can run them.
 *
 * @module
 */
import { setup } from "xstate";
import {
  clientActions,
  serverActions,
  serverGuards,
  type SipcompClientEvent,
  type SipcompClientRecord,
  type SipcompServerEvent,
  type SipcompServerRecord,
} from "./switchover_actions.ts";

const settled = (mode: "compressed" | "uncompressed") =>
  ({ type: "reportSettled", params: { mode } }) as const;
const closed = (cause: "timeout" | "connection-lost" | "decompression-error") =>
  ({ type: "reportClosed", params: { cause } }) as const;
const answer = (answer: "accept" | "refuse" | "late" | "as-classified") =>
  ({ type: "answerNegotiate", params: { answer } }) as const;

/**
 * The protocol client's switch-over.
 *
 * @example
 * ```ts
 * const executor = new ChartExecutor<SipcompClientRecord, SipcompClientEvent>(sipcompClientChart);
 * executor.start(record);
 * executor.send(record, { type: "START" });
 * ```
 */
export const sipcompClientChart = setup({
  types: {
    context: {} as SipcompClientRecord,
    input: {} as SipcompClientRecord,
    events: {} as SipcompClientEvent,
  },
  actions: clientActions,
}).createMachine({
  id: "sipcompClient",
  context: ({ input }) => input,
  initial: "Uncompressed",
  states: {
    Uncompressed: {
      on: {
        // Guide §2.1 / §6 item 1: NEGOTIATE first on a new connection (after TLS), nothing else
        // sent until its final response (guide §2.3).
        START: { target: "Negotiating", actions: ["sendNegotiate", "startNegotiationTimer"] },
      },
    },
    Negotiating: {
      on: {
        // MS-SIPCOMP §4.2: 200 + Compression: LZ77-8K. Guide §2.4: the client compresses all it
        // sends after receiving the 200 and decompresses all that follows the 200.
        NEGOTIATE_ACCEPTED: {
          target: "Compressed",
          actions: [
            "cancelNegotiationTimer",
            "rememberFlow",
            "installFilter",
            settled("compressed"),
          ],
        },
        // Guide §2.3: any other final response → both sides go on uncompressed.
        NEGOTIATE_REFUSED: {
          target: "Plain",
          actions: ["cancelNegotiationTimer", "rememberFlow", settled("uncompressed")],
        },
        // Guide §4.1: Timer F → closed (MS-CONMGMT reconnects).
        TIMEOUT: { target: "Closed", actions: ["closeFlow", closed("timeout")] },
        CONNECTION_LOST: {
          target: "Closed",
          actions: ["cancelNegotiationTimer", closed("connection-lost")],
        },
      },
    },
    Compressed: {
      on: {
        // MS-SIPCOMP §3.2.5: inconsistent flags or corrupt data → tear the connection down.
        DECOMPRESSION_ERROR: {
          target: "Closed",
          actions: ["closeFlow", closed("decompression-error")],
        },
        CONNECTION_LOST: { target: "Closed", actions: [closed("connection-lost")] },
      },
    },
    Plain: {
      on: {
        CONNECTION_LOST: { target: "Closed", actions: [closed("connection-lost")] },
      },
    },
    // Guide §6 item 8: compression state never outlives its connection.
    Closed: { type: "final" },
  },
});

/**
 * The SIP server's switch-over for one accepted connection.
 *
 * @example
 * ```ts
 * const executor = new ChartExecutor<SipcompServerRecord, SipcompServerEvent>(sipcompServerChart);
 * executor.start(record);
 * executor.send(record, { type: "NEGOTIATE_OFFER", request, source });
 * ```
 */
export const sipcompServerChart = setup({
  types: {
    context: {} as SipcompServerRecord,
    input: {} as SipcompServerRecord,
    events: {} as SipcompServerEvent,
  },
  actions: serverActions,
  guards: serverGuards,
}).createMachine({
  id: "sipcompServer",
  context: ({ input }) => input,
  initial: "Uncompressed",
  states: {
    Uncompressed: {
      on: {
        NEGOTIATE_OFFER: [
          // Guide §4.2: the 200 goes out uncompressed; the server compresses everything it
          // sends after it and decompresses everything after the NEGOTIATE (the client sends
          // nothing before it has the 200, guide §2.3).
          {
            guard: "compressionAllowed",
            target: "Compressed",
            actions: [answer("accept"), "installFilter", settled("compressed")],
          },
          // Policy says no: an answer without LZ77-8K keeps the hop uncompressed.
          { target: "Plain", actions: [answer("refuse"), settled("uncompressed")] },
        ],
        // Unsupported compression type (refusal) or malformed NEGOTIATE (400).
        NEGOTIATE_NO_OFFER: {
          target: "Plain",
          actions: [answer("as-classified"), settled("uncompressed")],
        },
        // Guide §4.2: the first message is not a NEGOTIATE → no compression on this connection.
        MESSAGE: { target: "Plain", actions: [settled("uncompressed")] },
        CONNECTION_LOST: { target: "Closed", actions: [closed("connection-lost")] },
      },
    },
    Compressed: {
      on: {
        // Guide §5: a NEGOTIATE after other traffic is refused; the state stays.
        NEGOTIATE_OFFER: { actions: [answer("late")] },
        NEGOTIATE_NO_OFFER: { actions: [answer("late")] },
        // MS-SIPCOMP §3.2.5: corrupt data or inconsistent flags → tear down.
        DECOMPRESSION_ERROR: {
          target: "Closed",
          actions: ["closeFlow", closed("decompression-error")],
        },
        CONNECTION_LOST: { target: "Closed", actions: [closed("connection-lost")] },
      },
    },
    Plain: {
      on: {
        NEGOTIATE_OFFER: { actions: [answer("late")] },
        NEGOTIATE_NO_OFFER: { actions: [answer("late")] },
        CONNECTION_LOST: { target: "Closed", actions: [closed("connection-lost")] },
      },
    },
    Closed: { type: "final" },
  },
});
