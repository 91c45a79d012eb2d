import { describe, expect, it } from 'vitest';
import type { MqttPrincipal } from '../broker/broker.js';
import { deviceAcl } from './device-auth.js';

const board: MqttPrincipal = { kind: 'device', orgId: 'o', deviceId: 'd', login: 'l', baseTopic: 'abroad/iut/a/1' };
const admin: MqttPrincipal = { kind: 'admin', orgId: 'o', name: 'ops' };

describe('device ACL', () => {
  it('publishes under its base topic only, never to wildcards or empty levels', () => {
    for (const t of ['abroad/iut/a/1/temperature', 'abroad/iut/a/1/device', 'abroad/iut/a/1/shutter/status'])
      expect(deviceAcl.canPublish(board, t), t).toBe(true);
    for (const t of [
      'abroad/iut/a/1',
      'abroad/iut/a/10/temperature',
      'abroad/iut/a/2/x',
      'abroad/iut/a/1//x',
      'abroad/iut/a/1/+',
    ])
      expect(deviceAcl.canPublish(board, t), t).toBe(false);
    expect(deviceAcl.canPublish(admin, 'abroad/iut/a/1/temperature')).toBe(false);
  });

  it('subscribes only to …/command topics under its base topic', () => {
    for (const f of ['abroad/iut/a/1/shutter/command', 'abroad/iut/a/1/+/command', 'abroad/iut/a/1/shutter/front/command'])
      expect(deviceAcl.canSubscribe(board, f), f).toBe(true);
    for (const f of [
      'abroad/iut/a/1/#',
      'abroad/iut/a/1/command',
      'abroad/iut/a/1/temperature',
      'abroad/iut/a/+/shutter/command',
      'abroad/iut/a/1/sh+/command',
      'abroad/iut/a/1/#/command',
      '#',
    ])
      expect(deviceAcl.canSubscribe(board, f), f).toBe(false);
  });
});
