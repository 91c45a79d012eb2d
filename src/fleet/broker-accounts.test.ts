import { describe, expect, it } from 'vitest';
import { DeviceEvents } from '../devices/device-events.js';
import type { Device } from '../devices/devices.js';
import { createLogger } from '../shared/logger.js';
import { type AccountSink, BrokerAccounts, followRegistry } from './broker-accounts.js';
import { DeviceDirectory } from './device-directory.js';

const device = (over: Partial<Device> = {}): Device =>
  ({
    id: 'd1',
    orgId: 'o',
    code: 'rpi3-u4-301',
    identity: null,
    connectivity: 'mqtt',
    mqttLogin: 'rpi3-u4-301',
    baseTopic: 'u4/301',
    enabled: true,
    lastStatus: null,
    properties: {},
    ...over,
  }) as Device;

function setup(failures = 0) {
  const calls: string[] = [];
  let fail = failures;
  const sink: AccountSink = {
    async upsert(a) {
      if (fail-- > 0) throw new Error('broker away');
      calls.push(`upsert ${a.login} ${a.baseTopic} ${a.enabled}`);
    },
    setPassword: async (login) => void calls.push(`setPassword ${login}`),
    revokePassword: async (login, enabled) => void calls.push(`revokePassword ${login} ${enabled}`),
    remove: async (login) => void calls.push(`remove ${login}`),
    async reconcile(accounts) {
      calls.push(`reconcile ${accounts.map((a) => a.login).join(',')}`);
      return { created: 0, updated: accounts.length, deleted: 0 };
    },
  };
  const events = new DeviceEvents();
  const directory = new DeviceDirectory({ mqttAccounts: async () => [] });
  followRegistry(directory, events);
  const kicked: string[] = [];
  const accounts = new BrokerAccounts({
    directory,
    events,
    sessions: () => ({ disconnect: async (login) => kicked.push(login) }),
    sink: () => sink,
    logger: createLogger({ level: 'silent', format: 'json' }),
    retryDelayMs: 1,
  });
  return { calls, kicked, events, accounts };
}

describe('BrokerAccounts', () => {
  it('follows the registry: create, password, move, reset, disable, delete', async () => {
    const { calls, kicked, events } = setup();
    await events.emit('deviceSaved', { device: device() });
    await events.emit('passwordIssued', { device: device(), password: 'secret' });
    await events.emit('deviceSaved', { device: device({ baseTopic: 'u4/302' }), previous: device() });
    await events.emit('credentialsReset', device({ baseTopic: 'u4/302' }));
    await events.emit('deviceSaved', { device: device({ baseTopic: 'u4/302', enabled: false }) });
    await events.emit('deviceDeleted', device({ baseTopic: 'u4/302', enabled: false }));
    expect(calls).toEqual([
      'upsert rpi3-u4-301 u4/301 true',
      'setPassword rpi3-u4-301',
      'upsert rpi3-u4-301 u4/302 true',
      'revokePassword rpi3-u4-301 true',
      'upsert rpi3-u4-301 u4/302 false',
      'remove rpi3-u4-301',
    ]);
    // moved, reset, disabled, deleted: the session goes each time
    expect(kicked).toEqual(['rpi3-u4-301', 'rpi3-u4-301', 'rpi3-u4-301', 'rpi3-u4-301']);
  });

  it('does nothing for a change the broker does not care about, nor for non-MQTT devices', async () => {
    const { calls, kicked, events } = setup();
    await events.emit('deviceSaved', { device: device() });
    await events.emit('deviceSaved', { device: device({ lastStatus: { unitID: 'x' } }), previous: device() });
    await events.emit('deviceSaved', { device: device({ id: 'd2', connectivity: 'lorawan', mqttLogin: null }) });
    expect(calls).toEqual(['upsert rpi3-u4-301 u4/301 true']);
    expect(kicked).toEqual([]);
  });

  it('retries a failed command, and reconciles once it gave up', async () => {
    const { calls, events, accounts } = setup(3);
    await events.emit('deviceSaved', { device: device() });
    expect(calls).toEqual([]);
    await accounts.reconcileIfDirty();
    expect(calls).toEqual(['reconcile rpi3-u4-301']);
    await accounts.reconcileIfDirty();
    expect(calls).toHaveLength(1);

    const again = setup(2);
    await again.events.emit('deviceSaved', { device: device() });
    expect(again.calls).toEqual(['upsert rpi3-u4-301 u4/301 true']);
  });
});
