import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../src/config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, undefined);
    expect(c.httpPort).toBe(8080);
    expect(c.mqttPort).toBe(1883);
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo).toBe(true);
    expect(c.logLevel).toBe('info');
  });

  it('names every bad variable and what is allowed', () => {
    try {
      loadConfig({ POLDER_HTTP_PORT: 'eighty', POLDER_LOG_LEVEL: 'loud', POLDER_DATABASE_URL: 'mysql://x' }, undefined);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/POLDER_HTTP_PORT="eighty"/);
      expect(msg).toMatch(/POLDER_LOG_LEVEL="loud".*fatal.*error.*warn.*info/);
      // a secret setting's value is not echoed back
      expect(msg).toMatch(/POLDER_DATABASE_URL=\(hidden\): postgres:\/\/… or sqlite:<file>/);
      expect(msg).not.toContain('mysql://x');
    }
  });

  it('refuses POLDER_MQTT_DYNSEC without the broker it would keep in step', () => {
    expect(() => loadConfig({ POLDER_MQTT_DYNSEC: '1' }, undefined)).toThrow(/POLDER_MQTT_DYNSEC=1 needs POLDER_MQTT_URL/);
    const c = loadConfig({ POLDER_MQTT_DYNSEC: 'yes', POLDER_MQTT_URL: 'mqtt://a:b@broker:1883' }, undefined);
    expect(c.mqttDynsec).toBe(true);
    expect(loadConfig({}, undefined).mqttDynsec).toBe(false);
  });

  it('reads a config file and lets the environment win', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-cfg-'));
    const file = path.join(dir, 'polder.json');
    writeFileSync(file, JSON.stringify({ httpPort: 9000, POLDER_MQTT_PORT: 2883, demo: false }));
    const c = loadConfig({ POLDER_HTTP_PORT: '9100' }, file);
    expect(c.httpPort).toBe(9100);
    expect(c.mqttPort).toBe(2883);
    expect(c.demo).toBe(false);
  });

  it('refuses unknown keys in the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-cfg-'));
    const file = path.join(dir, 'polder.json');
    writeFileSync(file, JSON.stringify({ htpPort: 1 }));
    expect(() => loadConfig({}, file)).toThrow(/unknown setting "htpPort"/);
  });

  it('masks secrets when described', () => {
    const c = loadConfig(
      { POLDER_ADMIN_TOKEN: 'super-secret-admin-token', POLDER_DATABASE_URL: 'postgres://polder:pw@db:5432/polder' },
      undefined,
    );
    const shown = describeConfig(c)
      .map((r) => `${r.env}=${r.value}`)
      .join('\n');
    expect(shown).toContain('POLDER_ADMIN_TOKEN=********');
    expect(shown).toContain('POLDER_DATABASE_URL=postgres://***@db:5432/polder');
    expect(shown).not.toContain('super-secret');
    expect(shown).not.toContain(':pw@');
  });
});
