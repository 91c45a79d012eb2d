/**
 * A small RFC 4180 CSV reader and writer: fields may be quoted with `"`, a quoted field may hold
 * the delimiter, line breaks and doubled quotes (`""`). Records end with CRLF or LF (RFC 4180 §2.1
 * says CRLF; files from Unix tools use LF, so both are read). A UTF-8 byte order mark is skipped.
 */

export interface CsvReadOptions {
  /** Field separator, one character; default `,`. */
  delimiter?: string;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

export class CsvError extends Error {
  constructor(
    message: string,
    /** 1-based record number (the header is record 1) where reading stopped. */
    readonly record: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/** One record and the 1-based line of the text it starts on (quoted fields may span lines). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** All records of a CSV text as arrays of strings. A final line break does not make an empty record. */
export function parseCsv(text: string, opts: CsvReadOptions = {}): string[][] {
  return parseCsvRecords(text, opts).map((r) => r.fields);
}

/**
 * All records with the line each starts on. Blank lines are skipped (RFC 4180 has none; exports
 * from spreadsheets end with them). A quote inside an unquoted field and text after a closing
 * quote are errors, as in csv-parse without `relax_quotes` (the fuzz test compares the two).
 */
export function parseCsvRecords(text: string, opts: CsvReadOptions = {}): CsvRecord[] {
  const delim = opts.delimiter ?? ',';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r')
    throw new CsvError(`delimiter ${JSON.stringify(delim)} must be one character other than a quote or line break`, 0);
  const delimCode = delim.charCodeAt(0);
  const records: CsvRecord[] = [];
  let record: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  let recordLine = 1;
  // True once the current record has a field (possibly empty) or a delimiter: tells a blank
  // last line apart from a record with one empty field.
  let started = false;
  const where = () => `line ${line}`;
  while (i < n) {
    const c = text[i] as string;
    if (c === '"' && field === '') {
      // Quoted field: read to the closing quote; "" is a literal quote.
      let j = i + 1;
      let out = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new CsvError(`${where()}: a quoted field is not closed`, records.length + 1);
        out += text.slice(j, q);
        if (text[q + 1] === '"') {
          out += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      for (let k = i; k < j; k++) if (text.charCodeAt(k) === LF) line++;
      const next = text[j];
      if (j < n && next !== delim && next !== '\n' && next !== '\r')
        throw new CsvError(`${where()}: unexpected ${JSON.stringify(next)} after a closing quote`, records.length + 1);
      field = out;
      started = true;
      i = j;
      continue;
    }
    if (c === delim) {
      record.push(field);
      field = '';
      started = true;
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      if (started || field !== '') record.push(field);
      if (record.length > 0) records.push({ fields: record, line: recordLine });
      record = [];
      field = '';
      started = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    // Plain run up to the next delimiter, quote or line break (char codes: no string per character).
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === delimCode || d === LF || d === CR) break;
      if (d === QUOTE) throw new CsvError(`${where()}: a quote inside an unquoted field`, records.length + 1);
      j++;
    }
    field += text.slice(i, j);
    started = true;
    i = j;
  }
  if (started || field !== '') record.push(field);
  if (record.length > 0) records.push({ fields: record, line: recordLine });
  return records;
}

/**
 * Records as objects keyed by the header (the first record). Each object keeps its 1-based
 * position among the data records. A record with a different number of fields is an error.
 */
export function parseCsvObjects(text: string, opts: CsvReadOptions = {}): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...records] = parseCsv(text, opts);
  if (!header) return { header: [], rows: [] };
  const names = header.map((h) => h.trim());
  const rows = records.map((r, k) => {
    if (r.length !== names.length)
      throw new CsvError(`record ${k + 2} has ${r.length} fields, the header has ${names.length}`, k + 2);
    return Object.fromEntries(names.map((name, j) => [name, r[j] as string]));
  });
  return { header: names, rows };
}

/** Quotes a field only when it must: delimiter, quote, line break, or leading/trailing space. */
export function csvField(value: string, delimiter = ','): string {
  if (value === '') return '';
  const must =
    value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r') || value.trim() !== value;
  return must ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record with CRLF (RFC 4180 §2.1). */
export const csvRecord = (fields: string[], delimiter = ','): string =>
  `${fields.map((f) => csvField(f, delimiter)).join(delimiter)}\r\n`;

/** A whole CSV text: header then records in header order; missing values are empty fields. */
export function writeCsv(header: string[], rows: Record<string, string>[], delimiter = ','): string {
  let out = csvRecord(header, delimiter);
  for (const row of rows)
    out += csvRecord(
      header.map((h) => row[h] ?? ''),
      delimiter,
    );
  return out;
}
