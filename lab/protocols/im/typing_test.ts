import assert from "node:assert/strict";
import { formatKeyboardActivity, parseKeyboardActivity } from "./keyboard_activity.ts";
import { formatIsComposing, ISCOMPOSING_NAMESPACE, parseIsComposing } from "./is_composing.ts";

Deno.test("KeyboardActivity: the guide's INFO body reads; written bodies round-trip", () => {
  const guide =
    '<?xml version="1.0"?><KeyboardActivity><status status="type" /></KeyboardActivity>';
  assert.equal(parseKeyboardActivity(guide), "type");
  assert.equal(parseKeyboardActivity(formatKeyboardActivity("idle")), "idle");
  assert.equal(
    formatKeyboardActivity("type"),
    '<?xml version="1.0"?><KeyboardActivity><status status="type"/></KeyboardActivity>',
  );
  assert.equal(parseKeyboardActivity("<KeyboardActivity><status/>"), undefined, "malformed");
  assert.equal(parseKeyboardActivity('<Other><status status="type"/></Other>'), undefined);
});

// RFC 3994 §6 examples (an active and an idle indication).
const RFC_ACTIVE = `<?xml version="1.0" encoding="UTF-8"?>
<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="urn:ietf:params:xml:ns:im-composing iscomposing.xsd">
  <state>active</state>
  <contenttype>text/plain</contenttype>
  <refresh>90</refresh>
</isComposing>`;

const RFC_IDLE = `<?xml version="1.0" encoding="UTF-8"?>
<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="urn:ietf:params:xml:ns:im-composing iscomposing.xsd">
  <state>idle</state>
  <lastactive>2003-01-27T10:43:00Z</lastactive>
  <contenttype>audio</contenttype>
</isComposing>`;

Deno.test("is-composing: RFC 3994 examples read; written documents round-trip", () => {
  assert.deepEqual(parseIsComposing(RFC_ACTIVE), {
    state: "active",
    contentType: "text/plain",
    refresh: 90,
  });
  assert.deepEqual(parseIsComposing(RFC_IDLE), {
    state: "idle",
    lastActive: "2003-01-27T10:43:00Z",
    contentType: "audio",
  });
  const doc = { state: "active", contentType: "text/html", refresh: 60 } as const;
  const written = formatIsComposing(doc);
  assert.ok(written.includes(`xmlns="${ISCOMPOSING_NAMESPACE}"`));
  assert.deepEqual(parseIsComposing(written), doc);
});

Deno.test("is-composing: wrong namespace, bad state or refresh are refused", () => {
  assert.equal(parseIsComposing("<isComposing><state>active</state></isComposing>"), undefined);
  assert.equal(parseIsComposing(RFC_ACTIVE.replace(">active<", ">typing<")), undefined);
  assert.equal(parseIsComposing(RFC_ACTIVE.replace(">90<", ">-1<")), undefined);
  assert.equal(parseIsComposing("not xml"), undefined);
});
