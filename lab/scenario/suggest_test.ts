import assert from "node:assert/strict";
import { closestMatch, didYouMean, editDistance } from "./suggest.ts";

Deno.test("did-you-mean suggestions", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(closestMatch("maxUser", ["maxUsers", "rate"]), "maxUsers");
  assert.equal(
    closestMatch("constant-arival-rate", ["constant-arrival-rate", "constant-users"]),
    "constant-arrival-rate",
  );
  assert.equal(closestMatch("zzzz", ["maxUsers", "rate"]), undefined);
  assert.equal(didYouMean("rat", ["rate"]), " (did you mean rate?)");
  assert.equal(didYouMean("rate", ["rate"]), "");
});
