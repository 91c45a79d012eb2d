/**
 * A small XML reader for flat provider documents (ThingPark's DevEUI_uplink): elements become
 * object keys, text becomes strings, repeated elements become arrays, and the text of an element
 * that also has children is kept under `#text` (as fast-xml-parser does; the fuzz test compares
 * the two). Attributes, namespaces and processing instructions are ignored; there is no DTD
 * support, so no entity expansion attacks; nesting deeper than MAX_DEPTH is refused.
 */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** Provider documents are a few levels deep; a limit keeps a hostile one off the stack. */
export const MAX_DEPTH = 64;

export class XmlError extends Error {}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, e: string) => {
    if (!e.startsWith('#')) return ENTITIES[e] ?? whole;
    const code = e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    // XML 1.0 §4.1: a character reference must name a legal character (at most U+10FFFF).
    if (!(code > 0 && code <= 0x10ffff)) throw new XmlError(`&${e}; is not a character`);
    return String.fromCodePoint(code);
  });
}

/** Returns `{rootName: content}`; throws XmlError on malformed input. */
export function parseXml(xml: string): XmlObject {
  let pos = 0;
  const skipMisc = () => {
    for (;;) {
      while (pos < xml.length && /\s/.test(xml.charAt(pos))) pos++;
      if (xml.startsWith('<?', pos)) pos = end('?>', pos) + 2;
      else if (xml.startsWith('<!--', pos)) pos = end('-->', pos) + 3;
      else if (xml.startsWith('<!DOCTYPE', pos)) throw new XmlError('DOCTYPE is not accepted');
      else return;
    }
  };
  const end = (token: string, from: number) => {
    const i = xml.indexOf(token, from);
    if (i < 0) throw new XmlError(`unterminated markup at ${from}`);
    return i;
  };

  const element = (depth: number): [string, XmlValue] => {
    if (depth > MAX_DEPTH) throw new XmlError(`elements nested deeper than ${MAX_DEPTH}`);
    const close = end('>', pos);
    const tag = xml.slice(pos + 1, close);
    const selfClosing = tag.endsWith('/');
    const name = /^([A-Za-z_][\w.:-]*)/.exec(tag)?.[1];
    if (!name) throw new XmlError(`bad tag at ${pos}`);
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    pos = close + 1;
    if (selfClosing) return [local, ''];
    const children: XmlObject = {};
    let text = '';
    let hasChildren = false;
    for (;;) {
      if (pos >= xml.length) throw new XmlError(`element ${name} is not closed`);
      if (xml.startsWith('</', pos)) {
        const c = end('>', pos);
        const closing = xml.slice(pos + 2, c).trim();
        if (closing !== name) throw new XmlError(`</${closing}> closes <${name}>`);
        pos = c + 1;
        const content = decodeEntities(text).trim();
        if (!hasChildren) return [local, content];
        if (content !== '') children['#text'] = content;
        return [local, children];
      }
      if (xml.startsWith('<!--', pos)) pos = end('-->', pos) + 3;
      else if (xml.startsWith('<![CDATA[', pos)) {
        const c = end(']]>', pos);
        text += xml.slice(pos + 9, c);
        pos = c + 3;
      } else if (xml.charAt(pos) === '<') {
        hasChildren = true;
        const [k, v] = element(depth + 1);
        const prev = children[k];
        children[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      } else {
        const next = xml.indexOf('<', pos);
        const stop = next < 0 ? xml.length : next;
        text += xml.slice(pos, stop);
        pos = stop;
      }
    }
  };

  skipMisc();
  if (xml.charAt(pos) !== '<') throw new XmlError('no root element');
  const [root, value] = element(1);
  skipMisc();
  if (pos < xml.length) throw new XmlError(`content after the root element at ${pos}`);
  return { [root]: value };
}
