import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

/** Issue 9 item 6: X-Forwarded-* is believed only from the proxies POLDER_TRUST_PROXY names. */

const FORGED = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

async function nextLink(t: TestPolder, headers: Record<string, string>): Promise<string> {
  const res = await t.call(ADMIN_TOKEN, { url: '/api/organisations/default/api-keys?limit=1', headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().links.next as string;
}

/** Statuses of `n` credential calls, each from a "different client" according to X-Forwarded-For. */
async function spoofedCalls(t: TestPolder, n: number, remoteAddress = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.polder.app.inject({
      url: '/device/credentials?mac=020000000009',
      remoteAddress,
      headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
    });
    out.push(res.statusCode);
  }
  return out;
}

async function withKeys(t: TestPolder) {
  for (const name of ['k1', 'k2'])
    await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/default/api-keys',
      payload: { name, scopes: ['devices:read'] },
    });
}

describe('POLDER_TRUST_PROXY unset (default)', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', { POLDER_PROVISIONING_RATE_LIMIT: '3' });
    await withKeys(t);
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For: the provisioning rate limit is not bypassed', async () => {
    expect(await spoofedCalls(t, 5)).toEqual([404, 404, 404, 429, 429]);
  });

  it('ignores X-Forwarded-Host/-Proto: links.next keeps the real host', async () => {
    const next = await nextLink(t, { host: 'polder.test', ...FORGED });
    expect(new URL(next).host).toBe('polder.test');
    expect(next.startsWith('http://')).toBe(true);
  });
});

describe('POLDER_TRUST_PROXY=true', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', { POLDER_PROVISIONING_RATE_LIMIT: '3', POLDER_TRUST_PROXY: 'true' });
    await withKeys(t);
  });
  afterAll(() => t.close());

  it('rate-limits per forwarded client and builds links from the forwarded host', async () => {
    expect(await spoofedCalls(t, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(await nextLink(t, { host: 'polder.test', ...FORGED })).toMatch(/^https:\/\/evil\.example\//);
  });
});

describe('POLDER_TRUST_PROXY as a list of proxies', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', { POLDER_PROVISIONING_RATE_LIMIT: '3', POLDER_TRUST_PROXY: '10.0.0.0/8, ::1' });
  });
  afterAll(() => t.close());

  it('believes a listed proxy, not another sender', async () => {
    expect(await spoofedCalls(t, 5, '10.1.2.3')).toEqual([404, 404, 404, 404, 404]);
    expect(await spoofedCalls(t, 5, '192.0.2.7')).toEqual([404, 404, 404, 429, 429]);
  });
});

describe('POLDER_TRUST_PROXY as a hop count', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', { POLDER_PROVISIONING_RATE_LIMIT: '3', POLDER_TRUST_PROXY: '1' });
  });
  afterAll(() => t.close());

  it('takes the address the nearest proxy saw', async () => {
    expect(await spoofedCalls(t, 4)).toEqual([404, 404, 404, 404]);
  });
});

describe('POLDER_TRUST_PROXY parsing', () => {
  it('is off by default and accepts true, a hop count or CIDRs; refuses anything else naming the variable', () => {
    expect(loadConfig({}, undefined).trustProxy).toBe(false);
    expect(loadConfig({ POLDER_TRUST_PROXY: 'false' }, undefined).trustProxy).toBe(false);
    expect(loadConfig({ POLDER_TRUST_PROXY: 'true' }, undefined).trustProxy).toBe(true);
    expect(loadConfig({ POLDER_TRUST_PROXY: '2' }, undefined).trustProxy).toBe(2);
    expect(loadConfig({ POLDER_TRUST_PROXY: '10.0.0.0/8,fd00::/8,127.0.0.1' }, undefined).trustProxy).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '127.0.0.1',
    ]);
    expect(() => loadConfig({ POLDER_TRUST_PROXY: '10.0.0.0/33' }, undefined)).toThrow(/POLDER_TRUST_PROXY=.*10\.0\.0\.0\/33/);
    expect(() => loadConfig({ POLDER_TRUST_PROXY: 'proxy.local' }, undefined)).toThrow(/POLDER_TRUST_PROXY/);
  });
});
