import { describe, expect, it } from 'vitest';
import { isValidTopicFilter } from '../broker/broker.js';
import { maskUrlPassword } from '../shared/url.js';
import type { PipelineSource } from './pipelines.js';
import { maskSource, restoreSecrets } from './source-secrets.js';

describe('poller secrets', () => {
  it('masks URL passwords and header values, and leaves the rest', () => {
    expect(maskUrlPassword('ftp://meteo:p%40ss@ftp.example.org:2121/out')).toBe('ftp://meteo:***@ftp.example.org:2121/out');
    expect(maskUrlPassword('https://example.org/x?a=1')).toBe('https://example.org/x?a=1');
    expect(maskUrlPassword('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
    const http: PipelineSource = { kind: 'http-poll', url: 'https://u:pw@h/x', intervalSeconds: 5, headers: { 'x-key': 'k1' } };
    expect(maskSource(http)).toEqual({
      kind: 'http-poll',
      url: 'https://u:***@h/x',
      intervalSeconds: 5,
      headers: { 'x-key': '***' },
    });
    const mqtt: PipelineSource = { kind: 'mqtt', topic: 'a/#' };
    expect(maskSource(mqtt)).toBe(mqtt);
  });

  it('restores a masked secret only from the same place, user and host', () => {
    const stored: PipelineSource[] = [
      { kind: 'ftp-poll', url: 'ftp://meteo:p%40ss@ftp.example.org/out', intervalSeconds: 60 },
      { kind: 'http-poll', url: 'https://h/x', intervalSeconds: 5, headers: { authorization: 'Bearer t' } },
    ];
    const back = restoreSecrets(
      [
        { kind: 'ftp-poll', url: 'ftp://meteo:***@ftp.example.org/other', intervalSeconds: 30 },
        { kind: 'http-poll', url: 'https://h/x', intervalSeconds: 5, headers: { authorization: '***', extra: 'new' } },
      ],
      stored,
    );
    expect(back[0]?.url).toBe('ftp://meteo:p%40ss@ftp.example.org/other');
    expect(back[1]?.headers).toEqual({ authorization: 'Bearer t', extra: 'new' });
    const moved = restoreSecrets([{ kind: 'ftp-poll', url: 'ftp://meteo:***@evil.example.org/out' }], stored);
    expect(moved[0]?.url).toBe('ftp://meteo:***@evil.example.org/out');
    const otherUser = restoreSecrets([{ kind: 'ftp-poll', url: 'ftp://root:***@ftp.example.org/out' }], stored);
    expect(otherUser[0]?.url).toBe('ftp://root:***@ftp.example.org/out');
    const swapped = restoreSecrets([{ kind: 'http-poll', url: 'https://h/x', headers: { authorization: '***' } }], [stored[0]!]);
    expect(swapped[0]?.headers).toEqual({ authorization: '***' });
  });
});

describe('MQTT topic filters (MQTT 3.1.1 §4.7.1)', () => {
  it.each(['#', '+', 'a/b', 'v3/+/devices/+/up', 'a/#', '+/+/#', '/a', 'a//b', '$SYS/#'])('accepts %s', (f) =>
    expect(isValidTopicFilter(f)).toBe(true),
  );
  it.each(['', 'a/#/b', 'a#', 'a/b+', '+a', '#/a', 'a/\0'])('refuses %j', (f) => expect(isValidTopicFilter(f)).toBe(false));
});
