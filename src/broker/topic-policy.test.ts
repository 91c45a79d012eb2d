import { describe, expect, it } from 'vitest';
import type { MqttPrincipal } from './broker.js';
import { filtersOverlap, mayRetain, type TopicOwnership, TopicPolicy } from './topic-policy.js';

const bases: Record<string, string> = { 'abroad/iut/a/1': 'A', 'u4/301': 'A', 'u4/302': 'B', 'abroad/iut/a/1/x': 'B' };
const world: TopicOwnership = {
  baseTopicOwner(topic) {
    const parts = topic.split('/');
    for (let n = parts.length; n > 0; n--) {
      const base = parts.slice(0, n).join('/');
      const orgId = bases[base];
      if (orgId) return { orgId, baseTopic: base };
    }
    return undefined;
  },
  baseTopicsOf: (orgId) => Object.keys(bases).filter((b) => bases[b] === orgId),
  allBaseTopics: () => Object.keys(bases),
  pipelineFilters: (orgId) => (orgId === 'A' ? ['+/+/+', 'ttn/a/#'] : ['+/+/+']),
};
const policy = new TopicPolicy(world);

const board: MqttPrincipal = { kind: 'device', orgId: 'A', deviceId: 'd', login: 'l', baseTopic: 'abroad/iut/a/1' };
const key = (orgId: string, scopes: string[], platform = false): MqttPrincipal => ({
  kind: 'key',
  orgId,
  orgSlug: orgId.toLowerCase(),
  name: 'k',
  scopes,
  platform,
});
const adminA = key('A', ['admin:write']);
const adminB = key('B', ['admin:write']);
const readerB = key('B', ['measurements:read']);
const platform = key('A', ['admin:write'], true);

describe('topic policy: devices', () => {
  it('publishes under its base topic only, never to wildcards, empty levels or a deeper base of another organisation', () => {
    for (const t of ['abroad/iut/a/1/temperature', 'abroad/iut/a/1/device', 'abroad/iut/a/1/shutter/status'])
      expect(policy.mayPublish(board, t), t).toBe(true);
    for (const t of [
      'abroad/iut/a/1',
      'abroad/iut/a/10/temperature',
      'abroad/iut/a/2/x',
      'abroad/iut/a/1//x',
      'abroad/iut/a/1/+',
      'abroad/iut/a/1/x/temperature',
    ])
      expect(policy.mayPublish(board, t), t).toBe(false);
  });

  it('subscribes only to …/command topics under its base topic', () => {
    for (const f of ['abroad/iut/a/1/shutter/command', 'abroad/iut/a/1/+/command', 'abroad/iut/a/1/shutter/front/command'])
      expect(policy.maySubscribe(board, f), f).toBe(true);
    for (const f of [
      'abroad/iut/a/1/#',
      'abroad/iut/a/1/command',
      'abroad/iut/a/1/temperature',
      'abroad/iut/a/+/shutter/command',
      'abroad/iut/a/1/sh+/command',
      'abroad/iut/a/1/#/command',
      '#',
    ])
      expect(policy.maySubscribe(board, f), f).toBe(false);
  });
});

describe('topic policy: API keys', () => {
  it("an organisation's admin key never reaches another organisation's device, command or polder topics", () => {
    for (const t of ['u4/301/temperature', 'u4/301/shutter/command', 'polder/a/alerts', 'polder/A/devices/x/y/z']) {
      expect(policy.mayReceive(adminB, t), t).toBe(false);
      expect(policy.mayPublish(adminB, t), t).toBe(false);
      expect(policy.mayReceive(adminA, t), t).toBe(true);
    }
    expect(policy.mayPublish(adminA, 'u4/301/shutter/command')).toBe(true);
    // A's pipeline filter +/+/+ matches B's device topic: the device's owner wins.
    expect(policy.mayReceive(adminA, 'u4/302/temperature')).toBe(false);
    expect(policy.mayReceive(adminB, 'u4/302/temperature')).toBe(true);
  });

  it('accepts broad filters when they can match its own topics (narrowed per message), refuses what cannot', () => {
    expect(policy.maySubscribe(adminB, '#')).toBe(true);
    expect(policy.maySubscribe(adminB, 'polder/a/#')).toBe(false);
    expect(policy.maySubscribe(adminB, 'ttn/a/x/y/#')).toBe(false);
    expect(policy.maySubscribe(adminB, 'u4/301/#')).toBe(false);
    expect(policy.maySubscribe(adminA, 'ttn/a/up')).toBe(true);
    expect(policy.maySubscribe(adminB, '$SYS/#')).toBe(false);
    expect(policy.maySubscribe(adminB, 'a/#/b')).toBe(false);
  });

  it('measurements:read subscribes to its own polder/<org>/… topics read-only', () => {
    expect(policy.maySubscribe(readerB, 'polder/b/#')).toBe(true);
    expect(policy.mayReceive(readerB, 'polder/b/alerts')).toBe(true);
    expect(policy.mayReceive(readerB, 'polder/B/devices/d/s/temperature')).toBe(true);
    expect(policy.mayPublish(readerB, 'polder/b/alerts')).toBe(false);
    expect(policy.mayPublish(readerB, 'u4/302/shutter/command')).toBe(false);
    expect(policy.maySubscribe(key('B', ['devices:read']), 'polder/b/#')).toBe(false);
  });

  it('publishing data needs uplinks:write, an order devices:write', () => {
    const uplinks = key('B', ['uplinks:write']);
    expect(policy.mayPublish(uplinks, 'u4/302/temperature')).toBe(true);
    expect(policy.mayPublish(uplinks, 'x/y/z')).toBe(true);
    expect(policy.mayPublish(uplinks, 'u4/302/shutter/command')).toBe(false);
    expect(policy.mayPublish(key('B', ['devices:write']), 'u4/302/shutter/command')).toBe(true);
  });

  it('the platform credential stays broker-wide', () => {
    expect(policy.maySubscribe(platform, '#')).toBe(true);
    expect(policy.mayReceive(platform, 'u4/302/temperature')).toBe(true);
    expect(policy.mayPublish(platform, 'polder/b/alerts')).toBe(true);
    expect(policy.mayReceive({ kind: 'service' }, 'anything/at/all')).toBe(true);
  });

  it('SensorThings topics only through the ownsStaTopic hook', () => {
    expect(policy.mayReceive(adminA, 'v1.1/Datastreams(1)/Observations')).toBe(false);
    const sta = new TopicPolicy({ ...world, ownsStaTopic: (orgId, t) => orgId === 'A' && t.includes('(1)') });
    expect(sta.mayReceive(adminA, 'v1.1/Datastreams(1)/Observations')).toBe(true);
    expect(sta.mayReceive(adminB, 'v1.1/Datastreams(1)/Observations')).toBe(false);
  });
});

describe('topic helpers', () => {
  it('filtersOverlap', () => {
    expect(filtersOverlap('#', 'a/b')).toBe(true);
    expect(filtersOverlap('+/+/+', 'u4/301/#')).toBe(true);
    expect(filtersOverlap('+/+', 'a/b/c')).toBe(false);
    expect(filtersOverlap('polder/a/#', 'polder/b/#')).toBe(false);
    expect(filtersOverlap('polder/a/#', 'polder/a')).toBe(true);
    expect(filtersOverlap('$SYS/#', '#')).toBe(false);
  });
  it('order topics are never retained', () => {
    expect(mayRetain('u4/301/shutter/command')).toBe(false);
    expect(mayRetain('u4/301/temperature')).toBe(true);
  });
});
