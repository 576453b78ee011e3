/**
 * In-band provisioning (MS-SIPREGE 2.2.2, 3.x, 4.2) as a built-in front-end service: a client
 * that has registered sends `SUBSCRIBE` with `Event: vnd-microsoft-provisioning-v2` and a
 * `provisioningGroupList` body; the front end answers with the `provisionGroupList` of the
 * groups asked for.
 *
 * Checks, in order, each refusal with ms-diagnostics:
 * 1. MS-SIPREGE 2.2.2.1: To is the user's own AOR (a delegate would use
 *    `p-session-on-behalf-of`, not served here) → else 403, ErrorId 4004.
 * 2. MS-SIPREGE 2.2.2.1: "server SHOULD answer 406 if Accept differs" → 406 when an Accept
 *    header does not list the v2 type.
 * 3. A body must be the v2 type → else 415, ErrorId 4013; it must be a `provisioningGroupList`
 *    with at least one named group (2.2.2.4) → else 400, ErrorId 4001. No body asks for all.
 *
 * Answer (one-shot fetch: the lab's provisioning data never changes, so the subscription is
 * granted `Expires: 0`, RFC 6665 §4.2.1.1 / §4.4.1):
 * - `Supported: ms-piggyback-first-notify` → the data rides in the 200 itself (MS-SIPREGE
 *   4.2.2): Event, `subscription-state: terminated;expires=0`, `ms-piggyback-cseq: 1`,
 *   `Expires: 0`, the XML body.
 * - otherwise → 200 with `Expires: 0`, then the NOTIFY that RFC 6665 §4.2.1.4 requires, carrying
 *   the XML with `Subscription-State: terminated;reason=timeout`, signed for MS-SIPAE
 *   endpoints.
 *
 * @example
 * ```ts
 * const agent = await FrontendAgent.start({ ...options }); // provisioning is built in
 * await FrontendAgent.start({ ...options, provisioning: false }); // without it
 * ```
 *
 * @module
 */
import { aorKey } from "../../lab/auth/sipae/mod.ts";
import { newTag } from "../../lab/sip/dialog/mod.ts";
import { SipRequest } from "../../lab/sip/message/mod.ts";
import { diagnosticsHeader } from "./auth_diagnostics.ts";
import type { FrontendHost, FrontendRequestContext, FrontendService } from "./frontend_service.ts";
import {
  formatProvisionGroupList,
  labProvisioningGroups,
  type ProvisionGroup,
  PROVISIONING_CONTENT_TYPE,
  PROVISIONING_EVENT,
  readProvisioningRequest,
} from "./provisioning_documents.ts";
import { supportedTags } from "./registrar.ts";

/** Options of {@link ProvisioningService}. */
export interface ProvisioningOptions {
  /** The groups served; default {@link labProvisioningGroups} of the front end. */
  groups?: readonly ProvisionGroup[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The MS-SIPREGE provisioning service (see the module documentation).
 *
 * @example
 * ```ts
 * new ProvisioningService({ groups: [{ name: "ucPolicy", xml: "" }] }).name; // "provisioning"
 * ```
 */
export class ProvisioningService implements FrontendService {
  readonly name = "provisioning";
  readonly events = [PROVISIONING_EVENT];
  readonly #options: ProvisioningOptions;
  #host: FrontendHost | undefined;
  #groups: readonly ProvisionGroup[] = [];
  #source = "";

  constructor(options: ProvisioningOptions = {}) {
    this.#options = options;
  }

  start(host: FrontendHost): void {
    this.#host = host;
    this.#source = host.serverName;
    this.#groups = this.#options.groups ?? labProvisioningGroups(host.domain, host.serverName);
  }

  handles(request: SipRequest): boolean {
    const event = request.header("event")?.split(";")[0].trim().toLowerCase();
    return request.method === "SUBSCRIBE" && event === PROVISIONING_EVENT;
  }

  handle(context: FrontendRequestContext): void {
    const request = context.request;
    if (aorKey(request.to) !== context.user.toLowerCase()) {
      return context.respond(403, { headers: [diagnosticsHeader(4004, this.#source)] });
    }
    const accept = request.headerValues("accept").flatMap((v) => v.split(","))
      .map((v) => v.split(";")[0].trim().toLowerCase());
    if (accept.length > 0 && !accept.includes(PROVISIONING_CONTENT_TYPE)) {
      return context.respond(406, { headers: [["Accept", PROVISIONING_CONTENT_TYPE]] });
    }
    let asked: string[] | undefined;
    if (request.body.length > 0) {
      const type = request.header("content-type")?.split(";")[0].trim().toLowerCase();
      if (type !== PROVISIONING_CONTENT_TYPE) {
        return context.respond(415, {
          headers: [["Accept", PROVISIONING_CONTENT_TYPE], diagnosticsHeader(4013, this.#source)],
        });
      }
      const read = readProvisioningRequest(decoder.decode(request.body));
      if (!read.ok) {
        return context.respond(400, {
          reason: "Bad Provisioning Request",
          headers: [diagnosticsHeader(4001, this.#source)],
        });
      }
      asked = read.groups;
    }
    const body = encoder.encode(formatProvisionGroupList(this.#groups, asked));
    if (supportedTags(request).includes("ms-piggyback-first-notify")) {
      // MS-SIPREGE 4.2.2: the first NOTIFY's content rides in the 200.
      return context.respond(200, {
        headers: [
          ["Event", PROVISIONING_EVENT],
          ["subscription-state", "terminated;expires=0"],
          ["ms-piggyback-cseq", "1"],
          ["Expires", "0"],
        ],
        body,
        contentType: PROVISIONING_CONTENT_TYPE,
      });
    }
    const toTag = newTag();
    context.respond(200, { headers: [["Expires", "0"]], toTag });
    this.#notify(context, toTag, body);
  }

  /** RFC 6665 §4.2.1.4: the NOTIFY that follows the 200, ending the one-shot subscription. */
  #notify(context: FrontendRequestContext, toTag: string, body: Uint8Array): void {
    const host = this.#host;
    if (host === undefined) return;
    const subscribe = context.request;
    let target = subscribe.from.uriText;
    try {
      target = subscribe.contacts[0]?.uriText ?? target;
    } catch {
      // §12.1.1: without a readable Contact the remote target is unknown; From serves.
    }
    const notify = new SipRequest("NOTIFY", target)
      .addHeader("From", `${subscribe.header("to")};tag=${toTag}`)
      .addHeader("To", subscribe.header("from")!)
      .addHeader("Call-ID", subscribe.callId)
      .addHeader("CSeq", "1 NOTIFY")
      .addHeader("Max-Forwards", "70")
      .addHeader("Contact", `<${host.core.identity?.contact ?? `sip:${host.domain}`}>`)
      .addHeader("Event", PROVISIONING_EVENT)
      .addHeader("Subscription-State", "terminated;reason=timeout")
      .addHeader("Content-Type", PROVISIONING_CONTENT_TYPE);
    notify.body = body;
    host.sendRequest(notify, context.tx.source);
  }
}
