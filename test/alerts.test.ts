import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../src/alerts/alerts.service.js';
import { KyselyAlertStore } from '../src/alerts/alerts.store.js';
import { fetchPoster, WebhookService } from '../src/alerts/webhooks.service.js';
import { KyselyWebhookStore } from '../src/alerts/webhooks.store.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { openTestDatabase, type TestDatabase } from './support/databases.js';

/** A real HTTP receiver that fails the first `failures` requests. */
function receiver(failures: number) {
  const bodies: unknown[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      calls++;
      if (calls <= failures) {
        res.statusCode = 503;
        return res.end();
      }
      bodies.push(JSON.parse(body));
      res.statusCode = 204;
      res.end();
    });
  });
  return { server, bodies, calls: () => calls };
}

describe('alerts to webhooks, with retries', () => {
  let tdb: TestDatabase;
  let now = 1_000_000;
  const orgId = uuidv7();
  const hookReceiver = receiver(2);
  let url: string;
  let alerts: AlertService;
  let webhooks: WebhookService;

  beforeAll(async () => {
    tdb = await openTestDatabase('sqlite');
    await tdb.database.db
      .insertInto('organisations')
      .values({ id: orgId, slug: 'o', name: 'o', archive_days: 30, settings: '{}', created_at: 1 })
      .execute();
    await new Promise<void>((r) => hookReceiver.server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(hookReceiver.server.address() as AddressInfo).port}/hook`;
    const logger = createLogger({ level: 'silent', format: 'json' });
    alerts = new AlertService(new KyselyAlertStore(tdb.database.db), () => now, uuidv7, logger);
    webhooks = new WebhookService(new KyselyWebhookStore(tdb.database.db), () => now, uuidv7, logger, {
      retryBaseMs: 1000,
      maxAttempts: 5,
      poster: fetchPoster,
    });
    alerts.addSink(webhooks);
  });
  afterAll(async () => {
    hookReceiver.server.close();
    await tdb.drop();
  });

  it('refuses a webhook URL that is not http(s)', async () => {
    await expect(webhooks.create(orgId, { name: 'x', url: 'ftp://example.org' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'url' },
    });
  });

  it('delivers opened and resolved alerts, retrying failures with exponential backoff', async () => {
    const hook = await webhooks.create(orgId, { name: 'ops', url });
    await alerts.open(orgId, [
      {
        kind: 'device_offline',
        severity: 'warning',
        subjectType: 'device',
        subjectId: 'dev-1',
        subjectName: 'rpi3',
        message: 'rpi3 is silent',
      },
    ]);
    await webhooks.dispatchDue();
    // first attempt failed (503); not due again until 1 s later
    expect(hookReceiver.calls()).toBe(1);
    await webhooks.dispatchDue();
    expect(hookReceiver.calls()).toBe(1);
    now += 1000;
    await webhooks.dispatchDue();
    expect(hookReceiver.calls()).toBe(2);
    now += 1999;
    await webhooks.dispatchDue();
    expect(hookReceiver.calls()).toBe(2);
    now += 1;
    await webhooks.dispatchDue();
    expect(hookReceiver.calls()).toBe(3);
    expect(hookReceiver.bodies).toEqual([
      expect.objectContaining({
        event: 'alert.opened',
        alert: expect.objectContaining({ status: 'firing', subject: { type: 'device', id: 'dev-1', name: 'rpi3' } }),
      }),
    ]);
    await alerts.resolve(orgId, 'device_offline', ['dev-1']);
    await webhooks.dispatchDue();
    expect(hookReceiver.bodies[1]).toMatchObject({ event: 'alert.resolved', alert: { status: 'resolved' } });
    const log = await webhooks.deliveries(orgId, hook.id, { limit: 10 });
    expect(log.items.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ['alert.resolved', 'delivered', 1],
      ['alert.opened', 'delivered', 3],
    ]);
  });

  it('gives a delivery up after maxAttempts', async () => {
    const dead = await webhooks.create(orgId, { name: 'dead', url: 'http://127.0.0.1:9/nothing' });
    await alerts.open(orgId, [
      { kind: 'device_offline', severity: 'warning', subjectType: 'device', subjectId: 'dev-2', message: 'x' },
    ]);
    for (let i = 0; i < 6; i++) {
      await webhooks.dispatchDue();
      now += 60_000;
    }
    const [d] = (await webhooks.deliveries(orgId, dead.id, { limit: 10 })).items;
    expect(d).toMatchObject({ status: 'failed', attempts: 5 });
    expect(d?.lastError).toBeTruthy();
  });
  it('sends a test event now, answering what the receiver said, without queueing a delivery', async () => {
    const testReceiver = receiver(1);
    await new Promise<void>((r) => testReceiver.server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (testReceiver.server.address() as AddressInfo).port;
      const hook = await webhooks.create(orgId, { name: 'test-send', url: `http://127.0.0.1:${port}/t` });
      await expect(webhooks.test(orgId, hook.id)).resolves.toEqual({ delivered: false, status: 503, error: 'HTTP 503' });
      await expect(webhooks.test(orgId, hook.id)).resolves.toEqual({ delivered: true, status: 204, error: null });
      expect(testReceiver.bodies).toEqual([
        { event: 'test', webhook: { id: hook.id, name: 'test-send' }, sentAt: new Date(now).toISOString() },
      ]);
      expect((await webhooks.deliveries(orgId, hook.id, { limit: 10 })).items).toEqual([]);
      const refused = await webhooks.create(orgId, { name: 'refused', url: 'http://127.0.0.1:9/none' });
      const answer = await webhooks.test(orgId, refused.id);
      expect(answer).toMatchObject({ delivered: false, status: null });
      expect(answer.error).toBeTruthy();
      await expect(webhooks.test(uuidv7(), hook.id)).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    } finally {
      testReceiver.server.close();
    }
  });
});
