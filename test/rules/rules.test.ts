import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { createDatastream, type DatastreamFixture } from '../support/fixtures.js';
import { connectMqtt, eventually } from '../support/mqtt.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../support/polder.js';
import { startSmtpServer } from './smtp.js';

/** A webhook receiver that keeps the JSON bodies. */
function receiver() {
  const bodies: { event: string; alert: { id: string; status: string; rule: unknown } }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.statusCode = 204;
      res.end();
    });
  });
  return { server, bodies };
}

const T0 = Date.parse('2026-12-01T10:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;

describe.each(await availableDialects())('rules on the measurement stream (%s)', (dialect) => {
  let p: ListeningPolder;
  let ds: DatastreamFixture;
  let other: DatastreamFixture;
  let mqtt: MqttClient;
  const published: { event: string; alert: { kind: string; rule: { id: string } | null } }[] = [];
  const hook = receiver();
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let ruleId: string;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    p.call(ADMIN_TOKEN, { method, url, ...(payload !== undefined && { payload: payload as Record<string, unknown> }) });
  const store = (datastreamId: number, rows: [number, number][]) =>
    p.polder.measurements.insert(rows.map(([t, value]) => ({ datastreamId, time: s(t), value })));

  beforeAll(async () => {
    smtp = await startSmtpServer();
    p = await startListeningPolder(dialect, { POLDER_SMTP_URL: smtp.url, POLDER_SMTP_FROM: 'alerts@polder.test' });
    const db = p.polder.database.db;
    const orgId = p.polder.bootstrap.org.id;
    ds = await createDatastream(db, orgId, { observedProperty: 'temperature' });
    other = await createDatastream(db, orgId, { observedProperty: 'temperature' });
    await db
      .updateTable('devices')
      .set({ properties: JSON.stringify({ tags: ['server-room'] }) })
      .where('id', '=', ds.deviceId)
      .execute();
    mqtt = await connectMqtt(`mqtt://127.0.0.1:${p.polder.registry.brokerAddress.port}`, {
      username: 'ops',
      password: ADMIN_TOKEN,
    });
    mqtt.on('message', (_t, payload) => published.push(JSON.parse(payload.toString())));
    await mqtt.subscribeAsync(`polder/${p.polder.bootstrap.org.slug}/alerts`, { qos: 1 });
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await mqtt?.endAsync();
    await p?.close();
    hook.server.close();
    await smtp?.close();
  });

  it('refuses a bad rule with 400 naming the field', async () => {
    const base = { name: 'x', property: 'temperature' };
    const cases: [unknown, string][] = [
      [{ ...base, condition: { kind: 'threshold', op: '>' } }, 'condition.value'],
      [{ ...base, condition: { kind: 'threshold', op: '~', value: 1 } }, 'condition.op'],
      [
        { ...base, condition: { kind: 'window', op: '>', value: 1, aggregate: 'median', windowSeconds: 60 } },
        'condition.aggregate',
      ],
      [{ ...base, condition: { kind: 'no-data' } }, 'condition.seconds'],
      [
        { ...base, condition: { kind: 'threshold', op: '>', value: 1 }, actions: [{ kind: 'email', to: ['nope'] }] },
        'actions.0.to',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/rules', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details.field).toBe(field);
    }
    const missing = await call('POST', '/api/rules', {
      ...base,
      condition: { kind: 'threshold', op: '>', value: 1 },
      actions: [{ kind: 'webhook', webhook: 'nope' }],
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('WEBHOOK_NOT_FOUND');
  });

  it('creates, lists and changes rules (201, paginated, in the OpenAPI document)', async () => {
    const url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hook`;
    const webhook = (await call('POST', '/api/webhooks', { name: 'rules only', url, events: ['alert.acknowledged'] })).json();
    const res = await call('POST', '/api/rules', {
      name: 'Server room too hot',
      scope: { site: null, tags: ['server-room'] },
      property: 'temperature',
      condition: { kind: 'threshold', op: '>', value: 30, forSeconds: 300 },
      clear: { op: '<', value: 28 },
      severity: 'critical',
      repeatSeconds: 3600,
      actions: [{ kind: 'alert' }, { kind: 'webhook', webhook: webhook.id }, { kind: 'email', to: ['ops@polder.test'] }],
    });
    expect(res.statusCode).toBe(201);
    ruleId = res.json().id;
    expect(res.json()).toMatchObject({ severity: 'critical', clear: { op: '<', value: 28 }, enabled: true });
    const page = (await call('GET', '/api/rules?limit=1&count=true')).json();
    expect(page.total).toBe(1);
    expect(page.data[0].id).toBe(ruleId);
    const doc = (await call('GET', '/api/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/rules', '/api/rules/{id}', '/api/rules/{id}/test', '/api/alerts/stats']),
    );
  });

  it('fires once held for forSeconds, notifies MQTT, the webhook and e-mail, and resolves with hysteresis', async () => {
    await store(ds.id, [
      [0, 25],
      [10, 31],
      [200, 32],
    ]);
    // The other datastream is out of scope (no tag): never fires.
    await store(other.id, [
      [0, 50],
      [400, 50],
    ]);
    await p.polder.stream.engine.idle();
    expect((await call('GET', '/api/alerts?kind=rule')).json().data).toEqual([]);

    await store(ds.id, [[310, 31]]);
    await p.polder.stream.engine.idle();
    const open = (await call('GET', `/api/alerts?kind=rule&rule=${ruleId}&status=open`)).json().data;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      kind: 'rule',
      severity: 'critical',
      status: 'firing',
      rule: { id: ruleId, name: 'Server room too hot' },
      subject: { type: 'datastream', id: String(ds.id) },
      details: { device: { id: ds.deviceId }, value: 31, time: new Date(s(310)).toISOString() },
    });
    await eventually('MQTT alert', () => published.find((m) => m.event === 'alert.opened' && m.alert.rule?.id === ruleId));
    await eventually('webhook delivery', () => hook.bodies.find((b) => b.event === 'alert.opened'));
    const mail = await eventually('e-mail', () => smtp.mails[0]);
    expect(mail.to).toEqual(['ops@polder.test']);
    expect(mail.data).toContain('Server room too hot');

    // Still above the clear level: stays open, and opens no second alert.
    await store(ds.id, [
      [400, 29],
      [500, 33],
    ]);
    await p.polder.stream.engine.idle();
    expect((await call('GET', `/api/alerts?rule=${ruleId}`)).json().data).toHaveLength(1);
    await store(ds.id, [[600, 27]]);
    await p.polder.stream.engine.idle();
    const after = (await call('GET', `/api/alerts?rule=${ruleId}`)).json().data;
    expect(after).toHaveLength(1);
    expect(after[0].status).toBe('resolved');
    await eventually('webhook resolved', () => hook.bodies.find((b) => b.event === 'alert.resolved'));
  });

  it('replays a stored range without notifying anyone', async () => {
    const mails = smtp.mails.length;
    const res = await call('POST', `/api/rules/${ruleId}/test`, {
      from: new Date(s(0)).toISOString(),
      to: new Date(s(700)).toISOString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().events.map((e: { kind: string; time: string }) => [e.kind, e.time])).toEqual([
      ['fired', new Date(s(310)).toISOString()],
      ['cleared', new Date(s(600)).toISOString()],
    ]);
    expect(res.json().datastreams).toBe(1);
    expect((await call('GET', `/api/alerts?rule=${ruleId}`)).json().data).toHaveLength(1);
    expect(smtp.mails.length).toBe(mails);
  });

  it('counts alerts per interval and rule, kind and severity', async () => {
    const q = `from=${new Date(T0 - 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;
    const byRule = (await call('GET', `/api/alerts/stats?interval=1h&by=rule&${q}`)).json();
    expect(byRule.totals).toEqual({ [ruleId]: 1 });
    const bySeverity = (await call('GET', `/api/alerts/stats?interval=1d&by=severity&${q}`)).json();
    expect(bySeverity.totals).toEqual({ critical: 1 });
    expect(bySeverity.buckets[0].counts).toEqual({ critical: 1 });
    const bad = await call('GET', '/api/alerts/stats?interval=7x');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('interval');
  });

  it('no-data fires on the clock for a silent datastream and clears when a value comes', async () => {
    const quiet = await createDatastream(p.polder.database.db, p.polder.bootstrap.org.id, { observedProperty: 'humidity' });
    const rule = (
      await call('POST', '/api/rules', {
        name: 'Humidity silent',
        property: 'humidity',
        condition: { kind: 'no-data', seconds: 3600 },
      })
    ).json();
    // A value of a day ago (T0): silent for more than an hour by the wall clock.
    await store(quiet.id, [[0, 50]]);
    const fired = await eventually(
      'no-data alert',
      async () => (await call('GET', `/api/alerts?rule=${rule.id}&status=open`)).json().data[0],
    );
    expect(fired.subject.id).toBe(String(quiet.id));
    await p.polder.measurements.insert([{ datastreamId: quiet.id, time: Date.now(), value: 51 }]);
    await p.polder.stream.engine.idle();
    expect((await call('GET', `/api/alerts?rule=${rule.id}`)).json().data[0].status).toBe('resolved');
  });

  it('deletes a rule (404 after)', async () => {
    const r = (
      await call('POST', '/api/rules', { name: 'tmp', property: 'x', condition: { kind: 'no-data', seconds: 60 } })
    ).json();
    expect((await call('DELETE', `/api/rules/${r.id}`)).statusCode).toBe(204);
    const gone = await call('GET', `/api/rules/${r.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('RULE_NOT_FOUND');
  });
});
