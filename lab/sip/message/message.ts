/**
 * The SIP message model (RFC 3261 §7): requests and responses as an ordered list of header
 * fields plus a body. Field values are kept as received (unknown headers and parameters
 * survive verbatim, §7.3); the structured views of the headers the core needs (Via, From, To,
 * CSeq, Call-ID, Contact) are parsed on first use and cached until the header changes.
 *
 * @example
 * ```ts
 * const req = new SipRequest("OPTIONS", "sip:bob@example.com");
 * req.addHeader("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds");
 * req.topVia.branch; // "z9hG4bK776asdhds"
 * ```
 *
 * @module
 */
import { canonicalHeaderName, headerKey, resolveHeaderName } from "./header_names.ts";
import {
  type CSeq,
  firstViaParmEnd,
  formatVia,
  type NameAddr,
  parseCSeq,
  parseNameAddr,
  parseNameAddrList,
  parseViaList,
  type Via,
} from "./header_values.ts";
import { parseUri, type Uri } from "./uri.ts";

/** One header field as it stands in the message: `name` as it will be written, `value` raw. */
export interface HeaderField {
  /** Lowercase long-form name (compact forms expanded): the lookup key. */
  key: string;
  /** The name written on the wire. */
  name: string;
  /** The field value, leading/trailing whitespace removed, line folding already unfolded. */
  value: string;
}

const EMPTY = new Uint8Array(0);

/**
 * Common part of requests and responses (RFC 3261 §7).
 *
 * @example
 * ```ts
 * function isInDialog(msg: SipMessage): boolean {
 *   return msg.to.tag !== undefined;
 * }
 * ```
 */
export abstract class SipMessage {
  /** Header fields in wire order. Mutate through the methods so cached views stay right. */
  readonly headers: HeaderField[] = [];
  /** The message body (§7.4); Content-Length is derived from it when serializing. */
  body: Uint8Array = EMPTY;

  abstract readonly kind: "request" | "response";

  /** The first field value of `name` (compact or long, any case), or undefined. */
  header(name: string): string | undefined {
    const key = headerKey(name);
    for (const h of this.headers) if (h.key === key) return h.value;
    return undefined;
  }

