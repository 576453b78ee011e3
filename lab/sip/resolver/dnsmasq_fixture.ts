/**
 * A throwaway dnsmasq name server on 127.0.0.1 for tests that resolve against real DNS. It
 * serves only the records given on its command line (no upstream, no /etc/hosts) and answers
 * NXDOMAIN/NODATA for the rest of its local domains.
 *
 * @module
 */

/** Where Debian's dnsmasq-base installs the binary. */
export const DNSMASQ_PATH = "/usr/sbin/dnsmasq";

/**
 * True when dnsmasq is installed at {@link DNSMASQ_PATH}.
 *
 * @example
 * ```ts
 * Deno.test({ name: "real DNS", ignore: !(await dnsmasqInstalled()), fn: async () => {} });
 * ```
 */
export async function dnsmasqInstalled(): Promise<boolean> {
  try {
    return (await Deno.stat(DNSMASQ_PATH)).isFile;
  } catch {
    return false;
  }
}

/** What the server serves. */
export interface DnsmasqConfig {
  /** Domains answered locally only (`--local=/<domain>/`): NXDOMAIN instead of REFUSED. */
  localDomains: string[];
  /** Record options, e.g. `--srv-host=_sip._udp.lab.test,pbx1.lab.test,5060,10,60`. */
  records: string[];
}

const START_ATTEMPTS = 5;
const READY_POLLS = 50;
const READY_POLL_MS = 100;

/**
 * A running dnsmasq child process. Always {@link DnsmasqServer.stop} it (in `finally`).
 *
 * @example
 * ```ts
 * const server = await DnsmasqServer.start({
 *   localDomains: ["lab.test"],
 *   records: ["--host-record=pbx1.lab.test,192.0.2.11"],
 * });
 * try {
 *   await Deno.resolveDns("pbx1.lab.test", "A", { nameServer: server.nameServer });
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export class DnsmasqServer {
  readonly #child: Deno.ChildProcess;
  readonly #stderr: Promise<string>;
  /** A name only this instance serves: an answer for it proves this dnsmasq is up. */
  readonly #probeName: string;
  readonly port: number;

  private constructor(
    child: Deno.ChildProcess,
    stderr: Promise<string>,
    port: number,
    probeName: string,
  ) {
    this.#child = child;
    this.#stderr = stderr;
    this.port = port;
    this.#probeName = probeName;
  }

  /** The `nameServer` option for `Deno.resolveDns` / DenoDnsLookup. */
  get nameServer(): { ipAddr: string; port: number } {
    return { ipAddr: "127.0.0.1", port: this.port };
  }

  /**
   * Starts dnsmasq on a random high port (another one if that port is taken) and waits until
   * it answers. Throws with dnsmasq's own message when it cannot start.
   */
  static async start(config: DnsmasqConfig): Promise<DnsmasqServer> {
    if (!(await dnsmasqInstalled())) {
      throw new Error(
        `dnsmasq not found at ${DNSMASQ_PATH}: install it (Debian/Ubuntu: apt-get install ` +
          "dnsmasq-base) to run the real-DNS resolver tests",
      );
    }
    let lastError = "";
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      const port = 20000 + Math.floor(Math.random() * 40000);
      const probeName = `ready-${crypto.randomUUID()}.dnsmasq.test`;
      const child = new Deno.Command(DNSMASQ_PATH, {
        args: [...dnsmasqArgs(port, config), `--host-record=${probeName},127.0.0.1`],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const stderr = new Response(child.stderr).text();
      const server = new DnsmasqServer(child, stderr, port, probeName);
      if (await server.#waitUntilAnswering()) return server;
      lastError = await server.stop();
      if (!lastError.includes("Address already in use")) break;
    }
    throw new Error(`dnsmasq did not start: ${lastError.trim()}`);
  }

  /** Terminates dnsmasq and waits for it to exit; returns what it wrote to stderr. */
  async stop(): Promise<string> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already exited (it failed to start): nothing to terminate.
    }
    await this.#child.status;
    return await this.#stderr;
  }

  /**
   * Polls until this instance answers its probe name, or exits. Another server on the port
   * (dnsmasq then fails to bind) does not know the name, so its answer does not count.
   */
  async #waitUntilAnswering(): Promise<boolean> {
    let exited = false;
    const exit = this.#child.status.then(() => {
      exited = true;
    });
    for (let i = 0; i < READY_POLLS && !exited; i++) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), READY_POLL_MS);
      try {
        const answer = await Deno.resolveDns(this.#probeName, "A", {
          nameServer: this.nameServer,
          signal: abort.signal,
        });
        if (answer.includes("127.0.0.1")) return true;
      } catch {
        if (!abort.signal.aborted) {
          // Refused, or not ours: wait a poll interval, or until dnsmasq exits.
          await new Promise<void>((resolve) => {
            const pause = setTimeout(resolve, READY_POLL_MS);
            exit.then(() => {
              clearTimeout(pause);
              resolve();
            });
          });
        }
      } finally {
        clearTimeout(timer);
      }
    }
    return false;
  }
}

function dnsmasqArgs(port: number, config: DnsmasqConfig): string[] {
  const args = [
    "--no-daemon",
    "--no-resolv",
    "--no-hosts",
    "--conf-file=/dev/null",
    `--port=${port}`,
    "--listen-address=127.0.0.1",
    "--bind-interfaces",
    // No pid file: several test runs may overlap.
    "--pid-file",
    ...config.localDomains.map((d) => `--local=/${d}/`),
    ...config.records,
  ];
  // As root dnsmasq drops privileges to "nobody", which some sandboxes forbid; stay root there.
  if (Deno.uid() === 0) args.push("--user=root");
  return args;
}
