/**
 * A small, strict XML 1.0 reader for the protocol bodies of this folder (no XML library is
 * available to the lab): elements, attributes, character data, CDATA, comments, processing
 * instructions, the predefined and numeric character references, and namespace resolution
 * (Namespaces in XML 1.0 §5). Document type declarations are refused — no entity expansion.
 *
 * @example
 * ```ts
 * const root = parseXml('<a xmlns="urn:x"><b k="1">t&amp;u</b></a>');
 * root.namespace; // "urn:x"
 * root.children[0].text; // "t&u"
 * ```
 *
 * @module
 */

/** One attribute; `namespace` is set only for prefixed names (unprefixed attributes have none). */
export interface XmlAttribute {
  name: string;
  localName: string;
  namespace?: string;
  value: string;
}

/** One element with its resolved namespace, attributes, child elements and own text. */
export interface XmlElement {
  name: string;
  localName: string;
  namespace?: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The character data directly inside this element (children's text excluded). */
  text: string;
}

/**
 * Input that is not well-formed XML (or uses a refused feature), with the offset where the
 * reader stopped.
 *
 * @example
 * ```ts
 * try { parseXml("<a>"); } catch (e) { (e as XmlSyntaxError).offset; }
 * ```
 */
export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = "XmlSyntaxError";
  }
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";
const NAME_START =
  /[A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9\u00B7\u0300-\u036F\u203F-\u2040]/;

interface RawElement {
  name: string;
  rawAttributes: { name: string; value: string }[];
  children: RawElement[];
  text: string;
}

class Reader {
  i = 0;
  constructor(readonly s: string, readonly maxDepth: number) {}

  fail(message: string): never {
    throw new XmlSyntaxError(message, this.i);
  }

  startsWith(text: string): boolean {
    return this.s.startsWith(text, this.i);
  }

  expect(text: string): void {
    if (!this.startsWith(text)) this.fail(`expected "${text}"`);
    this.i += text.length;
  }

  skipSpace(): boolean {
    const start = this.i;
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i])) this.i++;
    return this.i > start;
  }

  name(): string {
    const start = this.i;
    if (this.i >= this.s.length || !NAME_START.test(this.s[this.i])) this.fail("expected a name");
    this.i++;
    while (
      this.i < this.s.length &&
      (NAME_START.test(this.s[this.i]) || NAME_CHAR.test(this.s[this.i]))
    ) {
      this.i++;
    }
    return this.s.slice(start, this.i);
  }

  /**
   * Text up to `stop`, with references resolved; `<` is refused (XML 1.0 §2.4, §3.1). In
   * attribute values literal tabs and line ends become spaces, references to them stay (§3.3.3).
   */
  characterData(stop: string, attributeValue = false): string {
    let out = "";
    while (this.i < this.s.length && !stop.includes(this.s[this.i])) {
      const c = this.s[this.i];
      if (c === "&") {
        out += this.reference();
      } else if (c === "<") {
        this.fail("'<' in character data");
      } else {
        out += attributeValue && (c === "\t" || c === "\n") ? " " : c;
        this.i++;
      }
    }
    return out;
  }

  /** An entity or character reference (XML 1.0 §4.1); only the five predefined entities. */
  reference(): string {
    const end = this.s.indexOf(";", this.i);
    if (end < 0) this.fail("unterminated reference");
    const body = this.s.slice(this.i + 1, end);
    let out: string;
    if (body.startsWith("#x")) {
      out = codePoint(/^[0-9a-fA-F]{1,6}$/.test(body.slice(2)) ? parseInt(body.slice(2), 16) : -1);
    } else if (body.startsWith("#")) {
      out = codePoint(/^[0-9]{1,7}$/.test(body.slice(1)) ? parseInt(body.slice(1), 10) : -1);
    } else {
      out = PREDEFINED[body] ?? "";
    }
    if (out === "") this.fail(`bad reference &${body};`);
    this.i = end + 1;
    return out;
  }

  /** Comments, processing instructions and whitespace between markup (XML 1.0 §2.8 Misc). */
  misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith("<!--")) this.comment();
      else if (this.startsWith("<?")) this.processingInstruction();
      else return;
    }
  }

  comment(): void {
    this.expect("<!--");
    const end = this.s.indexOf("--", this.i);
    if (end < 0 || this.s[end + 2] !== ">") this.fail("bad comment");
    this.i = end + 3;
  }

  processingInstruction(): void {
    this.expect("<?");
    const target = this.name();
    if (target.toLowerCase() === "xml") this.fail("misplaced XML declaration");
    const end = this.s.indexOf("?>", this.i);
    if (end < 0) this.fail("unterminated processing instruction");
    this.i = end + 2;
  }

  element(depth: number): RawElement {
    if (depth > this.maxDepth) this.fail("nesting too deep");
    this.expect("<");
    const name = this.name();
    const element: RawElement = { name, rawAttributes: [], children: [], text: "" };
    for (;;) {
      const spaced = this.skipSpace();
      if (this.startsWith("/>")) {
        this.i += 2;
        return element;
      }
      if (this.startsWith(">")) {
        this.i++;
        break;
      }
      if (!spaced) this.fail("expected whitespace before an attribute");
      const attrName = this.name();
      if (element.rawAttributes.some((a) => a.name === attrName)) {
        this.fail(`duplicate attribute ${attrName}`);
      }
      this.skipSpace();
      this.expect("=");
      this.skipSpace();
      const quote = this.s[this.i];
      if (quote !== '"' && quote !== "'") this.fail("expected a quoted attribute value");
      this.i++;
      const value = this.characterData(quote, true);
      this.expect(quote);
      element.rawAttributes.push({ name: attrName, value });
    }
    for (;;) {
      element.text += this.characterData("<");
      if (this.i >= this.s.length) this.fail(`unclosed element ${name}`);
      if (this.startsWith("</")) {
        this.i += 2;
        const closing = this.name();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        this.skipSpace();
        this.expect(">");
        return element;
      }
      if (this.startsWith("<!--")) this.comment();
      else if (this.startsWith("<![CDATA[")) element.text += this.cdata();
      else if (this.startsWith("<?")) this.processingInstruction();
      else if (this.startsWith("<!")) this.fail("markup declaration in content");
      else element.children.push(this.element(depth + 1));
    }
  }

  cdata(): string {
    this.expect("<![CDATA[");
    const end = this.s.indexOf("]]>", this.i);
    if (end < 0) this.fail("unterminated CDATA section");
    const text = this.s.slice(this.i, end);
    this.i = end + 3;
    return text;
  }
}

