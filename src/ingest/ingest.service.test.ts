import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MapCatalog, RecordingInbox } from '../../test/support/ingest-doubles.js';
import { createLogger } from '../shared/logger.js';
import { IngestService } from './ingest.service.js';
import { createIngestMetrics } from './ingest-metrics.js';

function setup() {
  const catalog = new MapCatalog();
  const inbox = new RecordingInbox();
  const registry = new Registry();
  let n = 0;
  const service = new IngestService({
    catalog,
    inbox,
    clock: () => 1_700_000_000_000,
    newId: () => `id-${++n}`,
    logger: createLogger({ level: 'silent', format: 'json' }),
    metrics: createIngestMetrics(registry),
    maxBytes: 10,
  });
  catalog.save({ id: 'p1', orgId: 'o1' });
  catalog.save({ id: 'off', orgId: 'o1', status: 'inactive' });
  return { catalog, inbox, service, registry };
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

describe('IngestService', () => {
  it('builds the envelope and enqueues it', async () => {
    const { service, inbox } = setup();
    const id = await service.accept({
      pipelineId: 'p1',
      orgId: 'o1',
      transport: { kind: 'mqtt', topic: 'a/b' },
      payload: bytes('{"t":1}'),
      device: { id: 'd1' },
    });
    expect(id).toBe('id-1');
    expect(inbox.messages).toEqual([
      {
        id: 'id-1',
        orgId: 'o1',
        pipelineId: 'p1',
        receivedAt: 1_700_000_000_000,
        transport: { kind: 'mqtt', topic: 'a/b' },
        payload: bytes('{"t":1}'),
        device: { id: 'd1' },
        metadata: {},
        measurements: [],
      },
    ]);
  });

  it('refuses unknown, other-org, inactive and oversized uplinks with their codes, and counts them', async () => {
    const { service, inbox, registry } = setup();
    const t = { kind: 'http' as const };
    await expect(service.accept({ pipelineId: 'nope', transport: t, payload: bytes('x') })).rejects.toMatchObject({
      code: 'PIPELINE_NOT_FOUND',
    });
    await expect(service.accept({ pipelineId: 'p1', orgId: 'o2', transport: t, payload: bytes('x') })).rejects.toMatchObject({
      code: 'PIPELINE_NOT_FOUND',
    });
    await expect(service.accept({ pipelineId: 'off', transport: t, payload: bytes('x') })).rejects.toMatchObject({
      code: 'PIPELINE_INACTIVE',
    });
    await expect(service.accept({ pipelineId: 'p1', transport: t, payload: bytes('12345678901') })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(inbox.calls).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain('polder_uplinks_rejected_total{transport="http",reason="PIPELINE_NOT_FOUND"} 2');
    expect(text).toContain('polder_uplinks_rejected_total{transport="http",reason="PAYLOAD_TOO_LARGE"} 1');
  });

  it('maps an inbox failure to INBOX_UNAVAILABLE and counts nothing as received', async () => {
    const { service, inbox, registry } = setup();
    inbox.failing = true;
    await expect(service.accept({ pipelineId: 'p1', transport: { kind: 'amqp' }, payload: bytes('x') })).rejects.toMatchObject({
      code: 'INBOX_UNAVAILABLE',
    });
    const text = await registry.metrics();
    expect(text).toContain('polder_uplinks_rejected_total{transport="amqp",reason="INBOX_UNAVAILABLE"} 1');
    expect(text).not.toContain('polder_uplinks_received_total{transport="amqp"}');
  });

  it('acceptMany enqueues the good ones in one call and reports each refused one', async () => {
    const { service, inbox, registry } = setup();
    const t = { kind: 'ftp-poll' as const, path: '/x' };
    const out = await service.acceptMany([
      { pipelineId: 'p1', transport: t, payload: bytes('a') },
      { pipelineId: 'p1', transport: t, payload: bytes('way too long!') },
      { pipelineId: 'p1', transport: t, payload: bytes('b') },
    ]);
    expect(out[0]).toEqual({ traceId: 'id-1' });
    expect(out[1]).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(out[2]).toEqual({ traceId: 'id-2' });
    expect(inbox.calls).toBe(1);
    expect(inbox.messages.map((m) => Buffer.from(m.payload).toString())).toEqual(['a', 'b']);
    expect(await registry.metrics()).toContain('polder_uplinks_received_total{transport="ftp-poll"} 2');
  });
});
