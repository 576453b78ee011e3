/**
 * Figure: presence fan-out (issue 4), client and front end in separate processes
 * (messaging_children.ts). N users sign in over TLS with NTLM, each publishes its state and
 * watches 50 contacts with one batched SUBSCRIBE (notifications as BENOTIFY), then publishes a
 * new state once a minute on average — exponential gaps, so publications are a Poisson process
 * of N/60 per second from the start: real time, no compression; the notification rate is the
 * real one, N × 50 / 60 per second (N = 1,000 → about 833 NOTIFY/s, N = 10,000 → about
 * 8,333/s). Measured over a window once everyone is signed in and subscribed: notifications the
 * watchers received per second (what the front end sustained), and p50 / p99 from SERVICE sent
 * to the last watcher's notification received (`presence_fanout_complete`).
 *
 * Users start their sessions at 250 per second (N = 1,000) or 100 per second (N = 10,000: a
 * faster ramp of sign-ins, SUBSCRIBEs and first publications overloads the one front end).
 *
 * Bounded: N = 1,000 about 45 s; N = 10,000 about 3 min (skipped with `--quick`).
 *
 * @module
 */
import type { BenchContext, BenchFigure, FigureOutcome, FigureRow } from "./figure.ts";
import { runMessagingPair } from "./messaging_children.ts";

const CONTACTS = 50;

/** The presence fan-out figure. */
export const presenceFigure: BenchFigure = {
  id: "presence",
  title: "Presence fan-out: NOTIFY/s sustained and publication → last watcher, 50 contacts",
  async run(context: BenchContext): Promise<FigureOutcome> {
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-bench-presence-" });
    try {
      const sizes = context.quick ? [1000] : [1000, 10_000];
      const rows: FigureRow[] = [];
      const details: unknown[] = [];
      for (const users of sizes) {
        const windowS = users >= 10_000 ? 30 : 20;
        context.log(`presence: ${users} users × ${CONTACTS} contacts, ${windowS} s window`);
        const result = await runMessagingPair({
          users,
          args: [
            "--mode",
            "presence",
            "--users",
            String(users),
            "--contacts",
            String(CONTACTS),
            "--start-rate",
            users >= 10_000 ? "100" : "250",
            "--window-s",
            String(windowS),
          ],
          deadlineS: users >= 10_000 ? 300 : 120,
        }, dir);
        details.push(result);
        const expected = (users * CONTACTS) / 60;
        rows.push(
          {
            figure: `presence N=${users}: NOTIFY/s received (1 publication/user/min)`,
            ours: result.perSecond,
            peer: { kind: "target", value: expected },
            note: result.failed === 0
              ? `${result.publications} publications fully fanned out in ${windowS} s`
              : `${result.failed} sessions failed: ${JSON.stringify(result.failures)}`,
          },
          {
            figure: `presence N=${users}: SERVICE → last watcher p50 (ms)`,
            ours: result.p50Ms,
            peer: { kind: "none" },
            decimals: 1,
          },
          {
            figure: `presence N=${users}: SERVICE → last watcher p99 (ms)`,
            ours: result.p99Ms,
            peer: { kind: "none" },
            decimals: 1,
          },
        );
      }
      return { rows, details };
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
};
