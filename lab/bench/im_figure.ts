/**
 * Figure: instant messages per second sustained between pairs of signed-in Lync users (issue
 * 4), client and front end in separate processes (messaging_children.ts). 200 callers (400 users
 * signed in over TLS with NTLM) each hold IM sessions of 20 messages back to back with a random
 * signed-in peer through the lab front end: INVITE with the first message, then each MESSAGE
 * preceded by its typing INFO (IM.md §3, §4), sent as soon as the previous one was answered,
 * BYE. Measured over 20 s once everyone is signed in: messages received by the peers per second
 * and the p99 delivery time (the sender's session → the text at the peer's agent,
 * `im_delivery_time`). No peer product is measured (none in the lab speaks MS-SIPAE).
 *
 * Bounded: about 45 s (about 25 s with `--quick`: 100 callers, 10 s).
 *
 * @module
 */
import type { BenchContext, BenchFigure, FigureOutcome } from "./figure.ts";
import { runMessagingPair } from "./messaging_children.ts";

/** The IM figure. */
export const imFigure: BenchFigure = {
  id: "im",
  title: "IM messages/s between pairs of signed-in users through the front end, p99 delivery",
  async run(context: BenchContext): Promise<FigureOutcome> {
    const dir = await Deno.makeTempDir({ prefix: "sipfleet-bench-im-" });
    try {
      const pairs = context.quick ? 100 : 200;
      const windowS = context.quick ? 10 : 20;
      context.log(`im: ${pairs} callers, ${2 * pairs} users signed in, ${windowS} s of IM`);
      const result = await runMessagingPair({
        users: 2 * pairs,
        args: ["--mode", "im", "--pairs", String(pairs), "--window-s", String(windowS)],
        deadlineS: 120,
      }, dir);
      const note = result.failed === 0
        ? "each MESSAGE with its typing INFO; INVITE (first message) and BYE every 20 messages"
        : `${result.failed} sessions failed: ${JSON.stringify(result.failures)}`;
      return {
        rows: [
          {
            figure: `IM messages/s, ${pairs} callers (TLS+NTLM, typing INFO each)`,
            ours: result.perSecond,
            peer: { kind: "none" },
            note,
          },
          {
            figure: "IM delivery time p99 (ms)",
            ours: result.p99Ms,
            peer: { kind: "none" },
            decimals: 1,
          },
        ],
        details: result,
      };
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
};
