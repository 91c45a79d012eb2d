import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseInbox } from '../../src/queue/database-inbox.js';
import { EnvelopeError, readEnvelope, writeEnvelope } from '../../src/queue/envelope.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { type RunnerWorld, startRunnerWorld } from '../pipelines/runner-world.js';
import { availableDialects } from '../support/databases.js';

/** Issue 15 item 10: the message on the queue is a versioned, checked contract. */
describe('queue envelope', () => {
  const msg = {
    id: uuidv7(),
    orgId: 'o1',
    pipelineId: 'p1',
    receivedAt: 1,
    transport: { kind: 'http' as const },
    payload: new Uint8Array([1, 2, 3]),
    metadata: { a: 1 },
    measurements: [],
  };

  it('writes v 1 and reads it back; a message queued before versioning (no v) reads as v 1', () => {
    const text = writeEnvelope(msg);
    expect(JSON.parse(text).v).toBe(1);
    expect(readEnvelope(text)).toEqual(msg);
    const { v: _v, ...legacy } = JSON.parse(text);
    expect(readEnvelope(JSON.stringify(legacy))).toEqual(msg);
  });

  it('refuses an unknown version and a bad shape with a clear EnvelopeError naming what it can', () => {
    const text = JSON.parse(writeEnvelope(msg));
    const err = (t: string) => {
      try {
        readEnvelope(t);
      } catch (e) {
        return e as EnvelopeError;
      }
      throw new Error('read');
    };
    const v2 = err(JSON.stringify({ ...text, v: 2 }));
    expect(v2).toBeInstanceOf(EnvelopeError);
    expect(v2.code).toBe('ENVELOPE_INVALID');
    expect(v2.message).toMatch(/version 2/);
    expect(v2.names).toEqual({ id: msg.id, orgId: 'o1', pipelineId: 'p1' });
    expect(err(JSON.stringify({ ...text, measurements: 'x' })).message).toMatch(/\/measurements/);
    expect(err(JSON.stringify({ ...text, transport: { kind: 'pigeon' } })).message).toMatch(/\/transport\/kind/);
    expect(err('{not json').names).toEqual({});
  });
});

describe.each(await availableDialects())('an unreadable queue message through the runner on %s', (dialect) => {
  let w: RunnerWorld;
  beforeAll(async () => {
    w = await startRunnerWorld(dialect, 3);
  });
  afterAll(() => w?.close());

  it('becomes a failed trace (dead letter) with ENVELOPE_INVALID, once, and the good message beside it runs', async () => {
    const p = w.pipeline(['json']);
    const good = w.message(p, { temperature: 21.5 });
    const base = JSON.parse(writeEnvelope(good));
    const rows = {
      good: writeEnvelope(good),
      v2: JSON.stringify({ ...base, id: uuidv7(), v: 2 }),
      shape: JSON.stringify({ ...base, id: uuidv7(), measurements: [{ sensor: 1 }] }),
      garbage: '{"v":1,',
    };
    const ids: Record<string, string> = {};
    for (const [name, text] of Object.entries(rows)) {
      ids[name] = name === 'garbage' ? uuidv7() : (JSON.parse(text).id as string);
      await w.t.polder.database.db
        .insertInto('inbox')
        .values({
          id: ids[name] as string,
          org_id: w.orgId,
          pipeline_id: p.id,
          message: text,
          attempts: 0,
          available_at: 0,
          lease_until: null,
          created_at: 0,
        })
        .execute();
    }
    const inbox = new DatabaseInbox({ database: w.t.polder.database, logger: pino({ level: 'silent' }), pollMs: 20 });
    inbox.start(w.handle, { batchSize: 10 });
    try {
      const end = Date.now() + 15_000;
      while ((await inbox.depth()) > 0) {
        if (Date.now() > end) throw new Error('inbox never drained');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await inbox.close();
    }
    const traced = w.sink.writes.flat();
    for (const name of ['v2', 'shape']) {
      const t = traced.filter((r) => r.id === ids[name]);
      expect(t).toHaveLength(1);
      expect(t[0]?.status).toBe('failed');
      expect(t[0]?.error?.code).toBe('ENVELOPE_INVALID');
      expect(t[0]?.pipelineId).toBe(p.id);
    }
    expect(traced.find((r) => r.id === ids.v2)?.error?.message).toMatch(/version 2; this Polder reads v 1/);
    expect(traced.find((r) => r.id === ids.shape)?.error?.message).toMatch(/\/measurements\/0/);
    // Names nothing it could be traced under: dropped (logged), never retried.
    expect(traced.some((r) => r.id === ids.garbage)).toBe(false);
    expect(traced.find((r) => r.id === ids.good)?.error?.code).not.toBe('ENVELOPE_INVALID');
  });
});
