import { describe, expect, it } from 'vitest';
import { conflict } from '../shared/errors.js';
import { DeviceEvents } from './device-events.js';
import {
  autoCode,
  type DeviceLookup,
  type DeviceMatch,
  DeviceMatcher,
  type MatchRequest,
  pickBoard,
  unitIdOf,
} from './device-matcher.js';
import type { Device, DeviceInput } from './devices.js';
import type { Identity } from './identity.js';

/** An in-memory registry that counts its queries. */
function registry(devices: DeviceMatch[]) {
  const queries: string[] = [];
  const lookup: DeviceLookup = {
    async byIds(_org, ids) {
      queries.push(`ids:${ids.length}`);
      return devices.filter((d) => ids.includes(d.id));
    },
    async byIdentities(_org, identities: Identity[]) {
      queries.push(`identities:${identities.length}`);
      return devices.filter((d) => identities.some((i) => d.identity?.kind === i.kind && d.identity.value === i.value));
    },
    async byCodes(_org, codes) {
      queries.push(`codes:${codes.length}`);
      return devices.filter((d) => codes.includes(d.code));
    },
  };
  const created: DeviceInput[] = [];
  const creator = {
    async create(orgId: string, input: DeviceInput): Promise<Device> {
      created.push(input);
      const d: DeviceMatch = {
        id: `new-${created.length}`,
        code: input.code,
        identity: (input.identity as Identity | undefined) ?? null,
        enabled: true,
      };
      devices.push(d);
      return { ...d, orgId, typeName: input.type } as unknown as Device;
    },
  };
  return { lookup, creator, queries, created, devices };
}

const req = (ref: MatchRequest['ref'], autoRegister?: MatchRequest['autoRegister']): MatchRequest => ({
  orgId: 'org',
  ref,
  payload: new Uint8Array(),
  autoRegister,
});
const deveui = (value: string) => ({ identity: { kind: 'deveui' as const, value } });

const A: DeviceMatch = { id: 'a', code: 'node-a', identity: { kind: 'deveui', value: '0004A30B001C0530' }, enabled: true };
const B: DeviceMatch = { id: 'b', code: 'node-b', identity: { kind: 'mac', value: '24:0a:c4:00:00:01' }, enabled: true };
const OFF: DeviceMatch = { id: 'off', code: 'off', identity: null, enabled: false };

