/**
 * A scripted stand-in for `lab` in the harness's own tests: it speaks the `lab serve` process
 * contract (arguments, the `listening` line, the JSON summary, SIGTERM) but no SIP.
 *
 * - `serve uas --listen <t>:127.0.0.1:<p>`: binds the port, prints `listening ...`, and exits 0
 *   on SIGTERM.
 * - `serve uac --listen ... --calls N --hold MS --json`: prints `listening ...`, waits MS, then
 *   prints a summary with N attempted calls and exits 0.
 */
const [command, agent, ...rest] = Deno.args;
const option = (name: string) => rest[rest.indexOf(`--${name}`) + 1];
const [transport, , port] = option("listen").split(":");

if (command !== "serve") Deno.exit(2);
if (agent === "uas") {
  const socket = transport === "udp"
    ? Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: Number(port) })
    : Deno.listen({ hostname: "127.0.0.1", port: Number(port) });
  Deno.addSignalListener("SIGTERM", () => {
    socket.close();
    Deno.exit(0);
  });
  console.log(`listening ${transport}:127.0.0.1:${port}`);
  // A pending receive (or accept) keeps the process alive until SIGTERM closes the socket.
  "receive" in socket
    ? await socket.receive().catch(() => {})
    : await socket.accept().catch(() => {});
} else if (agent === "uac") {
  console.log(`listening ${transport}:127.0.0.1:${port}`);
  await new Promise((resolve) => setTimeout(resolve, Number(option("hold"))));
  const calls = Number(option("calls"));
  console.log(JSON.stringify({
    attempted: calls,
    succeeded: calls,
    failed: 0,
    failedByStatus: {},
    elapsedMs: 12.5,
    callsPerSec: Number(option("rate")),
    setupMs: { p50: 1, p95: 2, p99: 3 },
    retransmissions: 0,
  }));
} else {
  Deno.exit(2);
}
