/** Real payloads for transport tests, from test/fixtures/providers (see test/workers/fixtures.ts). */
import { fixture } from '../workers/fixtures.js';

/** A TTN v3 webhook body exactly as The Things Stack documents it. */
export const ttnV3Body = (): Buffer =>
  Buffer.from(JSON.stringify(fixture('ttn-v3-uplink.json').samples.tts_docs_uplink_example, null, 2));

/** RFC 8428 §5.1.4's records (real values and times) as a legacy system exports them in CSV. */
export function senmlCsv(): string {
  const records = fixture('senml-examples.json').rfc8428_examples['5.1.4_resolved_form_of_5.1.3'] as {
    n: string;
    u: string;
    t: number;
    v: number;
  }[];
  return ['name,unit,time,value', ...records.map((r) => [r.n, r.u, r.t, r.v].join(','))].join('\r\n');
}
