import assert from "node:assert/strict";
import { SipResponse } from "../../../lab/sip/message/mod.ts";
import { chooseBestResponse } from "./best_response.ts";

function response(status: number, headers: [string, string][] = []): SipResponse {
  const r = new SipResponse(status, `status ${status}`);
  for (const [name, value] of headers) r.addHeader(name, value);
  return r;
}

Deno.test("best response: 6xx beats a lower class (§16.7 step 6)", () => {
  const best = chooseBestResponse([
    { response: response(486), local: false },
    { response: response(603), local: false },
  ]);
  assert.equal(best.status, 603);
});

Deno.test("best response: lowest class, a received response ahead of a made-up 408", () => {
  const best = chooseBestResponse([
    { response: response(408), local: true },
    { response: response(500), local: false },
    { response: response(486), local: false },
  ]);
  assert.equal(best.status, 486);
});

Deno.test("best response: a lone 503 becomes 500 (§16.7 step 6)", () => {
  const best = chooseBestResponse([{ response: response(503), local: false }]);
  assert.equal(best.status, 500);
});

Deno.test("best response: 401/407 carry every challenge received (§16.7 step 7)", () => {
  const best = chooseBestResponse([
    { response: response(401, [["WWW-Authenticate", 'Digest realm="a"']]), local: false },
    { response: response(407, [["Proxy-Authenticate", 'Digest realm="b"']]), local: false },
  ]);
  assert.equal(best.status, 401);
  assert.deepEqual(best.headerValues("www-authenticate"), ['Digest realm="a"']);
  assert.deepEqual(best.headerValues("proxy-authenticate"), ['Digest realm="b"']);
});
