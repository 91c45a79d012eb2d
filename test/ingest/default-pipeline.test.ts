import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDevicesOnly } from '../../src/db/migrations/20261202-1740-default-devices-only.js';
import { DEFAULT_PIPELINES } from '../../src/pipelines/default-pipelines.js';
import { availableDialects } from '../support/databases.js';
import { brokerModes, connectMqtt, eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN, startTestPolder } from '../support/polder.js';

/**
 * The `neocampus` pipeline every organisation gets takes only its boards' messages
 * (`devicesOnly`): a three-level topic of another integration is not enqueued, traced and skipped.
 */
describe.each(brokerModes())('the default neocampus pipeline (%s broker)', (mode) => {
  let t: LivePolder;
  const api = (method: string, url: string, payload?: object) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload }) });
  const traces = async () => (await api('GET', '/api/traces?pipeline=neocampus')).json().data as Record<string, unknown>[];

  beforeAll(async () => {
    t = await startLivePolder(mode);
    expect((await api('POST', '/api/buildings', { slug: 'u5', name: 'U5' })).statusCode).toBe(201);
    expect((await api('POST', '/api/rooms', { building: 'u5', slug: '201', name: '201' })).statusCode).toBe(201);
    const created = await api('POST', '/api/devices', {
      code: 'rpi3-u5-201',
      type: 'rpi3',
      identity: { kind: 'mac', value: '24:0a:c4:00:05:01' },
      location: { building: 'u5', room: '201' },
    });
    expect(created.statusCode, created.body).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("stores a board's reading and leaves other three-level topics alone", async () => {
    // Not a device: an admin key (embedded) or the broker's admin (external), on a topic of no board.
    const other = await t.superuser();
    await other.publishAsync('bench/node-1/up', '{"value": 1, "value_units": "celsius"}', { qos: 1 });
    await other.endAsync();
    const c = (await t.call(undefined, { url: '/device/credentials?mac=24:0a:c4:00:05:01' })).json();
    const board = await connectMqtt(t.brokerUrl, { username: c.login, password: c.password });
    await board.publishAsync('u5/201/temperature', '{"value": 21.5, "value_units": "celsius"}', { qos: 1 });
    await board.endAsync();
    const stored = await eventually('the board reading stored', async () => {
      const list = await traces();
      return list.length > 0 && list.every((x) => x.status !== 'retrying') ? list : undefined;
    });
    expect(stored.map((x) => [(x.transport as { topic: string }).topic, x.status, x.measurements])).toEqual([
      ['u5/201/temperature', 'stored', 1],
    ]);
  });
});

describe.each(await availableDialects())('the devicesOnly migration (%s)', (dialect) => {
  it('sets the flag on default pipelines left as created, not on edited ones', async () => {
    const t = await startTestPolder(dialect);
    try {
      const org = t.polder.bootstrap.org.id;
      const db = t.polder.database.db as unknown as Kysely<{ pipelines: { org_id: string; name: string; sources: string } }>;
      const old = JSON.stringify((DEFAULT_PIPELINES[0]?.sources ?? []).map(({ devicesOnly: _, ...s }) => s as object));
      await db.updateTable('pipelines').set({ sources: old }).where('org_id', '=', org).execute();
      const edited = JSON.stringify([{ kind: 'mqtt', topic: '+/+/+' }]);
      const other = (
        await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/organisations', payload: { slug: 'o2', name: 'o2' } })
      ).json();
      await db.updateTable('pipelines').set({ sources: edited }).where('org_id', '=', other.id).execute();
      await defaultDevicesOnly(dialect).up(db as unknown as Kysely<unknown>);
      const rows = await db.selectFrom('pipelines').select(['org_id', 'sources']).where('name', '=', 'neocampus').execute();
      const byOrg = new Map(rows.map((r) => [r.org_id, JSON.parse(r.sources)]));
      expect(byOrg.get(org)).toEqual(DEFAULT_PIPELINES[0]?.sources);
      expect(byOrg.get(other.id)).toEqual(JSON.parse(edited));
    } finally {
      await t.close();
    }
  });
});
