/**
 * Bench child: the lab front end in its own process for the sign-in figures (so that its CPU,
 * memory and file descriptors are its own). TLS on 127.0.0.1 with this process's lab CA, the
 * users of `lab population` (user00001 … with passwords pw-1 …), a short minimum expiry so that
 * the steady-state figure can refresh within seconds. Prints `listening <port> <ca-file>`, then
 * serves until SIGTERM / SIGINT.
 *
 * ```text
 * deno run -A lab/bench/signin_frontend_child.ts --users 10000 --domain bench.test --dir /tmp/x
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { FrontendAgent } from "../../agents/frontend/mod.ts";
import { labTlsMaterial } from "../../agents/lab_trust.ts";
import { buildLabPopulation } from "../runner/population_command.ts";

/** Runs the child with `args`; resolves when stopped. */
export async function runSigninFrontend(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      users: { type: "string" },
      domain: { type: "string" },
      dir: { type: "string" },
      "min-expires": { type: "string" },
    },
  });
  const domain = values.domain ?? "bench.test";
  const population = await buildLabPopulation({ domain, users: Number(values.users ?? "1000") });
  const passwords = new Map<string, string>();
  for (const { name, password } of population.accounts()) passwords.set(name, password);
  const tls = await labTlsMaterial("127.0.0.1");
  const minS = Number(values["min-expires"] ?? "10");
  const agent = await FrontendAgent.start({
    listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
    domain,
    users: (name) => {
      const password = passwords.get(name);
      return password === undefined ? undefined : { password };
    },
    tls,
    expiry: { minS, defaultS: Math.max(minS, 3600) },
  });
  const caFile = `${values.dir ?? Deno.cwd()}/lab-ca.pem`;
  await Deno.writeTextFile(caFile, tls.caPem!);
  console.log(`listening ${agent.address.port} ${caFile}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  await agent.stop();
}

if (import.meta.main) await runSigninFrontend(Deno.args);
