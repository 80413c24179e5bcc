/**
 * A strict XML 1.0 well-formedness check for tests (no XML parser is among the repo's dependencies): one root element,
 * properly nested tags, quoted and unique attributes, only the five predefined entities and character references,
 * only XML Chars (https://www.w3.org/TR/xml/#charsets), no `]]>` in character data. Returns the element tree with
 * attribute values and text decoded, so tests can assert on structure instead of substrings. Throws on any violation.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Decoded character data directly inside this element (CDATA included). */
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// Not XML Chars: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
const BAD_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new Error(`${where}: bare '&'`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const dec = /^#(\d+)$/.exec(ref)?.[1];
    const hex = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1];
    const cp = dec !== undefined ? Number(dec) : hex !== undefined ? Number.parseInt(hex, 16) : null;
    if (cp === null) throw new Error(`${where}: unknown entity &${ref};`);
    const ch = String.fromCodePoint(cp);
    if (BAD_CHAR.test(ch)) throw new Error(`${where}: character reference to a non-XML char &${ref};`);
    return ch;
  });
}

export function parseXmlStrict(xml: string): XmlElement {
  if (BAD_CHAR.test(xml)) throw new Error(`not an XML Char at offset ${xml.search(BAD_CHAR)}`);
  let i = 0;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const text = (raw: string) => {
    if (raw.includes(']]>')) throw new Error("']]>' in character data");
    if (raw.includes('<')) throw new Error("'<' in character data");
    const top = stack.at(-1);
    if (!top) {
      if (raw.trim()) throw new Error(`text outside the root element: ${JSON.stringify(raw.slice(0, 40))}`);
      return;
    }
    top.text += decode(raw, `<${top.name}> text`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      text(xml.slice(i));
      break;
    }
    text(xml.slice(i, lt));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      const top = stack.at(-1);
      if (end < 0 || !top) throw new Error('CDATA outside an element or unterminated');
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('</', lt)) {
      const m = /^<\/([A-Za-z_:][\w.:-]*)\s*>/.exec(xml.slice(lt));
      const top = stack.pop();
      if (!m || !top || top.name !== m[1])
        throw new Error(`mismatched end tag at ${lt}: ${xml.slice(lt, lt + 30)}`);
      i = lt + m[0].length;
    } else {
      let j = lt + 1;
      const name = NAME.exec(xml.slice(j))?.[0];
      if (!name) throw new Error(`bad tag at ${lt}: ${xml.slice(lt, lt + 30)}`);
      j += name.length;
      const el: XmlElement = { name, attrs: {}, children: [], text: '' };
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(j))?.[0].length ?? 0;
        j += ws;
        if (xml.startsWith('/>', j) || xml[j] === '>') break;
        if (ws === 0) throw new Error(`<${name}>: attributes must be separated by white space`);
        const a = /^([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(xml.slice(j));
        if (!a) throw new Error(`<${name}>: bad attribute at ${j}: ${xml.slice(j, j + 30)}`);
        const key = a[1] as string;
        const raw = a[2] ?? a[3] ?? '';
        if (key in el.attrs) throw new Error(`<${name}>: duplicate attribute ${key}`);
        if (raw.includes('<')) throw new Error(`<${name} ${key}>: '<' in an attribute value`);
        el.attrs[key] = decode(raw, `<${name} ${key}>`);
        j += a[0].length;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else if (root) throw new Error('more than one root element');
      else root = el;
      if (xml.startsWith('/>', j)) i = j + 2;
      else {
        stack.push(el);
        i = j + 1;
      }
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` under `el` (depth first). */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
