import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type MeasurementRow, PolderClient, PolderError } from '../../clients/typescript/src/index.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { type ClientWorld, startClientWorld } from './client-world.js';

const dialects = await availableDialects();

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(p: Promise<unknown>): Promise<PolderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolderError);
  return err as PolderError;
}

describe.each(dialects)('TypeScript client against a running Polder on %s', (dialect) => {
  let w: ClientWorld;
  beforeAll(async () => {
    w = await startClientWorld(dialect);
  });
  afterAll(() => w?.polder.close());

  it('pages through a day: every row exactly once, in order, values as inserted', async () => {
    const pages = await collect(w.client.queryMeasurements({ datastream: w.datastream, start: w.start, end: w.end, limit: 100 }));
    expect(pages).toHaveLength(Math.ceil(1440 / 100));
    expect(pages.slice(0, -1).every((p) => p.data.length === 100 && p.links.next !== null)).toBe(true);
    expect(pages.at(-1)?.links.next).toBeNull();
    expect(pages.flatMap((p) => p.data)).toEqual(w.rows);

    // Rows straight away, Dates for times, newest first.
    const rows = await collect(
      w.client.measurements({
        datastream: [w.datastream],
        start: new Date(w.start),
        end: new Date(w.end),
        order: 'desc',
        limit: 333,
      }),
    );
    expect(rows).toEqual([...w.rows].reverse());
    expectTypeOf(rows).toEqualTypeOf<MeasurementRow[]>();
  });

  it('passes filters and aggregates through', async () => {
    const sixToNoon = await collect(
      w.client.measurements({ device: w.deviceCode, start: w.rows[360]!.time, end: w.rows[720]!.time, limit: 50 }),
    );
    expect(sixToNoon).toEqual(w.rows.slice(360, 720));

    const hourly = await collect(
      w.client.queryMeasurements({ datastream: String(w.datastream), start: w.start, end: w.end, interval: '1h', agg: 'max' }),
    );
    expect(hourly).toHaveLength(1);
    expect(hourly[0]?.data).toEqual(
      Array.from({ length: 24 }, (_, h) => ({
        datastream: w.datastream,
        time: w.rows[h * 60]!.time,
        value: Math.max(...w.rows.slice(h * 60, h * 60 + 60).map((r) => r.value)),
      })),
    );
  });

  it('reads the latest values', async () => {
    const last = w.rows.at(-1)!;
    const latest = await w.client.latest(w.datastream);
    expect(latest).toMatchObject({ observedProperty: 'temperature', unit: 'Cel', ...last });
    const ofDevice = await w.client.deviceLatest(w.deviceCode);
    expect(ofDevice).toEqual([latest]);
  });

  it('lists devices across pages and makes typed calls', async () => {
    for (const code of ['a-1', 'a-2', 'a-3']) await w.client.post('/api/devices', { body: { code, type: 'rpi3' } });
    const codes = (await collect(w.client.devices({ limit: 2 }))).map((d) => d.code);
    expect(codes).toEqual(['a-1', 'a-2', 'a-3', w.deviceCode]);
    const sensor = (await w.client.get('/api/datastreams/{id}', { path: { id: String(w.datastream) } })).sensorId;
    const ofSensor = await collect(
      w.client.items('/api/sensors/{id}/datastreams', { path: { id: sensor }, query: { limit: 1 } }),
    );
    expect(ofSensor.map((d) => d.id)).toEqual([w.datastream]);
    const one = await w.client.get('/api/datastreams/{id}', { path: { id: String(w.datastream) } });
    expect(one).toMatchObject({ id: w.datastream, observedProperty: 'temperature', unit: 'Cel' });
    expectTypeOf(one.id).toEqualTypeOf<number>();
    const patched = await w.client.patch('/api/devices/{id}', { path: { id: 'a-3' }, body: { description: 'spare' } });
    expect(patched.description).toBe('spare');
    expect(await w.client.delete('/api/devices/{id}', { path: { id: 'a-3' } })).toBeUndefined();
    // Checked by tsc (tests are type-checked), never run: the generated types refuse wrong calls.
    const wrongCalls = () => {
      // @ts-expect-error the path parameter is missing
      void w.client.get('/api/datastreams/{id}');
      // @ts-expect-error the body is missing
      void w.client.post('/api/datastreams');
      // @ts-expect-error 2m is not an interval
      void w.client.measurements({ datastream: 1, interval: '2m' });
      // @ts-expect-error no such path
      void w.client.get('/api/nothing');
    };
    expect(wrongCalls).toBeTypeOf('function');
  });

  it('throws PolderError with status, code, message and details', async () => {
    const unknown = await failure(w.client.latest(w.datastream + 1000));
    expect(unknown).toMatchObject({ status: 404, code: 'DATASTREAM_NOT_FOUND' });
    expect(unknown.requestId).toEqual(expect.any(String));

    const reversed = await failure(collect(w.client.measurements({ datastream: w.datastream, start: w.end, end: w.start })));
    expect(reversed).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'start' });
    expect(reversed.details.field).toBe('start');
    expect(reversed.message).toMatch(/start/);

    const interval = await failure(collect(w.client.measurements({ datastream: w.datastream, interval: '2m' as '1m' })));
    expect(interval).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'querystring.interval' });

    const stranger = new PolderClient({ baseUrl: w.polder.url, token: 'not-a-key' });
    expect(await failure(stranger.latest(w.datastream))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('follows links.next on its own base URL, not the host Polder saw', async () => {
    const seen: string[] = [];
    // A proxy in front of Polder: Polder sees another Host and writes it into links.next.
    const client = new PolderClient({
      baseUrl: `${w.polder.url}/`,
      token: ADMIN_TOKEN,
      fetch: (input, init) => {
        const url = new URL(String(input));
        seen.push(url.host);
        return fetch(url, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), 'x-forwarded-host': 'polder.example' },
        });
      },
    });
    const rows = await collect(client.measurements({ datastream: w.datastream, start: w.start, end: w.end, limit: 500 }));
    expect(rows).toEqual(w.rows);
    expect(new Set(seen)).toEqual(new Set([new URL(w.polder.url).host]));
    expect(seen).toHaveLength(3);
  });
});
