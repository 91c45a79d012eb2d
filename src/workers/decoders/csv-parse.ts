/**
 * RFC 4180 CSV: fields separated by a delimiter, records by CRLF or LF, fields optionally quoted
 * with `"` (a quote inside is doubled, and quoted fields may hold delimiters and line breaks).
 * (src/shared/csv.ts did not exist when this was written; the two can be unified.)
 */
export class CsvError extends Error {}

export function parseCsv(text: string, delimiter = ','): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new CsvError(`delimiter ${JSON.stringify(delimiter)} must be one character other than a quote or line break`);
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let quotedField = false;
  const endField = () => {
    row.push(field);
    field = '';
    quotedField = false;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === '"' && field === '' && !quotedField) {
      // A quoted field: read to the closing quote; "" is a literal quote.
      const start = line;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvError(`line ${start}: quoted field is not closed`);
        const q = src.charAt(i);
        if (q === '"') {
          if (src.charAt(i + 1) === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      quotedField = true;
      const next = src.charAt(i);
      if (i < src.length && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvError(`line ${line}: unexpected ${JSON.stringify(next)} after a quoted field`);
      }
      continue;
    }
    if (c === delimiter) {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRow();
      i += c === '\r' && src.charAt(i + 1) === '\n' ? 2 : 1;
      line++;
    } else {
      if (quotedField) throw new CsvError(`line ${line}: text after a quoted field`);
      field += c;
      i++;
    }
  }
  // The last record may or may not end with a line break (RFC 4180 §2.2).
  if (field !== '' || quotedField || row.length > 0) endRow();
  return rows;
}
