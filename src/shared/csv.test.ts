import { describe, expect, it } from 'vitest';
import { CsvError, csvField, parseCsv, parseCsvObjects, writeCsv } from './csv.js';

describe('RFC 4180 CSV', () => {
  it('reads plain records with CRLF or LF, with or without a final line break', () => {
    expect(parseCsv('a,b,c\r\n1,2,3\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('')).toEqual([]);
  });

  it('reads quoted fields holding commas, quotes and line breaks (RFC 4180 §2.5–2.7)', () => {
    const text = 'name,note\r\n"Smith, J.","said ""hi""\r\nthen left"\r\nplain,"multi\nline"\r\n';
    expect(parseCsv(text)).toEqual([
      ['name', 'note'],
      ['Smith, J.', 'said "hi"\r\nthen left'],
      ['plain', 'multi\nline'],
    ]);
  });

  it('keeps empty fields, including a trailing one and a quoted empty one', () => {
    expect(parseCsv('a,,c,\n"",x,"",\n')).toEqual([
      ['a', '', 'c', ''],
      ['', 'x', '', ''],
    ]);
  });

  it('skips a byte order mark and blank lines', () => {
    expect(parseCsv('\ufeffa,b\n\n1,2\n\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads another delimiter', () => {
    expect(parseCsv('a;b\n"1;2";3', { delimiter: ';' })).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
  });

  it('refuses unclosed quotes and stray quotes, naming the record', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(CsvError);
    let thrown: unknown;
    try {
      parseCsv('a,b\n1,2\nx"y,3\n');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CsvError);
    expect((thrown as CsvError).record).toBe(3);
    expect(() => parseCsv('"a"b,c')).toThrow(/after a closing quote/);
  });

  it('maps records to objects by header and refuses ragged records', () => {
    expect(parseCsvObjects('code, type\nd1,esp32\n').rows).toEqual([{ code: 'd1', type: 'esp32' }]);
    expect(() => parseCsvObjects('a,b\n1\n')).toThrow(/record 2 has 1 fields/);
  });

  it('quotes only what must be quoted and round-trips through the reader', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField(' padded')).toBe('" padded"');
    const rows = [
      { code: 'a,1', config: '{"k":"v, w","n":[1,2]}', note: 'line1\nline2' },
      { code: 'b', config: '', note: '"quoted"' },
    ];
    const text = writeCsv(['code', 'config', 'note'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsvObjects(text).rows).toEqual(rows);
  });
});
