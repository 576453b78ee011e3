import assert from "node:assert/strict";
import type { SipRequest } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import type { ServerTransaction, TransactionState } from "../transaction/mod.ts";
import { MergedRequestDetector, mergeKey } from "./merged_requests.ts";

function request(branch: string, opts: { toTag?: string; fromTag?: string; method?: string } = {}) {
  const method = opts.method ?? "INVITE";
  return parseMessage(
    [
      `${method} sip:bob@biloxi.example.com SIP/2.0`,
      `Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=${branch}`,
      "Max-Forwards: 70",
      `To: <sip:bob@biloxi.example.com>${opts.toTag ? `;tag=${opts.toTag}` : ""}`,
      `From: <sip:alice@atlanta.example.com>${
        opts.fromTag === "" ? "" : `;tag=${opts.fromTag ?? "1928301774"}`
      }`,
      "Call-ID: a84b4c76e66710",
      `CSeq: 314159 ${method}`,
      "Content-Length: 0",
    ].join("\r\n") + "\r\n\r\n",
  ) as SipRequest;
}

/** A stand-in server transaction whose state the test moves. */
function tx(request: SipRequest, state: TransactionState = "Proceeding") {
  return { request, state } as ServerTransaction & { state: TransactionState };
}

Deno.test("merge key: From tag, Call-ID, CSeq — only for requests outside a dialog", () => {
  assert.equal(mergeKey(request("z9hG4bK1")), "1928301774\na84b4c76e66710\n314159 INVITE");
  assert.equal(mergeKey(request("z9hG4bK1", { toTag: "x" })), undefined);
  assert.equal(mergeKey(request("z9hG4bK1", { fromTag: "" })), undefined);
  assert.equal(mergeKey(request("z9hG4bK1", { method: "CANCEL" })), undefined);
});

Deno.test("§8.2.2.2: a second transaction with the same key is merged while the first lives", () => {
  const detector = new MergedRequestDetector();
  const first = tx(request("z9hG4bKpath1"));
  assert.equal(detector.isMerged(first), false);
  assert.equal(detector.isMerged(first), false, "the owner itself is not merged");
  assert.equal(detector.isMerged(tx(request("z9hG4bKpath2"))), true);
  // Another CSeq method or a dialog request is a different matter.
  assert.equal(detector.isMerged(tx(request("z9hG4bKpath3", { method: "OPTIONS" }))), false);
  assert.equal(detector.isMerged(tx(request("z9hG4bKpath4", { toTag: "t" }))), false);

  first.state = "Terminated";
  const later = tx(request("z9hG4bKpath5"));
  assert.equal(detector.isMerged(later), false, "the key is free once its transaction ended");
  assert.equal(detector.size, 2);
  later.state = "Terminated";
  assert.equal(detector.sweep(), 1);
  detector.clear();
  assert.equal(detector.size, 0);
});
