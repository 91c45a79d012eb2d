/**
 * Every real sample in test/fixtures/providers, posted as a provider would to its pipeline, ends as
 * the measurements the workers make of it: same device (by identity), sensor, observed
 * property, unit, time and value — or as the trace status and error the workers call for.
 * What each worker makes of each sample is asserted value by value in test/workers; here the
 * question is whether the whole path (HTTP, inbox, runner, store step, registry) keeps it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/shared/errors.js';
import { draftTime, type PipelineMessage, prepareStep, runStep, skipReason } from '../../src/workers/workers.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../support/polder.js';
import { eventually } from '../support/poll.js';
import { fixture, messageOf } from '../workers/fixtures.js';

const dialects = await availableDialects();

interface Case {
  name: string;
  steps: { worker: string; config?: Record<string, unknown> }[];
  body: unknown;
}

const samples = (file: string, steps: Case['steps'], group = 'samples'): Case[] =>
  Object.entries(fixture(file)[group] as Record<string, unknown>)
    .filter(([, body]) => typeof body === 'object')
    .map(([key, body]) => ({ name: `${file} ${key}`, steps, body }));

const CASES: Case[] = [
  ...samples('ttn-v3-uplink.json', [{ worker: 'ttn-v3' }, { worker: 'json-map' }]),
  ...samples('ttn-v2-uplink.json', [{ worker: 'ttn-v2' }, { worker: 'json-map' }]),
  ...samples('chirpstack-v3-uplink.json', [{ worker: 'chirpstack-v3' }, { worker: 'json-map' }]),
  ...samples('chirpstack-v4-uplink.json', [{ worker: 'chirpstack-v4' }, { worker: 'json-map' }]),
  ...samples('senml-examples.json', [{ worker: 'senml' }], 'rfc8428_examples'),
  ...samples('senml-examples.json', [{ worker: 'kpn-senml' }], 'kpn_things_examples'),
];

interface Row {
  device: string; // identity value, or code
  sensor: string;
  observedProperty: string;
  unit: string;
  time: number;
  value: number;
}

/** What the workers make of the sample, in process: a status, and the rows when stored. */
async function expected(c: Case, receivedAt: number): Promise<{ status: string; code?: string; rows: Row[] }> {
  let msg: PipelineMessage = messageOf(c.body, {}, receivedAt);
  try {
    for (const s of c.steps) msg = await runStep(prepareStep(s.worker, s.config), msg);
  } catch (err) {
    if (err instanceof DomainError) return { status: 'failed', code: err.code, rows: [] };
    throw err;
  }
  if (skipReason(msg) !== undefined && msg.measurements.length === 0) return { status: 'skipped', rows: [] };
  const rows: Row[] = [];
  for (const d of msg.measurements) {
    const ref = d.device ?? msg.device;
    const device = ref?.identity?.value ?? ref?.code;
    if (!device) return { status: 'failed', code: 'DEVICE_NOT_FOUND', rows: [] };
    const { sensor, observedProperty, unit, value } = d;
    rows.push({ device: device.toLowerCase(), sensor, observedProperty, unit, time: draftTime(msg, d), value: value as number });
  }
  return { status: 'stored', rows };
}

const sortRows = (rows: Row[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe.each(dialects)('every fixture through its pipeline on %s', (dialect) => {
  let t: ListeningPolder;
  const pipelines = new Map<string, string>();

  beforeAll(async () => {
    t = await startListeningPolder(dialect);
  });
  afterAll(async () => t?.close());

  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.call(ADMIN_TOKEN, { method, url, ...(payload !== undefined && { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };

  async function pipelineFor(steps: Case['steps']): Promise<string> {
    const key = JSON.stringify(steps);
    const known = pipelines.get(key);
    if (known) return known;
    const res = await call('POST', '/api/pipelines', { name: steps.map((s) => s.worker).join('.'), steps, autoRegister: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    pipelines.set(key, res.body.id);
    return res.body.id;
  }

  async function traceOf(id: string) {
    return eventually(`trace ${id} finished`, async () => {
      const res = await call('GET', `/api/traces/${id}`);
      return res.status === 200 && res.body.status !== 'retrying' ? res.body : undefined;
    });
  }

  /** Every measurement of the organisation's devices, as rows, then the devices are deleted. */
  async function storedRowsAndClear(): Promise<Row[]> {
    const rows: Row[] = [];
    const devices = (await call('GET', '/api/devices?limit=1000')).body.data as {
      id: string;
      code: string;
      identity: { value: string } | null;
    }[];
    for (const d of devices) {
      const streams = (await call('GET', `/api/datastreams?device=${d.id}&limit=1000`)).body.data as {
        id: number;
        sensor: string;
        observedProperty: string;
        unit: string;
      }[];
      const values = (await call('GET', `/api/measurements?device=${d.id}&limit=100000`)).body.data as {
        datastream: number;
        time: string;
        value: number;
      }[];
      for (const v of values) {
        const s = streams.find((x) => x.id === v.datastream);
        if (!s) throw new Error(`measurement of unknown datastream ${v.datastream}`);
        const device = (d.identity?.value ?? d.code).toLowerCase();
        rows.push({
          device,
          sensor: s.sensor,
          observedProperty: s.observedProperty,
          unit: s.unit,
          time: Date.parse(v.time),
          value: v.value,
        });
      }
      expect((await call('DELETE', `/api/devices/${d.id}`)).status).toBe(204);
    }
    return rows;
  }

  it.each(CASES)('$name', async (c) => {
    const pipeline = await pipelineFor(c.steps);
    const res = await call('POST', `/api/uplinks/${pipeline}`, c.body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const trace = await traceOf(res.body.traceId);
    // Values without a time of their own are observed when Polder received them.
    const want = await expected(c, Date.parse(trace.receivedAt));
    expect({ status: trace.status, code: trace.error?.code }).toEqual({ status: want.status, code: want.code });
    const stored = await storedRowsAndClear();
    // Identical rows (same datastream and time) are one measurement.
    const unique = [
      ...new Map(want.rows.map((r) => [JSON.stringify([r.device, r.sensor, r.observedProperty, r.unit, r.time]), r])).values(),
    ];
    expect(sortRows(stored)).toEqual(sortRows(unique));
    if (want.status === 'stored') expect(trace.measurements).toBe(unique.length);
  });
});
