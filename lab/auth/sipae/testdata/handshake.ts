/**
 * A front end and Lync-like clients for the MS-SIPAE tests, and a driver that runs the
 * REGISTER legs between a SipaeClient and a SipaeServer until the server accepts or the client
 * gives up (at most four legs).
 *
 * @module
 */
import { type NtHash, ntowfv1 } from "../../ntlm/mod.ts";
import type { SipRequest } from "../../../sip/message/mod.ts";
import { type ChallengeOutcome, SipaeClient } from "../client.ts";
import { ntlmClientMechanism, ntlmServerMechanism } from "../ntlm_mechanism.ts";
import { type ServerVerdict, SipaeServer, type SipaeServerOptions } from "../server.ts";
import { type Endpoint, rejection, wire } from "./sip_fixtures.ts";

export const REALM = "SIP Communications Service";
export const FQDN = "fe01.contoso.com";
export const NOW = Date.UTC(2024, 5, 1, 9, 0, 0);

/** The directory: NT hashes of CONTOSO users. */
export const USERS: ReadonlyMap<string, NtHash> = new Map([
  ["alice", ntowfv1("Secr3t!")],
  ["bob", ntowfv1("b0b-pw")],
  ["carol", ntowfv1("c4rol")],
]);

/** A settable clock shared by a server and its clients. */
export class Clock {
  constructor(public time = NOW) {}
  readonly now = (): number => this.time;
}

/** A Front End offering NTLM for CONTOSO users. */
export function frontEnd(
  clock: Clock,
  options: Partial<SipaeServerOptions> & { includeTimestamp?: boolean } = {},
): SipaeServer {
  const { includeTimestamp, ...rest } = options;
  return new SipaeServer({
    fqdn: FQDN,
    mechanisms: [
      ntlmServerMechanism({
        lookupNtHash: (user, domain) =>
          domain.toUpperCase() === "CONTOSO" ? USERS.get(user.toLowerCase()) : undefined,
        names: { nbDomainName: "CONTOSO", nbComputerName: "FE01", dnsComputerName: FQDN },
        includeTimestamp,
        now: clock.now,
      }),
    ],
    now: clock.now,
    ...rest,
  });
}

/** A client logging on as CONTOSO\user with `password`, on its own clock. */
export function lyncClient(user: string, password: string, clock: Clock): SipaeClient {
  return new SipaeClient({
    mechanisms: [
      ntlmClientMechanism({
        credentials: { user, domain: "CONTOSO", password },
        workstation: `${user.toUpperCase()}-PC`,
        now: clock.now,
      }),
    ],
    now: clock.now,
  });
}

/** How a handshake ended. */
export interface HandshakeResult {
  /** The server's verdict on the last request. */
  verdict: ServerVerdict;
  /** The last request sent. */
  request: SipRequest;
  /** The client's reading of the last challenge, when there was one. */
  outcome?: ChallengeOutcome;
  /** REGISTERs sent. */
  legs: number;
}

/** Runs REGISTER legs: authorize → server → challenge → client, until accept or failure. */
export function handshake(
  server: SipaeServer,
  client: SipaeClient,
  endpoint: Endpoint,
  makeRequest: () => SipRequest = () => endpoint.register(),
): HandshakeResult {
  let outcome: ChallengeOutcome | undefined;
  for (let legs = 1; legs <= 4; legs++) {
    const request = makeRequest();
    client.authorize(request);
    const verdict = server.inspect(wire(request));
    if (verdict.kind !== "reject" || (verdict.status !== 401 && verdict.status !== 407)) {
      return { verdict, request, outcome, legs };
    }
    outcome = client.handleChallenge(request, wire(rejection(request, verdict)));
    if (outcome.action === "fail") return { verdict, request, outcome, legs };
  }
  throw new Error("handshake did not finish in four legs");
}