const PREDEFINED: Record<string, string> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

/** XML 1.0 §2.2 Char. "" when the code point is not allowed. */
function codePoint(cp: number): string {
  const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
  return ok ? String.fromCodePoint(cp) : "";
}

function splitName(name: string): [string | undefined, string] {
  const colon = name.indexOf(":");
  return colon < 0 ? [undefined, name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** Namespaces in XML 1.0 §5: declarations apply to the element and its descendants. */
function resolve(raw: RawElement, scope: Map<string, string>): XmlElement {
  let local = scope;
  for (const a of raw.rawAttributes) {
    if (a.name === "xmlns" || a.name.startsWith("xmlns:")) {
      if (local === scope) local = new Map(scope);
      local.set(a.name === "xmlns" ? "" : a.name.slice(6), a.value);
    }
  }
  const [prefix, localName] = splitName(raw.name);
  const namespace = local.get(prefix ?? "");
  if (prefix !== undefined && namespace === undefined) {
    throw new XmlSyntaxError(`undeclared prefix ${prefix}`, 0);
  }
  const attributes: XmlAttribute[] = [];
  for (const a of raw.rawAttributes) {
    if (a.name === "xmlns" || a.name.startsWith("xmlns:")) continue;
    const [p, l] = splitName(a.name);
    const attribute: XmlAttribute = { name: a.name, localName: l, value: a.value };
    if (p !== undefined) {
      const ns = local.get(p);
      if (ns === undefined) throw new XmlSyntaxError(`undeclared prefix ${p}`, 0);
      attribute.namespace = ns;
    }
    attributes.push(attribute);
  }
  const element: XmlElement = {
    name: raw.name,
    localName,
    attributes,
    children: raw.children.map((c) => resolve(c, local)),
    text: raw.text,
  };
  if (namespace !== undefined && namespace !== "") element.namespace = namespace;
  return element;
}

/**
 * Parses a whole document and returns its root element. Throws XmlSyntaxError when the text is
 * not well-formed, has a DOCTYPE, nests deeper than `maxDepth` (default 32) or uses an undeclared
 * namespace prefix.
 *
 * @example
 * ```ts
 * parseXml('<?xml version="1.0"?><r/>').localName; // "r"
 * ```
 */
export function parseXml(text: string, options: { maxDepth?: number } = {}): XmlElement {
  // XML 1.0 §2.11: line ends are normalised to LF before parsing.
  const r = new Reader(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"), options.maxDepth ?? 32);
  if (r.startsWith("<?xml") && " \t\n?".includes(r.s[5] ?? "")) {
    const end = r.s.indexOf("?>");
    if (end < 0) r.fail("unterminated XML declaration");
    r.i = end + 2;
  }
  r.misc();
  if (r.startsWith("<!DOCTYPE")) r.fail("document type declarations are not accepted");
  if (!r.startsWith("<")) r.fail("expected the root element");
  const root = r.element(0);
  r.misc();
  if (r.i < r.s.length) r.fail("content after the root element");
  return resolve(root, new Map([["xml", XML_NS]]));
}

/**
 * The value of the unprefixed attribute `localName`, or undefined.
 *
 * @example
 * ```ts
 * attributeValue(parseXml('<e a="1"/>'), "a"); // "1"
 * ```
 */
export function attributeValue(element: XmlElement, localName: string): string | undefined {
  return element.attributes.find((a) => a.namespace === undefined && a.localName === localName)
    ?.value;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  // Character references keep these through attribute-value normalisation (XML 1.0 §3.3.3).
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/**
 * Escapes text for element content: `&`, `<` and `>` (XML 1.0 §2.4).
 *
 * @example
 * ```ts
 * escapeXmlText('1;reason="a<b"'); // '1;reason="a&lt;b"'
 * ```
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ESCAPES[c]);
}

/**
 * Escapes text for a double-quoted attribute value, keeping tabs and line ends as character
 * references (XML 1.0 §3.3.3).
 *
 * @example
 * ```ts
 * escapeXmlAttribute('a "b"'); // "a &quot;b&quot;"
 * ```
 */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]);
}