describe('DeviceMatcher', () => {
  it('looks a batch up with one query per kind of ref, then from its cache', async () => {
    const r = registry([A, B, OFF]);
    const m = new DeviceMatcher({ lookup: r.lookup, creator: r.creator, clock: () => 0 });
    const batch = [
      req(deveui('00-04-a3-0b-00-1c-05-30')), // any notation of the DevEUI
      req({ identity: { kind: 'mac', value: '240AC4000001' } }),
      req({ code: 'node-a' }),
      req({ id: 'b' }),
      req(deveui('0004A30B001C0530')),
      req({ code: 'off' }),
      req({ id: 'nope' }),
    ];
    const out = await m.match(batch);
    expect(out.slice(0, 5)).toEqual([
      { deviceId: 'a' },
      { deviceId: 'b' },
      { deviceId: 'a' },
      { deviceId: 'b' },
      { deviceId: 'a' },
    ]);
    expect(out[5]).toMatchObject({ error: { code: 'DEVICE_DISABLED' } });
    expect(out[6]).toMatchObject({ error: { code: 'DEVICE_NOT_FOUND', details: { ref: { id: 'nope' } } } });
    expect(r.queries.sort()).toEqual(['codes:2', 'identities:2', 'ids:2']);
    r.queries.length = 0;
    await m.match(batch.slice(0, 6));
    expect(r.queries).toEqual([]);
  });

  it('forgets a device when the registry saves, disables or deletes it', async () => {
    const r = registry([{ ...A }]);
    const events = new DeviceEvents();
    const m = new DeviceMatcher({ lookup: r.lookup, creator: r.creator, events, clock: () => 0 });
    expect(await m.match([req(deveui(A.identity?.value as string))])).toEqual([{ deviceId: 'a' }]);
    (r.devices[0] as DeviceMatch).enabled = false;
    await events.emit('deviceDisabled', { id: 'a' } as Device);
    expect(await m.match([req(deveui(A.identity?.value as string))])).toMatchObject([{ error: { code: 'DEVICE_DISABLED' } }]);
    r.devices.splice(0, 1);
    await events.emit('deviceDeleted', { id: 'a' } as Device);
    expect(await m.match([req({ code: 'node-a' })])).toMatchObject([{ error: { code: 'DEVICE_NOT_FOUND' } }]);
  });

  it('entries expire after the TTL (another process may have changed the device)', async () => {
    const r = registry([A]);
    let now = 0;
    const m = new DeviceMatcher({ lookup: r.lookup, creator: r.creator, clock: () => now, ttlMs: 1000 });
    await m.match([req({ id: 'a' })]);
    now = 999;
    await m.match([req({ id: 'a' })]);
    expect(r.queries).toHaveLength(1);
    now = 1000;
    await m.match([req({ id: 'a' })]);
    expect(r.queries).toHaveLength(2);
  });

  it('resolves base topics through the topic resolver, per message payload', async () => {
    const r = registry([]);
    const seen: string[] = [];
    const m = new DeviceMatcher({
      lookup: r.lookup,
      creator: r.creator,
      clock: () => 0,
      resolveTopic: (orgId, topic, payload) => {
        seen.push(`${orgId} ${topic} ${Buffer.from(payload).toString()}`);
        return Buffer.from(payload).toString() === 'front' ? 'board-front' : undefined;
      },
    });
    const out = await m.match([
      { ...req({ topic: 'u4/302' }), payload: new Uint8Array(Buffer.from('front')) },
      { ...req({ topic: 'u4/302' }), payload: new Uint8Array(Buffer.from('back')) },
    ]);
    expect(out[0]).toEqual({ deviceId: 'board-front' });
    expect(out[1]).toMatchObject({ error: { code: 'DEVICE_NOT_FOUND' } });
    expect(seen).toEqual(['org u4/302 front', 'org u4/302 back']);
  });

  it('auto-registers an unknown device once per batch, typed by the pipeline, else lorawan-node (DevEUIs) or sensor', async () => {
    const r = registry([]);
    const m = new DeviceMatcher({ lookup: r.lookup, creator: r.creator, clock: () => 0 });
    const out = await m.match([
      ...Array.from({ length: 20 }, () => req(deveui('70b3d57ed005a1b2'), { deviceType: null })),
      req({ identity: { kind: 'serial', value: 'SN 42/7' } }, { deviceType: 'meter' }),
      req({ identity: { kind: 'serial', value: 'SN 43' } }, { deviceType: null }),
      req({ topic: 'u4/302' }, { deviceType: 'esp32' }),
    ]);
    expect(r.created).toEqual([
      { code: '70B3D57ED005A1B2', type: 'lorawan-node', identity: { kind: 'deveui', value: '70B3D57ED005A1B2' } },
      { code: 'SN-42-7', type: 'meter', identity: { kind: 'serial', value: 'SN 42/7' } },
      { code: 'SN-43', type: 'sensor', identity: { kind: 'serial', value: 'SN 43' } },
    ]);
    expect(out.slice(0, 20)).toEqual(Array(20).fill({ deviceId: 'new-1' }));
    expect(out[20]).toEqual({ deviceId: 'new-2' });
    expect(out[21]).toEqual({ deviceId: 'new-3' });
    expect(out[22]).toMatchObject({ error: { code: 'DEVICE_NOT_FOUND', message: expect.stringMatching(/no identity or code/) } });
  });

  it('a concurrent creator winning the race (CONFLICT) makes it look the device up again', async () => {
    const r = registry([]);
    const m = new DeviceMatcher({
      lookup: r.lookup,
      clock: () => 0,
      creator: {
        async create(_org, input) {
          // Another worker process inserted it first.
          r.devices.push({ id: 'theirs', code: input.code, identity: input.identity as Identity, enabled: true });
          throw conflict('identity', input.identity?.value);
        },
      },
    });
    expect(await m.match([req(deveui('70B3D57ED005A1B2'), { deviceType: null })])).toEqual([{ deviceId: 'theirs' }]);
  });

  it('makes registry codes of identities', () => {
    expect(autoCode(deveui('70-b3-d5-7e-d0-05-a1-b2'))).toBe('70B3D57ED005A1B2');
    expect(autoCode({ identity: { kind: 'mac', value: '240AC4028B60' } })).toBe('24:0a:c4:02:8b:60');
    expect(autoCode({ identity: { kind: 'serial', value: '#12 a' } })).toBe('d-12-a');
    expect(autoCode({ topic: 'u4/302' })).toBeUndefined();
  });
});

describe('pickBoard', () => {
  const status = (unitID: string) => Buffer.from(JSON.stringify({ unitID }));
  const known = { id: 'a', unitId: 'front', unitHints: [] };
  const hinted = { id: 'b', unitId: null, unitHints: ['auto_b'] };
  const blank = { id: 'c', unitId: null, unitHints: [] };

  it('takes the one candidate, the one naming the unitID, then the one expecting it', () => {
    expect(pickBoard([blank], Buffer.from('1'))?.id).toBe('c');
    expect(pickBoard([known, hinted, blank], status('FRONT'))?.id).toBe('a');
    expect(pickBoard([known, hinted, blank], status('auto_b'))?.id).toBe('b');
  });

  it('falls back to the only board whose unitID is unknown, and never guesses among several', () => {
    expect(pickBoard([known, blank], status('other'))?.id).toBe('c');
    expect(pickBoard([known, hinted, blank], status('other'))).toBeUndefined();
    expect(pickBoard([known, hinted, blank], Buffer.from('not json'))).toBeUndefined();
    expect(unitIdOf(Buffer.from('{"unitID":""}'))).toBeUndefined();
  });
});
