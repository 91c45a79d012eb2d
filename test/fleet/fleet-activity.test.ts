import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlFleetStore } from '../../src/fleet/fleet.store.js';
import { sweepOffline } from '../../src/fleet/offline-sweep.js';
import { availableDialects } from '../support/databases.js';
import { createDevice, createOrganisation } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

interface Change {
  devices: { id: string; state: string; enabled: boolean; lastSeenAt: string | null }[];
  removed: string[];
}

/** An EventSource-like reader of /api/fleet/activity over a real socket. */
function watch(base: string, token: string) {
  const changes: Change[] = [];
  let buffer = '';
  let response: http.IncomingMessage | undefined;
  const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get(
      `${base}/api/fleet/activity`,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (res) => {
        response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (block.includes('event: activity') && data) changes.push(JSON.parse(data.slice(6)) as Change);
          }
          resolve(res);
        });
      },
    );
    req.on('error', reject);
  });
  return { opened, changes, close: () => response?.destroy() };
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(dialects)('fleet activity (JSON and server-sent events) on %s', (dialect) => {
  let t: TestPolder;
  let base: string;
  let orgA: string;
  let orgB: string;
  let deviceA: string;
  let deviceB: string;
  let keyB: string;

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    await t.polder.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.polder.app.server.address() as AddressInfo).port}`;
    orgA = t.polder.bootstrap.org.id;
    const db = t.polder.database.db;
    deviceA = await createDevice(db, orgA, 'act-a');
    orgB = await createOrganisation(db, 'act-b');
    deviceB = await createDevice(db, orgB, 'act-b');
    const key = await t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: '/api/organisations/act-b/api-keys',
      payload: { name: 'b-reader', scopes: ['devices:read'] },
    });
    expect(key.statusCode, key.body).toBe(201);
    keyB = key.json().secret;
  });
  afterAll(() => t.close());

  it("lists the caller's devices only, as JSON", async () => {
    const res = await t.call(ADMIN_TOKEN, { method: 'GET', url: '/api/fleet/activity' });
    expect(res.statusCode).toBe(200);
    const ids = (res.json().data as { id: string }[]).map((d) => d.id);
    expect(ids).toContain(deviceA);
    expect(ids).not.toContain(deviceB);
  });

  it('streams a device coming online, then going offline, to its organisation only', async () => {
    const a = watch(base, ADMIN_TOKEN);
    const b = watch(base, keyB);
    const res = await a.opened;
    await b.opened;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');

    const seenAt = Date.now();
    t.polder.activity.seen(orgA, deviceA, seenAt);
    await t.polder.activity.flush();
    const online = await until('device A online', () =>
      a.changes.flatMap((c) => c.devices).find((d) => d.id === deviceA && d.state === 'online'),
    );
    expect(online).toEqual({ id: deviceA, state: 'online', enabled: true, lastSeenAt: new Date(seenAt).toISOString() });

    // The offline sweep, run as the scheduler runs it, at a time past the device's offlineAfter.
    const store = new SqlFleetStore(t.polder.database);
    const silent = await sweepOffline({
      activity: t.polder.activity,
      store,
      alerts: t.polder.alerts,
      now: seenAt + 24 * 3600_000,
    });
    expect(silent.map((s) => s.deviceId)).toEqual([deviceA]);
    await until('device A offline', () =>
      a.changes.flatMap((c) => c.devices).find((d) => d.id === deviceA && d.state === 'offline'),
    );
    // B's watcher heard nothing of A's device (a change of its own would have come by now: same poll).
    expect(b.changes.flatMap((c) => c.devices).map((d) => d.id)).not.toContain(deviceA);
    t.polder.activity.seen(orgB, deviceB, Date.now());
    await t.polder.activity.flush();
    await until('device B online for B', () => b.changes.flatMap((c) => c.devices).find((d) => d.id === deviceB));
    expect(a.changes.flatMap((c) => c.devices).map((d) => d.id)).not.toContain(deviceB);
    a.close();
    b.close();
  });
});
