import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../simulate/traffic/rng.js';
import { MAX_DEPTH, parseXml, XmlError } from './xml-parse.js';

// The reference: fast-xml-parser read the way xml-parse.ts promises to read (no attributes, no
// namespace prefixes, text kept as strings, trimmed).
const reference = new XMLParser({
  ignoreDeclaration: true,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
});

const NAMES = ['DevEUI', 'payload_hex', 'LrrRSSI', 'ns:Time', 'a'];
const TEXTS = ['0004A30B001C0530', ' 12.5 ', 'x &amp; y', '&lt;tag&gt;', '&#x41;&#66;', '<![CDATA[a<b]]>', ''];

function element(rng: ReturnType<typeof seededRng>, depth: number): string {
  const name = NAMES[rng.int(0, NAMES.length)] as string;
  const attr = rng.next() < 0.3 ? ' unit="dBm"' : '';
  if (rng.next() < 0.15) return `<${name}${attr}/>`;
  if (depth > 3 || rng.next() < 0.5) return `<${name}${attr}>${TEXTS[rng.int(0, TEXTS.length)]}</${name}>`;
  let inner = '';
  for (let i = rng.int(1, 4); i > 0; i--) inner += element(rng, depth + 1);
  // Mixed content: text beside children.
  if (rng.next() < 0.2) inner = `note${inner}`;
  return `<${name}${attr}>${inner}</${name}>`;
}

describe('xml-parse.ts', () => {
  it('reads 3,000 generated provider documents as fast-xml-parser does', () => {
    const rng = seededRng(1059);
    for (let k = 0; k < 3000; k++) {
      const xml = `<?xml version="1.0"?>\n${element(rng, 0)}`;
      expect({ xml, parsed: parseXml(xml) }).toEqual({ xml, parsed: reference.parse(xml) });
    }
  });

  it('refuses hostile input with an XmlError, never another error', () => {
    const hostile = [
      '<a>&#x110000;</a>',
      '<a>&#0;</a>',
      '<a>&#99999999999;</a>',
      `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`,
      `${'<a>'.repeat(MAX_DEPTH + 1)}x${'</a>'.repeat(MAX_DEPTH + 1)}`,
      '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '<a><b></a>',
      '<a',
      '',
    ];
    for (const xml of hostile) expect(() => parseXml(xml), xml.slice(0, 40)).toThrow(XmlError);
    const rng = seededRng(7);
    const bits = ['<', '>', '</', '/>', 'a', '&', '#x41;', ';', '<![CDATA[', ']]>', '<!--', '-->', '"', ' '];
    for (let k = 0; k < 5000; k++) {
      let xml = '';
      for (let i = rng.int(1, 16); i > 0; i--) xml += bits[rng.int(0, bits.length)];
      try {
        parseXml(xml);
      } catch (err) {
        expect(err, xml).toBeInstanceOf(XmlError);
      }
    }
  });

  it('keeps a depth of MAX_DEPTH', () => {
    const xml = `${'<a>'.repeat(MAX_DEPTH)}x${'</a>'.repeat(MAX_DEPTH)}`;
    expect(JSON.stringify(parseXml(xml))).toContain('"x"');
  });
});
