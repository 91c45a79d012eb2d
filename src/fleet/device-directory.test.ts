import { describe, expect, it } from 'vitest';
import { type AccountChange, DeviceDirectory } from './device-directory.js';
import type { DeviceAccount } from './fleet.js';

const account = (id: string, baseTopic: string | null, unitId: string | null = null): DeviceAccount => ({
  id,
  orgId: 'o',
  code: id,
  login: id,
  baseTopic,
  enabled: true,
  unitId,
  unitHints: [`auto_${id}`],
});

function directoryOf(accounts: DeviceAccount[]) {
  let rows = accounts;
  const d = new DeviceDirectory({
    mqttAccounts: async (ids) => (ids ? rows.filter((a) => ids.includes(a.id)) : rows),
  });
  return { d, set: (next: DeviceAccount[]) => (rows = next) };
}
const status = (unitID: string) => Buffer.from(JSON.stringify({ status: 'running', unitID }));

describe('DeviceDirectory', () => {
  it('maps <base>/<module> to the only device of that base, and ignores unknown bases', async () => {
    const { d } = directoryOf([account('a', 'u4/301'), account('b', 'outside/ambient')]);
    await d.load({ quiet: true });
    expect(d.resolve('u4/301/temperature', Buffer.from('1'))?.id).toBe('a');
    expect(d.resolve('outside/ambient/device', Buffer.from('{}'))?.id).toBe('b');
    expect(d.resolve('u4/302/temperature', Buffer.from('1'))).toBeUndefined();
    expect(d.depths()).toEqual([2]);
  });

  it('tells apart devices sharing a base by unitID, learning unknown ones, never guessing', async () => {
    const { d } = directoryOf([account('a', 'u4/301', 'front'), account('b', 'u4/301'), account('c', 'u4/301')]);
    await d.load({ quiet: true });
    expect(d.resolve('u4/301/device', status('FRONT'))?.id).toBe('a');
    // two devices without a known unitID: a new unitID is not attributed
    expect(d.resolve('u4/301/device', status('back'))).toBeUndefined();
    expect(d.resolve('u4/301/device', status('auto_c'))?.id).toBe('c');
    d.learnUnit('b', 'center');
    expect(d.resolve('u4/301/device', status('center'))?.id).toBe('b');
    expect(d.resolve('u4/301/device', status('back'))?.id).toBe('c');
    expect(d.resolve('u4/301/temperature', Buffer.from('21.5'))?.id).toBe('c');
  });

  it('announces only changes a broker cares about', async () => {
    const { d, set } = directoryOf([account('a', 'u4/301'), account('b', 'u4/302')]);
    await d.load({ quiet: true });
    const seen: AccountChange[][] = [];
    d.onChange((c) => void seen.push(c));
    set([account('a', 'u4/301', 'unit-learned'), { ...account('b', 'u4/303') }]);
    await d.refresh(['a', 'b']);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.map((c) => [c.before?.baseTopic, c.after?.baseTopic])).toEqual([['u4/302', 'u4/303']]);
    set([account('a', 'u4/301')]);
    const changes = await d.load();
    expect(changes.map((c) => [c.before?.id, c.after?.id])).toEqual([['b', undefined]]);
    expect(d.resolve('u4/303/x', Buffer.from(''))).toBeUndefined();
  });
});
