/**
 * The two processes of the IM and presence figures: the front end with its presence server
 * (messaging_frontend_child.ts) and the workload driver (messaging_client_child.ts), each under
 * the process-group harness (SIGKILL guard), each with its own file descriptors (one TLS
 * connection per signed-in user on both sides).
 *
 * @example
 * ```ts
 * const result = await runMessagingPair({ users: 400, args: ["--mode", "im", "--pairs", "200"] }, dir, log);
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { spawnToolGroup, type ToolGroup } from "../testing/mod.ts";
import type { MessagingClientResult } from "./messaging_client_child.ts";

const FRONTEND_CHILD = fileURLToPath(new URL("./messaging_frontend_child.ts", import.meta.url));
const CLIENT_CHILD = fileURLToPath(new URL("./messaging_client_child.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

function denoChild(script: string, args: string[], dir: string, killAfterMs: number): ToolGroup {
  return spawnToolGroup(
    Deno.execPath(),
    ["run", "-A", "--config", CONFIG, script, ...args],
    { workDir: dir, killAfterMs },
  );
}

/** What one front end + client run is asked to do. */
export interface MessagingRun {
  /** Users the front end knows (user00001 …). */
  users: number;
  /** The client child's arguments besides --port / --ca / --deadline-s. */
  args: string[];
  /** Hard bound on the client child, seconds. */
  deadlineS: number;
}

/**
 * Starts the front end, runs the client child against it, stops both; resolves with the
 * client's result line and the front end's count of notifications sent.
 */
export async function runMessagingPair(
  run: MessagingRun,
  dir: string,
): Promise<MessagingClientResult & { frontendNotifications?: number }> {
  const frontend = denoChild(
    FRONTEND_CHILD,
    ["--users", String(run.users), "--dir", dir],
    dir,
    (run.deadlineS + 60) * 1000,
  );
  try {
    await frontend.waitForOutput(/listening \d+ \S+/, 60_000);
    const [, port, caFile] = /listening (\d+) (\S+)/.exec(frontend.stdout())!;
    const client = denoChild(
      CLIENT_CHILD,
      ["--port", port, "--ca", caFile, "--deadline-s", String(run.deadlineS), ...run.args],
      dir,
      (run.deadlineS + 30) * 1000,
    );
    await client.exited;
    const line = client.stdout().trim().split("\n").findLast((l) => l.startsWith("{"));
    if (line === undefined) {
      throw new Error(`client child printed no result: ${client.stderr().slice(-400)}`);
    }
    const result = JSON.parse(line) as MessagingClientResult;
    await frontend.signal("SIGTERM");
    await Promise.race([frontend.exited, new Promise((r) => setTimeout(r, 3000))]);
    const sent = /notifications (\d+)/.exec(frontend.stdout())?.[1];
    return { ...result, frontendNotifications: sent === undefined ? undefined : Number(sent) };
  } finally {
    if (!frontend.done) await frontend.killGroup();
  }
}
