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

  it('says what each kind of setting allows, and reads what it allows', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env, undefined);
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ POLDER_HTTP_PORT: '80.5' })).toBe('POLDER_HTTP_PORT="80.5": an integer from 0 to 65535');
    expect(problems({ POLDER_HTTP_PORT: '70000' })).toBe('POLDER_HTTP_PORT="70000": an integer from 0 to 65535');
    expect(problems({ POLDER_TRACE_RETENTION_DAYS: '-1' })).toBe('POLDER_TRACE_RETENTION_DAYS="-1": an integer >= 0');
    expect(problems({ POLDER_FLEET_SWEEP_SECONDS: '0' })).toBe('POLDER_FLEET_SWEEP_SECONDS="0": a number > 0 and <= 86400');
    expect(problems({ POLDER_DEMO: 'maybe' })).toBe('POLDER_DEMO="maybe": true or false (1/0, yes/no, on/off)');
    expect(problems({ POLDER_SMTP_FROM: 'ab' })).toBe('POLDER_SMTP_FROM="ab": a string of at least 3 characters');
    expect(problems({ POLDER_MQTT_AUTH_ALLOW: '10.0.0.1,zz' })).toBe(
      'POLDER_MQTT_AUTH_ALLOW="10.0.0.1,zz": a comma-separated list of addresses or CIDRs',
    );
    expect(problems({ POLDER_ADMIN_TOKEN: 'short' })).toBe('POLDER_ADMIN_TOKEN=(hidden): a string of at least 16 characters');
    const c = loadConfig(
      {
        POLDER_DEMO: 'off',
        POLDER_MQTT_AUTH_ALLOW: '10.0.0.1, ::1/128',
        POLDER_FLEET_SWEEP_SECONDS: '0.5',
        POLDER_HTTP_PORT: '81',
      },
      undefined,
    );
    expect(c.demo).toBe(false);
    expect(c.mqttAuthAllow).toEqual(['10.0.0.1', '::1/128']);
    expect(c.fleetSweepSeconds).toBe(0.5);
    expect(c.httpPort).toBe(81);
  });

  it('takes JSON values of the right type from the file, and refuses the wrong type', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'polder-cfg-'));
    const file = path.join(dir, 'polder.json');
    writeFileSync(file, JSON.stringify({ mqttAuthAllow: ['10.0.0.0/8'], trustProxy: 1, demo: 'yes' }));
    const c = loadConfig({}, file);
    expect(c.mqttAuthAllow).toEqual(['10.0.0.0/8']);
    expect(c.trustProxy).toBe(1);
    expect(c.demo).toBe(true);
    writeFileSync(file, JSON.stringify({ httpPort: true, dataDir: 5 }));
    expect(() => loadConfig({}, file)).toThrow(
      /POLDER_HTTP_PORT=true: an integer[\s\S]*POLDER_DATA_DIR=5: a string of at least 1 character/,
    );
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
