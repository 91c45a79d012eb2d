import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import { splitBulk } from './ingest.routes.js';

const text = (parts: Uint8Array[]) => parts.map((p) => Buffer.from(p).toString('latin1'));
const ndjson = (s: string) => splitBulk(Buffer.from(s, 'latin1'), 'application/x-ndjson');

describe('splitBulk', () => {
  it('NDJSON: each non-empty line byte for byte, CR of CRLF dropped, blank lines skipped', () => {
    expect(text(ndjson('{"a":1}\n{"b":2}\r\n\n  \n{"c":3}'))).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(text(ndjson('{"a":1}\n'))).toEqual(['{"a":1}']);
    expect(text(ndjson('\n\n{"a":1}\n\n'))).toEqual(['{"a":1}']);
  });

  it('NDJSON: leading blanks and record separators (json-seq) go, the rest of the line stays as sent', () => {
    const parts = splitBulk(Buffer.from('\x1e{"a":1}\n\t {"b": 2 }  \n', 'latin1'), 'application/json-seq');
    expect(text(parts)).toEqual(['{"a":1}', '{"b": 2 }  ']);
    // Bytes that are not text stay as they are.
    const binary = Buffer.from([0xff, 0x00, 0x0a, 0x01, 0x02]);
    expect(splitBulk(binary, 'application/jsonl; charset=utf-8').map((p) => [...p])).toEqual([
      [0xff, 0x00],
      [0x01, 0x02],
    ]);
  });

  it('a JSON array: each element as JSON text', () => {
    expect(text(splitBulk(Buffer.from('[{"a":1}, 2, "x"]'), 'application/json'))).toEqual(['{"a":1}', '2', '"x"']);
  });

  it('refuses an empty body, a body that is not an array, and other content types, naming body', () => {
    for (const [body, type] of [
      ['\n \n', 'application/x-ndjson'],
      ['', 'application/x-ndjson'],
      ['{"a":1}', 'application/json'],
      ['[1,', 'application/json'],
      ['a,b', 'text/csv'],
    ] as const) {
      let caught: unknown;
      try {
        splitBulk(Buffer.from(body), type);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DomainError);
      expect((caught as DomainError).details).toMatchObject({ field: 'body' });
    }
  });
});
