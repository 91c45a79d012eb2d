import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../src/config.js';
import { redactUrlCredentials } from '../../src/shared/url.js';

/** Issue 9 item 10: a database password is never printed, whichever way the URL carries it. */
describe('credentials in URLs are masked', () => {
  const shown = (env: Record<string, string>) =>
    describeConfig(loadConfig(env, undefined))
      .map((r) => `${r.env}=${r.value}`)
      .join('\n');

  it('polder config masks ?password= and ?sslpassword= in POLDER_DATABASE_URL', () => {
    const out = shown({ POLDER_DATABASE_URL: 'postgres://polder@db:5432/polder?sslmode=require&password=hunter2-secret' });
    expect(out).toContain('POLDER_DATABASE_URL=postgres://***@db:5432/polder?sslmode=require&password=***');
    expect(out).not.toContain('hunter2');
    const ssl = shown({ POLDER_DATABASE_URL: 'postgresql://db/polder?sslpassword=keypass-secret&user=u' });
    expect(ssl).not.toContain('keypass-secret');
    expect(ssl).toContain('sslpassword=***&user=u');
  });

  it('masks the userinfo and query credentials of every secret URL setting', () => {
    const out = shown({
      POLDER_DATABASE_URL: 'postgres://polder:pw-in-userinfo@db/polder',
      POLDER_MQTT_URL: 'mqtt://svc:mqtt-pass@broker:1883',
      POLDER_AMQP_URL: 'amqp://guest:amqp-pass@rabbit:5672/?password=other-pass',
    });
    for (const secret of ['pw-in-userinfo', 'mqtt-pass', 'amqp-pass', 'other-pass']) expect(out).not.toContain(secret);
    expect(out).toContain('POLDER_MQTT_URL=mqtt://***@broker:1883');
  });

  it('hides a secret that is not a URL whole, even with a colon in it', () => {
    const out = shown({ POLDER_ADMIN_TOKEN: 'abc:def-super-secret-token' });
    expect(out).toContain('POLDER_ADMIN_TOKEN=********');
  });

  it('the start banner (database location) uses the same masking', () => {
    expect(redactUrlCredentials('postgres://u:p1@h/db?password=p2&application_name=x')).toBe(
      'postgres://***@h/db?password=***&application_name=x',
    );
    expect(redactUrlCredentials('postgres://h/db?PassWord=p3')).toBe('postgres://h/db?PassWord=***');
    expect(redactUrlCredentials('sqlite:/var/lib/polder.db')).toBe('sqlite:/var/lib/polder.db');
  });
});
