/**
 * Shared pieces of the presence tests: an engine on a virtual timer wheel with a recording
 * sink, and publication bodies built with the codecs.
 *
 * @module
 */
import {
  formatCategoryPublish,
  type Publication,
  stateElement,
} from "../../lab/protocols/pres/mod.ts";
import { parseXml } from "../../lab/protocols/xml/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import {
  PresenceEngine,
  type PresenceEngineOptions,
  type PresenceNotification,
} from "./presence_engine.ts";

export const ALICE = "sip:alice@lab.test";
export const BOB = "sip:bob@lab.test";
export const CAROL = "sip:carol@lab.test";
export const EVE = "sip:eve@fabrikam.test";
export const USERS = new Set([ALICE, BOB, CAROL, EVE, "sip:dave@lab.test"]);

/** An engine on a virtual wheel; `notes` collects what it delivers. */
export function testEngine(options: Partial<PresenceEngineOptions> = {}) {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  const notes: PresenceNotification[] = [];
  const expired: string[] = [];
  let tick = 0;
  const engine = new PresenceEngine({
    organisation: { enterpriseDomains: ["lab.test"], publicCloudDomains: ["cloud.test"] },
    userExists: (aor) => USERS.has(aor),
    homePoolOf: (aor) => aor.endsWith("@pool2.lab.test") ? "pool2.lab.test" : undefined,
    scheduler: wheel,
    now: () => ++tick,
    clock: () => Date.UTC(2026, 0, 1),
    sink: {
      deliver: (n) => notes.push(n),
      subscriptionExpired: (id) => expired.push(id),
    },
    ...options,
  });
  return { engine, wheel, notes, expired };
}

/** A note element. */
export function note(text: string) {
  return parseXml(
    `<note xmlns="http://schemas.microsoft.com/2006/09/sip/note"><body type="personal">${text}</body></note>`,
  );
}

/** A publish body for `user`. */
export function publishBody(user: string, publications: Publication[]): string {
  return formatCategoryPublish({ uri: user, publications });
}

/** A state publication into the aggregation container. */
export function statePublication(
  type: string,
  instance: number,
  availability: number,
  version: number,
  expireType: Publication["expireType"] = "endpoint",
): Publication {
  return {
    categoryName: "state",
    instance,
    container: 2,
    version,
    expireType,
    content: stateElement(type, availability, { manual: type === "userState" }),
  };
}

/** A note publication. */
export function notePublication(
  container: number,
  version: number,
  text: string,
  extra: Partial<Publication> = {},
): Publication {
  return {
    categoryName: "note",
    instance: 0,
    container,
    version,
    expireType: "static",
    content: note(text),
    ...extra,
  };
}
