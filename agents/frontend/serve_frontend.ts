/**
 * `lab serve frontend`: the front end on its own, with a deterministic population, so SIPp,
 * Kamailio or a real client can sign in to it.
 *
 * ```text
 * lab serve frontend --listen <udp|tcp|tls|ws|wss>:<host>:<port> --domain <d> --users <n>
 *                    [--seed <n>] [--naming <pattern>] [--password <pattern>]
 * ```
 *
 * The users are those of `lab population` with the same options (lab/runner/
 * population_command.ts): by default user00001 … with passwords pw-1 …; `--password
 * 'pw-{secret}'` derives them from the seed. It prints `listening <address>`, the population
 * rule, and (TLS/WSS) the lab CA file, then serves until SIGINT/SIGTERM and prints the
 * registration counts. The presence server (agents/presence, MS-PRES) runs in it as a service.
 * Clients authenticate with MS-SIPAE NTLM (NTLM domain: the first label of
 * `--domain`, upper case; targetname: the domain) or with Digest MD5 (SIPp); the 401 offers both.
 *
 * This CLI glue reads the population through lab/runner so that the front end and the
 * runner share one rule; the agent itself (frontend_agent.ts) takes any credential lookup.
 *
 * @example
 * ```ts
 * const code = await serveFrontend(
 *   ["--listen", "udp:127.0.0.1:5060", "--domain", "lab.sipfleet.test", "--users", "1000"],
 *   { out: console.log, err: console.error },
 * );
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { buildLabPopulation } from "../../lab/runner/population_command.ts";
import { labTlsMaterial } from "../lab_trust.ts";
import { formatListenAddress, parseListenAddress } from "../sip_endpoint.ts";
import { presenceService } from "../presence/mod.ts";
import { FrontendAgent } from "./frontend_agent.ts";
import type { RegistrarMetricsSink, RegistrationOutcome } from "./registrar_metrics.ts";

/** Where `serveFrontend` writes its lines. */
export interface FrontendOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Options of {@link serveFrontend} beyond the command line. */
export interface ServeFrontendOptions {
  /** Resolves when the server should stop; default the first SIGINT or SIGTERM. */
  stopped?: Promise<void>;
}

/**
 * Runs the front end with `args` until stopped; resolves to the exit code (2 for a usage
 * error).
 */
export async function serveFrontend(
  args: string[],
  io: FrontendOutput,
  options: ServeFrontendOptions = {},
): Promise<number> {
  let agent: FrontendAgent;
  const counts = new Map<string, number>();
  try {
    const { values } = parseArgs({
      args,
      options: {
        listen: { type: "string" },
        domain: { type: "string" },
        users: { type: "string" },
        seed: { type: "string" },
        naming: { type: "string" },
        password: { type: "string" },
      },
      strict: true,
    });
    if (!values.listen) throw new Error("--listen <udp|tcp|tls|ws|wss>:<host>:<port> is required");
    if (!values.domain) throw new Error("--domain <domain> is required");
    const listen = parseListenAddress(values.listen);
    const population = await buildLabPopulation({
      domain: values.domain,
      users: wholeNumber(values.users, "users", 1),
      seed: values.seed === undefined ? undefined : wholeNumber(values.seed, "seed", 0),
      naming: values.naming,
      password: values.password,
    });
    const passwords = new Map<string, string>();
    for (const { name, password } of population.accounts()) passwords.set(name, password);
    const secure = listen.protocol === "tls" || listen.protocol === "wss";
    const tls = secure ? await labTlsMaterial(listen.host) : undefined;
    const metrics: RegistrarMetricsSink = {
      registration(outcome: RegistrationOutcome) {
        counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      },
    };
    agent = await FrontendAgent.start({
      listen,
      domain: values.domain,
      users: (name) => {
        const password = passwords.get(name);
        return password === undefined ? undefined : { password };
      },
      tls,
      metrics,
      auth: { schemes: ["NTLM", "Digest"] },
      // MS-PRES: the presence server (SERVICE publications, SUBSCRIBE presence/roaming).
      services: [presenceService()],
    });
    io.out(`listening ${formatListenAddress(agent.address)}`);
    if (tls?.caPem) {
      const caFile = await Deno.makeTempFile({ prefix: "sipfleet-lab-ca-", suffix: ".pem" });
      await Deno.writeTextFile(caFile, tls.caPem);
      io.out(`lab CA: ${caFile}`);
    }
    const ntlmDomain = values.domain.split(".")[0].toUpperCase();
    io.out(
      `lab frontend: domain ${values.domain}, auth NTLM (domain ${ntlmDomain}) + Digest MD5, ` +
        `users: ${population.rule}`,
    );
    io.out(
      `lab frontend: SIPp: -inf from \`lab population --format sipp-csv\`, -auth_uri ` +
        `${values.domain} (the digest-uri must be the Request-URI sip:${values.domain})`,
    );
  } catch (error) {
    io.err(`lab serve frontend: ${error instanceof Error ? error.message : error}`);
    return 2;
  }
  await (options.stopped ?? signalled());
  await agent.stop();
  io.out(
    `lab frontend: registrations ok ${counts.get("ok") ?? 0}, challenged ` +
      `${counts.get("challenged") ?? 0}, failed ${counts.get("failed") ?? 0}`,
  );
  return 0;
}

/** The first SIGINT or SIGTERM. */
function signalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
}

function wholeNumber(value: string | undefined, name: string, min: number): number {
  if (value === undefined) throw new Error(`--${name} <n> is required`);
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${name} must be a whole number ≥ ${min}, got '${value}'`);
  }
  return n;
}
