import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, RECEIVED, type RunnerWorld, startRunnerWorld } from '../pipelines/runner-world.js';
import { availableDialects } from '../support/databases.js';

/**
 * Issue 9 item 14: non-numeric observations (neOCampus `"value": "on"`, booleans, JSON) are
 * stored in their own table, and read back like numbers: latest values, history, CSV/NDJSON.
 */
const dialects = await availableDialects();
const TIME = new Date(RECEIVED).toISOString();

describe.each(dialects)('non-numeric values on %s', (dialect) => {
  let w: RunnerWorld;

  const neocampus = (module: string, body: Record<string, unknown>) =>
    w.message(w.pipeline(['neocampus']), { unitID: 'front', ...body }, { kind: 'mqtt', topic: `u5/101/${module}` });

  beforeAll(async () => {
    w = await startRunnerWorld(dialect, 3);
    expect((await w.api('POST', '/api/buildings', { slug: 'u5', name: 'U5' })).statusCode).toBe(201);
    expect((await w.api('POST', '/api/rooms', { building: 'u5', slug: '101', name: '101' })).statusCode).toBe(201);
    await w.device({
      code: 'board-v',
      type: 'esp32',
      identity: { kind: 'mac', value: '24:0a:c4:00:00:31' },
      location: { building: 'u5', room: '101' },
      properties: { unitID: 'front' },
    });
    const batch = [
      neocampus('lighting', { value: 'on', subID: 'relay1' }),
      neocampus('presence', { value: true, subID: 'pir' }),
      neocampus('led', { value: { r: 255, g: 0, b: 12 }, subID: 'rgb' }),
      neocampus('temperature', { value: '21.50', value_units: 'celsius', subID: 'ouest' }),
      neocampus('energy', { value: [230.1, 229.8, 231], value_units: 'V', subID: 'tgbt' }),
    ];
    const outcome = await w.handle(deliveries(batch));
    expect(outcome, JSON.stringify(batch.map((m) => w.sink.of(m.id).error))).toEqual({ done: batch.map((m) => m.id), retry: [] });
    for (const m of batch) expect(w.sink.of(m.id).status).toBe('stored');
    // Redelivered: stored once.
    expect((await w.handle(deliveries(batch, 2))).done).toHaveLength(batch.length);
  });
  afterAll(() => w?.close());

  it('gives datastreams a value kind', async () => {
    const r = await w.api('GET', '/api/devices/board-v/datastreams?limit=100');
    expect(r.statusCode, r.body).toBe(200);
    const kinds = Object.fromEntries(
      r
        .json()
        .data.map((d: { observedProperty: string; unit: string; valueKind: string }) => [
          d.observedProperty,
          `${d.valueKind}/${d.unit}`,
        ]),
    );
    expect(kinds).toEqual({
      lighting: 'text/',
      presence: 'boolean/',
      led: 'json/',
      temperature: 'number/Cel',
      voltage_1: 'number/V',
      voltage_2: 'number/V',
      voltage_3: 'number/V',
    });
  });

  it('answers them in the latest values of the device', async () => {
    const r = await w.api('GET', '/api/devices/board-v/latest');
    expect(r.statusCode, r.body).toBe(200);
    const latest = Object.fromEntries(
      r
        .json()
        .data.map((l: { observedProperty: string; value: unknown; valueKind: string; time: string }) => [
          l.observedProperty,
          [l.valueKind, l.value, l.time],
        ]),
    );
    expect(latest.lighting).toEqual(['text', 'on', TIME]);
    expect(latest.presence).toEqual(['boolean', true, TIME]);
    expect(latest.led).toEqual(['json', { r: 255, g: 0, b: 12 }, TIME]);
    expect(latest.temperature).toEqual(['number', 21.5, TIME]);
  });

  it('answers them in the history, with numbers, counted, one row per redelivered value', async () => {
    expect(await w.stored('board-v')).toEqual([
      { sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel', time: TIME, value: 21.5 },
      { sensor: 'pir', observedProperty: 'presence', unit: '', time: TIME, value: true },
      { sensor: 'relay1', observedProperty: 'lighting', unit: '', time: TIME, value: 'on' },
      { sensor: 'rgb', observedProperty: 'led', unit: '', time: TIME, value: { r: 255, g: 0, b: 12 } },
      { sensor: 'tgbt', observedProperty: 'voltage_1', unit: 'V', time: TIME, value: 230.1 },
      { sensor: 'tgbt', observedProperty: 'voltage_2', unit: 'V', time: TIME, value: 229.8 },
      { sensor: 'tgbt', observedProperty: 'voltage_3', unit: 'V', time: TIME, value: 231 },
    ]);
    const counted = await w.api('GET', '/api/measurements?device=board-v&count=true&limit=2');
    expect(counted.json().total).toBe(7);
    // Pages across both tables: no gap, no repeat.
    const seen: unknown[] = [];
    let url: string | null = '/api/measurements?device=board-v&limit=2';
    while (url) {
      const page: { data: unknown[]; links: { next: string | null } } = (await w.api('GET', url)).json();
      seen.push(...page.data);
      url = page.links.next ? new URL(page.links.next).pathname + new URL(page.links.next).search : null;
    }
    expect(seen).toEqual((await w.api('GET', '/api/measurements?device=board-v')).json().data);
    expect(seen).toHaveLength(7);
  });

  it('exports them as CSV (text as text, JSON quoted) and NDJSON (as JSON)', async () => {
    const csv = await w.api('GET', '/api/measurements/export?device=board-v&observedProperty=lighting');
    expect(csv.statusCode, csv.body).toBe(200);
    const [header, line] = csv.body.trimEnd().split('\n');
    expect(header).toBe('datastream,device,sensor,observedProperty,unit,time,value');
    expect(line).toMatch(new RegExp(`^\\d+,board-v,relay1,lighting,,${TIME.replace(/\./g, '\\.')},on$`));
    const led = await w.api('GET', '/api/measurements/export?device=board-v&observedProperty=led&columns=minimal');
    expect(led.body.trimEnd().split('\n')[1]).toMatch(/^\d+,[^,]+,"\{""r"":255,""g"":0,""b"":12\}"$/);
    const nd = await w.api('GET', '/api/measurements/export?device=board-v&format=ndjson');
    const lines = nd.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.observedProperty, l.value])).toEqual(
      expect.arrayContaining([
        ['lighting', 'on'],
        ['presence', true],
        ['led', { r: 255, g: 0, b: 12 }],
        ['temperature', 21.5],
      ]),
    );
    expect(lines).toHaveLength(7);
  });

  it('aggregates numbers only (text has no average)', async () => {
    const r = await w.api('GET', '/api/measurements?device=board-v&interval=1h&start=2025-06-01T00:00:00Z');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().data).toHaveLength(4);
  });

  it('a value of another kind than its datastream fails its message, saying what was received; the batch goes on', async () => {
    const wrong = neocampus('lighting', { value: 1, subID: 'relay1' });
    const ok = neocampus('lighting', { value: 'off', subID: 'relay1' });
    const later = { ...ok, receivedAt: RECEIVED + 1000 };
    expect(await w.handle(deliveries([wrong, later]))).toEqual({ done: [wrong.id, later.id], retry: [] });
    expect(w.sink.of(wrong.id)).toMatchObject({
      status: 'failed',
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(
          /value 1 \(a number\) does not fit datastream \d+ \(sensor relay1, lighting, unit ""\), which holds text/,
        ),
      },
    });
    expect(w.sink.of(later.id).status).toBe('stored');
    const latest = (await w.api('GET', '/api/devices/board-v/latest')).json().data;
    expect(latest.find((l: { observedProperty: string }) => l.observedProperty === 'lighting').value).toBe('off');
  });
});
