import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../simulate/traffic/rng.js';
import { parseCsv } from './csv.js';

/** csv-parse (the reference) read with the rules shared/csv.ts documents. */
function reference(text: string): string[][] | 'error' {
  try {
    return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] });
  } catch {
    return 'error';
  }
}

function ours(text: string): string[][] | 'error' {
  try {
    return parseCsv(text);
  } catch {
    return 'error';
  }
}

// Pieces that make the edge cases: quotes in every position, delimiters, empty fields, blank lines.
const PIECES = ['a', 'bc', ' ', ',', '"', '""', '\n', '\r\n', '"x"', '"y,z"', '"q\nr"', '\ufeff'];

describe('shared/csv.ts against csv-parse', () => {
  it('agrees on 5,000 random texts (records, or both refusing)', () => {
    const rng = seededRng(4180);
    for (let k = 0; k < 5_000; k++) {
      const n = 1 + Math.floor(rng.next() * 12);
      let text = '';
      for (let i = 0; i < n; i++) {
        const piece = PIECES[Math.floor(rng.next() * PIECES.length)] as string;
        // A byte order mark only means one at the start.
        text += piece === '\ufeff' && i > 0 ? 'a' : piece;
      }
      const expected = reference(text);
      const actual = ours(text);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ text, actual }).toEqual({ text, actual: expected });
    }
  });
});
