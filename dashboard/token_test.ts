import assert from "node:assert/strict";
import { bearerToken, newToken, tokensEqual } from "./token.ts";

Deno.test("newToken: 128 random bits as 22 base64url characters", () => {
  const tokens = new Set(Array.from({ length: 50 }, newToken));
  assert.equal(tokens.size, 50);
  for (const token of tokens) {
    assert.match(token, /^[A-Za-z0-9_-]{22}$/);
    const bytes = atob(token.replaceAll("-", "+").replaceAll("_", "/") + "==");
    assert.equal(bytes.length, 16);
  }
});

Deno.test("tokensEqual: only the same token matches, whatever the lengths", () => {
  const token = newToken();
  assert.equal(tokensEqual(token, token), true);
  assert.equal(tokensEqual(`${token}x`, token), false);
  assert.equal(tokensEqual(token.slice(1), token), false);
  assert.equal(tokensEqual("", token), false);
  const lastChanged = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
  assert.equal(tokensEqual(lastChanged, token), false);
});

Deno.test("bearerToken: reads RFC 6750 §2.1 credentials, nothing else", () => {
  assert.equal(bearerToken("Bearer abc-DEF_123"), "abc-DEF_123");
  assert.equal(bearerToken("bearer abc"), "abc");
  assert.equal(bearerToken("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), undefined);
  assert.equal(bearerToken("Bearer"), undefined);
  assert.equal(bearerToken("Bearer a b"), undefined);
  assert.equal(bearerToken(null), undefined);
});
