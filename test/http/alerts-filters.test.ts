import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyDatastreamStore } from '../../src/devices/datastreams.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

// Issue 9 item 15: /api/alerts filters by device (id or code, 404 when unknown), status and kind;
// `?device=` used to be ignored.
describe.each(dialects)('GET /api/alerts filters on %s', (dialect) => {
  let t: TestPolder;
  const ids: Record<string, string> = {};
  const call = (url: string) => t.call(ADMIN_TOKEN, { method: 'GET', url });
  const kinds = async (url: string) => {
    const r = await call(url);
    expect(r.statusCode, r.body).toBe(200);
    return (r.json().data as { kind: string; subject: { id: string } }[]).map((a) => `${a.kind}:${a.subject.id}`).sort();
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    for (const code of ['alpha', 'beta']) {
      const r = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/devices', payload: { code, type: 'sensor' } });
      expect(r.statusCode, r.body).toBe(201);
      ids[code] = r.json().id;
    }
    const orgId = t.polder.bootstrap.org.id;
    // A datastream of alpha, for an alert whose subject is the datastream (rules open those).
    const [ds] = await new KyselyDatastreamStore(t.polder.database.db, uuidv7).resolve(
      orgId,
      ids.alpha as string,
      [{ sensor: 's1', observedProperty: 'temperature', unit: 'Cel' }],
      Date.now(),
    );
    const alert = (kind: string, subjectType: 'device' | 'datastream', subjectId: string) => ({
      kind,
      severity: 'warning' as const,
      subjectType,
      subjectId,
      message: kind,
    });
    await t.polder.alerts.open(orgId, [
      alert('device_offline', 'device', ids.alpha as string),
      alert('device_offline', 'device', ids.beta as string),
      alert('threshold', 'datastream', String(ds)),
    ]);
    const [first] = (await call('/api/alerts?device=beta')).json().data;
    expect((await t.call(ADMIN_TOKEN, { method: 'POST', url: `/api/alerts/${first.id}/acknowledge` })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('filters by device id or code: the device and its datastreams', async () => {
    const alpha = await kinds(`/api/alerts?device=${ids.alpha}`);
    expect(alpha).toHaveLength(2);
    expect(alpha[0]).toBe(`device_offline:${ids.alpha}`);
    expect(alpha[1]).toMatch(/^threshold:\d+$/);
    expect(await kinds('/api/alerts?device=alpha')).toEqual(alpha);
    expect(await kinds('/api/alerts?device=beta')).toEqual([`device_offline:${ids.beta}`]);
  });

  it('answers 404 for an unknown device, like /api/measurements', async () => {
    const r = await call('/api/alerts?device=no-such-device');
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toMatchObject({ code: 'DEVICE_NOT_FOUND' });
  });

  it('combines device with status and kind', async () => {
    expect(await kinds('/api/alerts?kind=device_offline')).toHaveLength(2);
    expect(await kinds('/api/alerts?device=alpha&kind=threshold')).toHaveLength(1);
    expect(await kinds('/api/alerts?device=beta&status=firing')).toEqual([]);
    expect(await kinds('/api/alerts?device=beta&status=acknowledged')).toEqual([`device_offline:${ids.beta}`]);
    expect(await kinds('/api/alerts?status=open')).toHaveLength(3);
    const bad = await call('/api/alerts?status=bogus');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('status');
  });
});