  /** Every field value of `name`, in order (comma-joined values are not split here). */
  headerValues(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const h of this.headers) if (h.key === key) out.push(h.value);
    return out;
  }

  /** True when at least one field named `name` is present. */
  hasHeader(name: string): boolean {
    return this.header(name) !== undefined;
  }

  /** Appends a field (after any existing ones of the same name). */
  addHeader(name: string, value: string): this {
    const { key, name: wireName } = resolveHeaderName(name);
    this.headers.push({ key, name: wireName, value });
    this.#invalidate(key);
    return this;
  }

  /** Inserts a field before the first field of the same name, or at the top (Via, Record-Route). */
  prependHeader(name: string, value: string): this {
    const { key, name: wireName } = resolveHeaderName(name);
    const field = { key, name: wireName, value };
    const at = this.headers.findIndex((h) => h.key === key);
    this.headers.splice(at < 0 ? 0 : at, 0, field);
    this.#invalidate(key);
    return this;
  }

  /** Replaces every field of `name` with one field, kept at the first one's position. */
  setHeader(name: string, value: string): this {
    const { key, name: wireName } = resolveHeaderName(name);
    const at = this.headers.findIndex((h) => h.key === key);
    if (at < 0) return this.addHeader(name, value);
    this.headers[at] = { key, name: wireName, value };
    for (let i = this.headers.length - 1; i > at; i--) {
      if (this.headers[i].key === key) this.headers.splice(i, 1);
    }
    this.#invalidate(key);
    return this;
  }

  /** Removes every field of `name`; returns how many were removed. */
  removeHeader(name: string): number {
    const key = headerKey(name);
    let removed = 0;
    for (let i = this.headers.length - 1; i >= 0; i--) {
      if (this.headers[i].key === key) {
        this.headers.splice(i, 1);
        removed++;
      }
    }
    if (removed) this.#invalidate(key);
    return removed;
  }

  /** Removes only the first field of `name` (a proxy popping its own Via, §16.7). */
  removeFirstHeader(name: string): boolean {
    const key = headerKey(name);
    const at = this.headers.findIndex((h) => h.key === key);
    if (at < 0) return false;
    this.headers.splice(at, 1);
    this.#invalidate(key);
    return true;
  }

  /**
   * Replaces the topmost via-parm with `via` (§18.2.1 `received`, RFC 3581 `rport`): the first
   * Via field becomes `formatVia(via)` followed by its other values, placed as
   * `removeFirstHeader` then `prependHeader` would. `via` must be what parsing its own
   * formatting gives (`withViaParams` makes such copies): when the Vias were parsed already,
   * it takes the top place in that view and nothing is parsed again. Throws without a Via.
   */
  replaceTopVia(via: Via): void {
    const field = this.#first("via");
    if (field === undefined) throw new Error("missing Via");
    const parsed = this.#vias;
    this.removeFirstHeader("via");
    this.prependHeader("via", formatVia(via) + field.slice(firstViaParmEnd(field)));
    if (parsed !== undefined && parsed.length > 0) this.#vias = [via, ...parsed.slice(1)];
  }

  /**
   * Appends every Via field of `source`, in order (§8.2.6.2: a response's Vias equal its
   * request's, in the same order). When this message had no Via and `source` has its Vias
   * parsed, the parsed values are shared rather than parsed again (they are read-only views).
   */
  copyVias(source: SipMessage): this {
    const hadVia = this.#first("via") !== undefined;
    for (const h of source.headers) if (h.key === "via") this.addHeader("Via", h.value);
    const parsed = source.#vias;
    if (!hadVia && parsed !== undefined) this.#vias = parsed.slice();
    return this;
  }

  /** Call-ID (§20.8). Throws when absent. */
  get callId(): string {
    const v = this.#first("call-id");
    if (v === undefined) throw new Error("missing Call-ID");
    return v;
  }

  /** CSeq (§20.16). Throws when absent or malformed. */
  get cseq(): CSeq {
    return this.#cseq ??= parseCSeq(this.#required("cseq"));
  }

  /** From (§20.20). */
  get from(): NameAddr {
    return this.#from ??= parseNameAddr(this.#required("from"));
  }

  /** To (§20.39). */
  get to(): NameAddr {
    return this.#to ??= parseNameAddr(this.#required("to"));
  }

  /** Every Via value, top first, across all Via fields (§20.42, §7.3.1 comma lists). */
  get vias(): Via[] {
    return this.#vias ??= this.#list("via", parseViaList);
  }

  /** The topmost Via (§8.1.1.7, §17.2.3 matching). Throws when there is none. */
  get topVia(): Via {
    const v = this.vias[0];
    if (!v) throw new Error("missing Via");
    return v;
  }

  /** Every Contact value (§20.10); `*` is reported as an entry with `star: true`. */
  get contacts(): NameAddr[] {
    return this.#contacts ??= this.#list("contact", parseNameAddrList);
  }

  // Structured views, parsed on first use; undefined = not parsed yet (or invalidated).
  #cseq: CSeq | undefined;
  #from: NameAddr | undefined;
  #to: NameAddr | undefined;
  #vias: Via[] | undefined;
  #contacts: NameAddr[] | undefined;

  #first(key: string): string | undefined {
    for (const h of this.headers) if (h.key === key) return h.value;
    return undefined;
  }

  #required(key: string): string {
    const v = this.#first(key);
    if (v === undefined) throw new Error(`missing ${canonicalHeaderName(key)}`);
    return v;
  }

  #list<T>(key: string, parse: (value: string) => T[]): T[] {
    let out: T[] | undefined;
    for (const h of this.headers) {
      if (h.key !== key) continue;
      const items = parse(h.value);
      if (out === undefined) out = items;
      else for (const item of items) out.push(item);
    }
    return out ?? [];
  }

  #invalidate(key: string) {
    switch (key) {
      case "cseq":
        this.#cseq = undefined;
        break;
      case "from":
        this.#from = undefined;
        break;
      case "to":
        this.#to = undefined;
        break;
      case "via":
        this.#vias = undefined;
        break;
      case "contact":
        this.#contacts = undefined;
        break;
    }
  }
}

/**
 * A SIP request (§7.1): Request-Line `Method SP Request-URI SP SIP-Version`.
 *
 * @example
 * ```ts
 * const bye = new SipRequest("BYE", "sip:bob@192.0.2.4").addHeader("CSeq", "2 BYE");
 * ```
 */
export class SipRequest extends SipMessage {
  readonly kind = "request" as const;
  constructor(
    /** The method token, case-sensitive (§7.1). */
    public method: string,
    /** The Request-URI exactly as it is written (parse with `parseUri` from uri.ts). */
    public uri: string,
    public version = "SIP/2.0",
  ) {
    super();
  }

  #parsedUri: { text: string; uri: Uri } | undefined;

  /** The Request-URI parsed (§19.1), cached while `uri` is unchanged. Throws when malformed. */
  get requestUri(): Uri {
    if (this.#parsedUri?.text !== this.uri) {
      this.#parsedUri = { text: this.uri, uri: parseUri(this.uri) };
    }
    return this.#parsedUri.uri;
  }
}

/**
 * A SIP response (§7.2): Status-Line `SIP-Version SP Status-Code SP Reason-Phrase`.
 *
 * @example
 * ```ts
 * const ringing = new SipResponse(180, "Ringing");
 * ```
 */
export class SipResponse extends SipMessage {
  readonly kind = "response" as const;
  constructor(
    public status: number,
    public reason: string,
    public version = "SIP/2.0",
  ) {
    super();
  }
}

/** Either kind of message. */
export type AnySipMessage = SipRequest | SipResponse;
