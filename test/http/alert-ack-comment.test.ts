import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

describe.each(dialects)('acknowledging an alert with a comment on %s', (dialect) => {
  let t: TestPolder;
  const ids: string[] = [];
  const ack = (id: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, {
      method: 'POST',
      url: `/api/alerts/${id}/acknowledge`,
      ...(payload !== undefined && { payload: payload as object }),
    });

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    const orgId = t.polder.bootstrap.org.id;
    for (const code of ['one', 'two', 'three']) {
      const r = await t.call(ADMIN_TOKEN, { method: 'POST', url: '/api/devices', payload: { code, type: 'sensor' } });
      expect(r.statusCode, r.body).toBe(201);
      const [alert] = await t.polder.alerts.open(orgId, [
        { kind: 'device_offline', severity: 'warning', subjectType: 'device', subjectId: r.json().id, message: code },
      ]);
      ids.push(alert!.id);
    }
  });
  afterAll(() => t.close());

  it('keeps the comment with the acknowledgement and shows it', async () => {
    const r = await ack(ids[0]!, { comment: '  Battery replaced on Monday  ' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'admin-token',
      acknowledgedComment: 'Battery replaced on Monday',
    });
    const again = await t.call(ADMIN_TOKEN, { method: 'GET', url: `/api/alerts/${ids[0]}` });
    expect(again.json().acknowledgedComment).toBe('Battery replaced on Monday');
  });

  it('takes no comment (or an empty one) as before', async () => {
    expect((await ack(ids[1]!)).json()).toMatchObject({ status: 'acknowledged', acknowledgedComment: null });
    expect((await ack(ids[2]!, { comment: '' })).json()).toMatchObject({ acknowledgedComment: null });
  });

  it('refuses a comment that is not a short string, naming the field', async () => {
    const long = await ack(ids[1]!, { comment: 'x'.repeat(2001) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details.field).toMatch(/comment/);
    const extra = await ack(ids[1]!, { note: 'x' });
    expect(extra.statusCode).toBe(400);
  });
});
