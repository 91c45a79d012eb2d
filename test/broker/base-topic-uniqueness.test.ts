import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { startTestPolder, type TestPolder } from '../support/polder.js';
import { caller, createTenant, placeBoard, type Tenant } from './tenants.js';

/**
 * Issue 9 item 2 on both databases: an MQTT device's base topic is a global name on a shared
 * broker. Creating, moving or importing a device onto (or over, or under) another organisation's
 * base topic is a 409 / a row error naming the field, and says nothing of who holds it.
 */
describe.each(await availableDialects())('base topics are unique across organisations on %s', (dialect) => {
  let t: TestPolder;
  let alpha: Tenant;
  let beta: Tenant;
  const call = (token: string, method: string, url: string, payload?: unknown) => caller(t)(token, method, url, payload);

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    alpha = await createTenant(t, 'alpha');
    beta = await createTenant(t, 'beta');
    await placeBoard(t, alpha.admin, { code: 'a-1', mac: '24:0a:c4:00:01:01', building: 'irit_2', room: '301' });
  });
  afterAll(() => t.close());

  it('refuses create and update on an overlapping topic (409, field named), allows neighbours and other connectivities', async () => {
    const create = (code: string, extra: Record<string, unknown>) =>
      call(beta.admin, 'POST', '/api/devices', { code, type: 'rpi3', ...extra });
    for (const baseTopic of ['irit_2/301', 'irit_2', 'irit_2/301/a', 'polder/alpha']) {
      const res = await create(`b-${baseTopic.replace(/\W/g, '-')}`, { baseTopic });
      expect(res.statusCode, `${baseTopic}: ${res.body}`).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'CONFLICT', details: { field: 'baseTopic' } });
      // Nothing about who holds it (beyond the topic the caller sent).
      expect(JSON.stringify(res.json()).replaceAll(baseTopic, '')).not.toMatch(/alpha|a-1|24:0a/);
    }
    // `_` is a LIKE wildcard in SQL: irit_2 must not match irit-2 or iritx2.
    expect((await create('b-irit-2', { baseTopic: 'irit-2/301' })).statusCode).toBe(201);
    expect((await create('b-iritx2', { baseTopic: 'iritx2/301' })).statusCode).toBe(201);
    expect((await create('b-3011', { baseTopic: 'irit_2/3011' })).statusCode).toBe(201);
    // A LoRaWAN node has no MQTT account: its derived topic collides with nothing.
    const lora = await call(beta.admin, 'POST', '/api/devices', {
      code: 'b-lora',
      type: 'lorawan-node',
      identity: { kind: 'deveui', value: '70B3D57ED0000001' },
      baseTopic: 'irit_2/301',
    });
    expect(lora.statusCode, lora.body).toBe(201);
    const move = await call(beta.admin, 'PATCH', '/api/devices/b-3011', { baseTopic: 'irit_2/301' });
    expect(move.statusCode).toBe(409);
    expect(move.json().error.details.field).toBe('baseTopic');
  });

  it('refuses an import row on an overlapping topic, naming the row and the field', async () => {
    await call(beta.admin, 'POST', '/api/buildings', { slug: 'irit_2', name: 'IRIT 2' });
    await call(beta.admin, 'POST', '/api/rooms', { building: 'irit_2', slug: '301', name: '301' });
    const rows = [
      { code: 'b-ok', type: 'rpi3', baseTopic: 'beta/lab' },
      { code: 'b-room', type: 'rpi3', location: { building: 'irit_2', room: '301' } },
      { code: 'b-explicit', type: 'rpi3', baseTopic: 'irit_2/301/x' },
    ];
    const dry = await call(beta.admin, 'POST', '/api/devices/import?dryRun=true', rows);
    expect(dry.statusCode, dry.body).toBe(200);
    expect((dry.json().errors as { row: number; field: string }[]).map((e) => `${e.row}:${e.field}`)).toEqual([
      '2:location',
      '3:baseTopic',
    ]);
  });

  it('a location rename that would overlap another organisation leaves the MQTT device without a base topic', async () => {
    await placeBoard(t, alpha.admin, { code: 'a-alab', mac: '24:0a:c4:00:01:02', building: 'alab', room: '7' });
    await placeBoard(t, beta.admin, { code: 'b-blab', mac: '24:0a:c4:00:01:03', building: 'blab', room: '7' });
    const renamed = await call(beta.admin, 'PATCH', '/api/buildings/blab', { slug: 'alab' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await call(beta.admin, 'GET', '/api/devices/b-blab')).json().baseTopic).toBeNull();
    expect((await call(alpha.admin, 'GET', '/api/devices/a-alab')).json().baseTopic).toBe('alab/7');
  });
});
