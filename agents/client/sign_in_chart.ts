/**
 * What one simulated Lync endpoint does to sign in and stay signed in (MS-CONMGMT §5.1,
 * MS-SIPREGE §7.1, MS-SIPAE §3.2): connect to the front end, optionally negotiate compression
 * (MS-SIPCOMP), REGISTER through the security-association handshake (every challenge answered
 * by the MS-SIPAE client, which signs from then on), subscribe to in-band provisioning, then stay
 * online refreshing the registration before it expires. A dropped connection sends the
 * endpoint through a randomized back-off to reconnect and register again; sign-out unregisters
 * (`Expires: 0`) and closes.
 *
 * The chart is pure data with named actions; lync_client.ts binds them to the connection, the
 * user agent core and the timer wheel, and runs the chart on the compiled executor.
 *
 * @example
 * ```ts
 * import { createActor } from "xstate";
 * const actor = createActor(signInChart, {
 *   input: { state: "", running: false, mailbox: undefined, compression: false, retriesLeft: 3 },
 * });
 * actor.start();
 * actor.send({ type: "SIGN_IN" });
 * actor.getSnapshot().value; // "connecting"
 * ```
 *
 * @module
 */
import { setup } from "xstate";
import type { ChartInstance } from "../../lab/statechart/mod.ts";

/** The fields of an endpoint the chart's guards read. */
export interface SignInChartContext extends ChartInstance {
  /** MS-SIPCOMP negotiation wanted on each new connection. */
  compression: boolean;
  /** Reconnection attempts still allowed (0: a drop ends the endpoint as failed). */
  retriesLeft: number;
}

/** Events the connection, the user agent core, the timers and the driver feed in. */
export type SignInEvent =
  | { type: "SIGN_IN" }
  /** The TCP/TLS connection is up. */
  | { type: "CONNECTED" }
  | { type: "CONNECT_FAILED" }
  /** The NEGOTIATE settled (compressed or not, MS-SIPCOMP §3.1.5). */
  | { type: "NEGOTIATED" }
  /** A 401/407 the authentication client will answer: send the REGISTER again. */
  | { type: "CHALLENGED" }
  /** 2xx to REGISTER (signature verified when an SA exists). */
  | { type: "REGISTERED" }
  /** A final failure to REGISTER (refused credentials, 403, 404, timeout…). */
  | { type: "REJECTED" }
  /** MS-SIPREGE §5 step 5: 301 to REGISTER, the user is homed elsewhere (Contact). */
  | { type: "REDIRECTED" }
  /** 2xx to the provisioning SUBSCRIBE. */
  | { type: "PROVISIONED" }
  | { type: "PROVISIONING_FAILED" }
  /** The registration is due for refresh (a margin before it expires). */
  | { type: "REFRESH_DUE" }
  /** MS-SIPREGE §4 deregistration NOTIFY: `rejected` / `unregistered`, stop for good. */
  | { type: "DEREGISTERED" }
  /** MS-SIPREGE §4 deregistration NOTIFY: `deactivated` / `preferred-registrar-change`. */
  | { type: "MOVED" }
  /** The connection failed: peer close, reset, write error, framing or filter failure. */
  | { type: "CONNECTION_LOST" }
  | { type: "BACKOFF_ELAPSED" }
  | { type: "SIGN_OUT" }
  /** The answer to the unregistering REGISTER, or its failure. */
  | { type: "UNREGISTERED" };

