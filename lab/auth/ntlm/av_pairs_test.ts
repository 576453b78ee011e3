import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { AvId, encodeAvPairs, findAvPair, parseAvPairs, textAvPair } from "./av_pairs.ts";
import { NtlmAuthError } from "./errors.ts";
import { V2 } from "./testdata/nlmp_vectors.ts";

const isMalformed = (e: unknown) => e instanceof NtlmAuthError && e.code === "malformed-token";

Deno.test("MS-NLMP 4.2.4 AV pairs: NbDomainName 'Domain', NbComputerName 'Server', EOL", () => {
  const pairs = [
    textAvPair(AvId.NB_DOMAIN_NAME, "Domain"),
    textAvPair(AvId.NB_COMPUTER_NAME, "Server"),
  ];
  assert.equal(toHex(encodeAvPairs(pairs)), V2.targetInfo);
  const parsed = parseAvPairs(fromHex(V2.targetInfo));
  assert.deepEqual(parsed.map((p) => p.id), [AvId.NB_DOMAIN_NAME, AvId.NB_COMPUTER_NAME]);
  assert.equal(toHex(findAvPair(parsed, AvId.NB_COMPUTER_NAME)!), "530065007200760065007200");
  assert.equal(findAvPair(parsed, AvId.TIMESTAMP), undefined);
});

Deno.test("AV pair parsing stops at MsvAvEOL and rejects broken lists", () => {
  assert.equal(parseAvPairs(fromHex("00000000ffff")).length, 0); // bytes after EOL ignored
  assert.throws(() => parseAvPairs(fromHex("0200080041004200")), isMalformed); // overruns
  assert.throws(() => parseAvPairs(fromHex("020002004100")), isMalformed); // no EOL
  assert.throws(() => parseAvPairs(fromHex("00000100ff")), isMalformed); // EOL with length
});
