import assert from "node:assert/strict";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { BasicCaller, type CallOutcome } from "../uac/caller.ts";
import { CallUserLog } from "../call_workload_users.ts";
import { UasAgent } from "./uas_agent.ts";

Deno.test("UAS at capacity refuses with 503 + ms-diagnostics 17000; the caller reports it", async () => {
  const wheel = new TimerWheel();
  const uas = await UasAgent.start({
    listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
    wheel,
    maxCalls: 1,
  });
  const caller = await BasicCaller.start({
    listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
    target: uas.address,
    holdTimeMs: () => 300,
    wheel,
  });
  const log = new CallUserLog();
  try {
    const place = (name: string) =>
      new Promise<CallOutcome>((resolve) => {
        const logged = log.started(name);
        logged.attach(caller.call({ aor: `sip:${name}@lab.test` }, (outcome) => {
          log.ended(name, logged, outcome);
          resolve(outcome);
        }, logged));
      });
    const first = place("caller0001");
    // The UAS takes the first call before the second is placed.
    for (let i = 0; i < 200 && uas.counts.active === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(uas.counts.active, 1);
    // The second user is looked at before its call: its messages are kept.
    log.started("caller0002");
    log.inspect("caller0002");
    const second = await place("caller0002");
    assert.equal(second.ok, false);
    assert.equal(second.status, 503);
    assert.deepEqual(second.diagnostics, { code: "17000", reason: "Server overloaded" });
    assert.equal((await first).ok, true);
    assert.equal(uas.counts.refused, 1);
    assert.equal(uas.counts.completed, 1);

    const refused = log.inspect("caller0002");
    assert.equal(refused?.state, "failed");
    assert.deepEqual(refused?.recent.transactions.map((t) => [t.method, t.status]), [
      ["INVITE", 503],
    ]);
    const messages = refused?.recent.messages ?? [];
    assert.match(messages[0]?.summary ?? "", /^INVITE sip:service@127\.0\.0\.1:\d+ SIP\/2\.0$/);
    assert.equal(messages.at(-1)?.summary, "SIP/2.0 503 Service Unavailable");
    // MS-OCER §2.2.1.1: the header on the wire, with the agent as its source.
    assert.match(
      messages.at(-1)?.text ?? "",
      /\r\nms-diagnostics: 17000;reason="Server overloaded";source="127\.0\.0\.1"\r\n/i,
    );
    assert.match(messages.at(-1)?.text ?? "", /\r\nRetry-After: 5\r\n/i);

    const answered = log.inspect("caller0001");
    assert.equal(answered?.state, "completed");
    assert.deepEqual(answered?.recent.transactions.map((t) => [t.method, t.status]), [
      ["INVITE", 200],
      ["BYE", undefined],
    ]);
    assert.ok((answered?.recent.transactions[1].durationMs ?? -1) >= 0);
  } finally {
    await caller.stop();
    await uas.stop();
    wheel.stop();
  }
});

Deno.test("UAS maxCalls must not be negative", async () => {
  await assert.rejects(
    UasAgent.start({ listen: { protocol: "udp", host: "127.0.0.1", port: 0 }, maxCalls: -1 }),
    RangeError,
  );
});