/** The endpoint chart; its state names are what the dashboard counts per user. */
export const signInChart = setup({
  types: {
    context: {} as SignInChartContext,
    input: {} as SignInChartContext,
    events: {} as SignInEvent,
  },
  actions: {
    /** MS-CONMGMT §2: open the TCP/TLS connection to the (discovered) outbound proxy. */
    openConnection: () => {},
    /** MS-SIPCOMP §3.1: the NEGOTIATE is the first message on the new connection. */
    negotiateCompression: () => {},
    /**
     * REGISTER (MS-SIPREGE §2: epid, +sip.instance, gruu-10, Event: registration, one
     * Ms-Keep-Alive), authorized by the MS-SIPAE client: the first carries no credentials or
     * the SA's signature, later ones the next handshake token.
     */
    sendRegister: () => {},
    /** Reads the 200: GRUU, expiry, keep-alive interval; arms the refresh and keep-alive timers. */
    acceptRegistration: () => {},
    /** MS-SIPREGE §6.1: the provisioning SUBSCRIBE (vnd-microsoft-provisioning-v2). */
    sendProvisioningSubscribe: () => {},
    /** Signed in: sign-in time recorded (first time), back-off reset. */
    recordOnline: () => {},
    /** Arm the reconnection delay (MS-CONMGMT guide §4: jittered exponential back-off). */
    armBackoff: () => {},
    /** Forget the connection's state (flow, compression, timers); the SA is re-established. */
    dropConnection: () => {},
    /** REGISTER with Expires: 0 (MS-SIPREGE §2 unregister). */
    sendUnregister: () => {},
    /** Close the connection politely and disarm every timer. */
    closeConnection: () => {},
    /** Report the typed failure the last event carried. */
    recordFailure: () => {},
  },
  guards: {
    compressionWanted: ({ context }) => context.compression,
    canRetry: ({ context }) => context.retriesLeft > 0,
  },
}).createMachine({
  id: "lyncSignIn",
  context: ({ input }) => input,
  initial: "idle",
  states: {
    idle: {
      on: {
        SIGN_IN: { target: "connecting", actions: "openConnection" },
        SIGN_OUT: { target: "signedOut" },
      },
    },
    connecting: {
      on: {
        CONNECTED: [
          { guard: "compressionWanted", target: "negotiating", actions: "negotiateCompression" },
          { target: "registering", actions: "sendRegister" },
        ],
        CONNECT_FAILED: [
          { guard: "canRetry", target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
          { target: "failed", actions: ["recordFailure", "closeConnection"] },
        ],
        SIGN_OUT: { target: "signedOut", actions: "closeConnection" },
      },
    },
    negotiating: {
      on: {
        NEGOTIATED: { target: "registering", actions: "sendRegister" },
        CONNECTION_LOST: [
          { guard: "canRetry", target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
          { target: "failed", actions: ["recordFailure", "closeConnection"] },
        ],
        SIGN_OUT: { target: "signedOut", actions: "closeConnection" },
      },
    },
    registering: {
      on: {
        CHALLENGED: { target: "registering", actions: "sendRegister" },
        REGISTERED: {
          target: "provisioning",
          actions: ["acceptRegistration", "sendProvisioningSubscribe"],
        },
        REJECTED: { target: "failed", actions: ["recordFailure", "closeConnection"] },
        // MS-CONMGMT §5.1: close, connect to the Contact's server, register there.
        REDIRECTED: { target: "connecting", actions: ["dropConnection", "openConnection"] },
        CONNECTION_LOST: [
          { guard: "canRetry", target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
          { target: "failed", actions: ["recordFailure", "closeConnection"] },
        ],
        SIGN_OUT: { target: "signedOut", actions: "closeConnection" },
      },
    },
    provisioning: {
      on: {
        PROVISIONED: { target: "online", actions: "recordOnline" },
        PROVISIONING_FAILED: { target: "failed", actions: ["recordFailure", "closeConnection"] },
        DEREGISTERED: { target: "failed", actions: ["recordFailure", "closeConnection"] },
        CONNECTION_LOST: [
          { guard: "canRetry", target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
          { target: "failed", actions: ["recordFailure", "closeConnection"] },
        ],
        SIGN_OUT: { target: "signingOut", actions: "sendUnregister" },
      },
    },
    online: {
      on: {
        REFRESH_DUE: { target: "refreshing", actions: "sendRegister" },
        DEREGISTERED: { target: "failed", actions: ["recordFailure", "closeConnection"] },
        MOVED: { target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
        CONNECTION_LOST: [
          { guard: "canRetry", target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
          { target: "failed", actions: ["recordFailure", "closeConnection"] },
        ],
        SIGN_OUT: { target: "signingOut", actions: "sendUnregister" },
      },
    },
    refreshing: {
      on: {
        // MS-SIPREGE §7.1: a challenged refresh means the SA was lost; re-authenticate.
        CHALLENGED: { target: "refreshing", actions: "sendRegister" },
        REGISTERED: { target: "online", actions: "acceptRegistration" },
        REJECTED: { target: "failed", actions: ["recordFailure", "closeConnection"] },
        REDIRECTED: { target: "connecting", actions: ["dropConnection", "openConnection"] },
        DEREGISTERED: { target: "failed", actions: ["recordFailure", "closeConnection"] },
        MOVED: { target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
        CONNECTION_LOST: [
          { guard: "canRetry", target: "reconnecting", actions: ["dropConnection", "armBackoff"] },
          { target: "failed", actions: ["recordFailure", "closeConnection"] },
        ],
        SIGN_OUT: { target: "signingOut", actions: "sendUnregister" },
      },
    },
    reconnecting: {
      on: {
        BACKOFF_ELAPSED: { target: "connecting", actions: "openConnection" },
        SIGN_OUT: { target: "signedOut", actions: "closeConnection" },
      },
    },
    signingOut: {
      on: {
        UNREGISTERED: { target: "signedOut", actions: "closeConnection" },
        CHALLENGED: { target: "signingOut", actions: "sendUnregister" },
        CONNECTION_LOST: { target: "signedOut", actions: "closeConnection" },
      },
    },
    signedOut: { type: "final" },
    failed: { type: "final" },
  },
});
