import type { Row } from './entities.js';

/**
 * Observations straight to JSON text: the hot read (`Datastreams(id)/Observations?$filter=…&$top=1000`)
 * spends more time building entity objects and stringifying them than in SQL, so a page of
 * Observations without $expand is written here field by field. Everything interpolated is a
 * number, an ISO time, a digits-and-hyphen id, JSON text from the database, or the base URL
 * (escaped once). The output equals JSON.stringify of what StaReader.renderOwn builds
 * (observations-json.test.ts checks it).
 */
type Field = (row: Row, id: string, time: string, self: string) => string;

const FIELDS: Record<string, Field> = {
  '@iot.id': (_r, id) => `"@iot.id":"${id}"`,
  '@iot.selfLink': (_r, _id, _t, self) => `"@iot.selfLink":${self}"`,
  phenomenonTime: (_r, _id, time) => `"phenomenonTime":"${time}"`,
  resultTime: (_r, _id, time) => `"resultTime":"${time}"`,
  result: (r) => `"result":${resultText(r)}`,
  Datastream: (_r, _id, _t, self) => `"Datastream@iot.navigationLink":${self}/Datastream"`,
  FeatureOfInterest: (_r, _id, _t, self) => `"FeatureOfInterest@iot.navigationLink":${self}/FeatureOfInterest"`,
};
const ALL = ['@iot.id', '@iot.selfLink', 'phenomenonTime', 'resultTime', 'result', 'Datastream', 'FeatureOfInterest'];
const SELECT_NAMES: Record<string, string> = { id: '@iot.id', selfLink: '@iot.selfLink' };

function resultText(r: Row): string {
  if (r.result_json != null) return String(r.result_json);
  return r.result == null ? 'null' : JSON.stringify(Number(r.result));
}

/** The fields a `$select` keeps, in the order of a full entity; undefined when it names something else. */
export function observationFields(select: string[] | undefined): string[] | undefined {
  if (!select) return ALL;
  const wanted = new Set(select.map((s) => SELECT_NAMES[s] ?? s));
  if ([...wanted].some((w) => !FIELDS[w])) return undefined;
  return ALL.filter((f) => wanted.has(f));
}

/** The JSON text of a page's Observations (`[…]`). */
export function observationsJson(base: string, rows: Row[], fields: string[]): string {
  // `"http://host/sta/v1.1/Observations('` with the quote opened: each selfLink appends its id.
  const prefix = JSON.stringify(`${base}/Observations('`).slice(0, -1);
  const writers = fields.map((f) => FIELDS[f] as Field);
  const parts: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Row;
    const time = Number(r.time);
    const id = `${Number(r.ds_id)}-${time}`;
    const iso = new Date(time).toISOString();
    const self = `${prefix}${id}')`;
    let out = '{';
    for (let j = 0; j < writers.length; j++) out += (j === 0 ? '' : ',') + (writers[j] as Field)(r, id, iso, self);
    parts[i] = `${out}}`;
  }
  return `[${parts.join(',')}]`;
}
