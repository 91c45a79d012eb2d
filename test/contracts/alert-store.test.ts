import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDraft } from '../../src/alerts/alerts.js';
import { KyselyAlertStore } from '../../src/alerts/alerts.store.js';
import { KyselyWebhookStore } from '../../src/alerts/webhooks.store.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';

const dialects = await availableDialects();

describe.each(dialects)('AlertStore and WebhookStore contract on %s', (dialect) => {
  let tdb: TestDatabase;
  let alerts: KyselyAlertStore;
  let hooks: KyselyWebhookStore;
  const orgA = uuidv7();
  const orgB = uuidv7();
  const draft = (subjectId: string): AlertDraft => ({
    kind: 'device_offline',
    severity: 'warning',
    subjectType: 'device',
    subjectId,
    subjectName: `dev-${subjectId}`,
    message: 'silent',
    details: { lastSeenAt: '2026-01-01T00:00:00.000Z' },
  });

  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
    for (const [id, slug] of [
      [orgA, 'a'],
      [orgB, 'b'],
    ] as const) {
      await tdb.database.db
        .insertInto('organisations')
        .values({ id, slug, name: slug, archive_days: 30, settings: '{}', created_at: 1 })
        .execute();
    }
    alerts = new KyselyAlertStore(tdb.database.db);
    hooks = new KyselyWebhookStore(tdb.database.db);
  });
  afterAll(() => tdb.drop());

  it('opens one alert per kind and subject while it is open', async () => {
    const first = await alerts.openMany(orgA, [draft('d1'), draft('d2')], 100, uuidv7);
    expect(first.map((a) => a.subjectId)).toEqual(['d1', 'd2']);
    expect(first[0]).toMatchObject({ status: 'firing', openedAt: 100, details: { lastSeenAt: '2026-01-01T00:00:00.000Z' } });
    const again = await alerts.openMany(orgA, [draft('d1'), draft('d3')], 200, uuidv7);
    expect(again.map((a) => a.subjectId)).toEqual(['d3']);
    // another organisation's subject with the same id is its own alert
    expect(await alerts.openMany(orgB, [draft('d1')], 200, uuidv7)).toHaveLength(1);
  });

  it('resolves, then a new alert may open for the same subject', async () => {
    const resolved = await alerts.resolveMany(orgA, 'device_offline', ['d1', 'nope'], 300);
    expect(resolved.map((a) => [a.subjectId, a.status, a.resolvedAt])).toEqual([['d1', 'resolved', 300]]);
    expect(await alerts.resolveMany(orgA, 'device_offline', ['d1'], 301)).toEqual([]);
    expect(await alerts.openMany(orgA, [draft('d1')], 400, uuidv7)).toHaveLength(1);
  });

  it('acknowledges only firing alerts of the organisation', async () => {
    const [a] = (await alerts.list(orgA, { subjectId: 'd2' }, { limit: 10 })).items;
    expect(await alerts.acknowledge(orgB, a!.id, 'mallory', 500)).toBeUndefined();
    expect(await alerts.acknowledge(orgA, a!.id, 'ops', 500)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ops' });
    expect(await alerts.acknowledge(orgA, a!.id, 'ops', 600)).toBeUndefined();
  });

  it('lists newest first with filters and pages', async () => {
    const open = await alerts.list(orgA, { status: ['firing', 'acknowledged'] }, { limit: 10, count: true });
    expect(open.total).toBe(3);
    expect(open.items.map((a) => a.subjectId)).toEqual(['d1', 'd3', 'd2']);
    const p1 = await alerts.list(orgA, {}, { limit: 2 });
    const p2 = await alerts.list(orgA, {}, { limit: 2, cursor: p1.next ?? undefined });
    expect([...p1.items, ...p2.items].map((a) => a.openedAt)).toEqual([400, 200, 100, 100]);
    expect((await alerts.list(orgA, { from: 150, to: 450 }, { limit: 10 })).items).toHaveLength(2);
    expect((await alerts.list(orgB, {}, { limit: 10 })).items).toHaveLength(1);
  });

  it('keeps webhooks and their delivery outbox per organisation', async () => {
    const hook = {
      id: uuidv7(),
      orgId: orgA,
      name: 'ops',
      url: 'http://x/hook',
      events: [],
      enabled: true,
      createdAt: 1,
      updatedAt: 1,
    };
    await hooks.insert(hook);
    await hooks.insert({ ...hook, id: uuidv7(), name: 'acks only', events: ['alert.acknowledged'] });
    expect((await hooks.subscribed(orgA, 'alert.opened')).map((h) => h.name)).toEqual(['ops']);
    expect(await hooks.subscribed(orgB, 'alert.opened')).toEqual([]);
    expect(await hooks.update(orgB, hook.id, { enabled: false }, 2)).toBe(false);
    const d = {
      id: uuidv7(),
      orgId: orgA,
      webhookId: hook.id,
      event: 'alert.opened' as const,
      payload: { hello: 'world' },
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: 10,
      lastError: null,
      lastStatus: null,
      createdAt: 10,
      deliveredAt: null,
    };
    await hooks.enqueue([d]);
    expect(await hooks.due(9, 10)).toEqual([]);
    expect(await hooks.due(10, 10)).toEqual([{ ...d, url: 'http://x/hook' }]);
    await hooks.settle(d.id, {
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: 11,
      lastError: null,
      lastStatus: 204,
      deliveredAt: 11,
    });
    expect(await hooks.due(100, 10)).toEqual([]);
    expect((await hooks.deliveries(orgA, hook.id, { limit: 5 })).items[0]).toMatchObject({
      status: 'delivered',
      lastStatus: 204,
    });
    expect((await hooks.deliveries(orgB, hook.id, { limit: 5 })).items).toEqual([]);
  });
});
