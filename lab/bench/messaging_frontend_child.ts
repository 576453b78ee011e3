/**
 * Bench child: the lab front end with its MS-PRES presence server in its own process, for the IM
 * and presence figures (so that its CPU, memory and file descriptors are its own). TLS on
 * 127.0.0.1 with this process's lab CA, the users of `lab population` (user00001 … with
 * passwords pw-1 …). Prints `listening <port> <ca-file>`, then serves until SIGTERM / SIGINT,
 * and prints `notifications <n>`: the NOTIFY / BENOTIFY the presence server sent for
 * publications (its fan-out latency sink).
 *
 * ```text
 * deno run -A lab/bench/messaging_frontend_child.ts --users 1000 --domain bench.test --dir /tmp/x
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { FrontendAgent } from "../../agents/frontend/mod.ts";
import { labTlsMaterial } from "../../agents/lab_trust.ts";
import { presenceService } from "../../agents/presence/mod.ts";
import { TimerWheel } from "../sip/timer/mod.ts";
import { buildLabPopulation } from "../runner/population_command.ts";

/** Runs the child with `args`; resolves when stopped. */
export async function runMessagingFrontend(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      users: { type: "string" },
      domain: { type: "string" },
      dir: { type: "string" },
    },
  });
  const domain = values.domain ?? "bench.test";
  const population = await buildLabPopulation({ domain, users: Number(values.users ?? "1000") });
  const passwords = new Map<string, string>();
  for (const { name, password } of population.accounts()) passwords.set(name, password);
  const tls = await labTlsMaterial("127.0.0.1");
  const wheel = new TimerWheel();
  let notifications = 0;
  const agent = await FrontendAgent.start({
    listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
    domain,
    users: (name) => {
      const password = passwords.get(name);
      return password === undefined ? undefined : { password };
    },
    wheel,
    tls,
    services: [presenceService({ wheel, latency: { notificationSent: () => notifications++ } })],
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
  console.log(`notifications ${notifications}`);
  await agent.stop();
  wheel.stop();
}

if (import.meta.main) await runMessagingFrontend(Deno.args);
