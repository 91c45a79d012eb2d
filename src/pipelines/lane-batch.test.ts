import { describe, expect, it } from 'vitest';
import type { Delivery } from '../queue/inbox.js';
import type { PipelineMessage } from '../workers/message.js';
import { laneMessages, packLaneBatch } from './lane-batch.js';

const ORG = '0190d0d0-0000-7000-8000-00000000000a';
const PIPELINE = '0190d0d0-0000-7000-8000-00000000000b';

function delivery(id: string, text: string, at: number, extra: Partial<PipelineMessage>, attempt = 1): Delivery {
  return {
    attempt,
    message: {
      id,
      orgId: ORG,
      pipelineId: PIPELINE,
      receivedAt: at,
      transport: { kind: 'mqtt' },
      payload: new TextEncoder().encode(text),
      metadata: {},
      measurements: [],
      ...extra,
    },
  };
}

describe('a writer lane batch in columns', () => {
  it('gives every uplink back as sent, its payload at its place, each distinct string sent once', () => {
    const sent = [
      delivery('0190d0d0-0001-7000-8000-000000000001', '{"a":1}', 1_700_000_000_123, {
        transport: { kind: 'mqtt', topic: 'v3/app@ttn/devices/eui-1/up' },
      }),
      // Ids of any length and content, an empty payload, another organisation and pipeline.
      delivery('x\ny', '', 1_700_000_000_124, { orgId: 'other-org', pipelineId: 'other-pipeline' }, 3),
      delivery('0190d0d0-0001-7000-8000-000000000003', 'é€', 1_700_000_000_125, {
        transport: { kind: 'amqp', topic: 'uplinks.eui-2', path: 'polder.q', contentType: 'application/json' },
        device: { identity: { kind: 'deveui', value: '70B3D57ED0000001' } },
      }),
      delivery('0190d0d0-0001-7000-8000-000000000004', '{"b":2}', 1_700_000_000_126, {
        transport: { kind: 'http', contentType: 'application/json' },
        device: { id: 'dev-4' },
      }),
      delivery('0190d0d0-0001-7000-8000-000000000005', '{"a":1}', 1_700_000_000_127, {
        transport: { kind: 'mqtt', topic: 'v3/app@ttn/devices/eui-1/up' },
      }),
    ];
    const pipelines = [{ id: PIPELINE, signature: '[]', steps: [] }];
    const batch = packLaneBatch(sent, pipelines);
    expect(batch.pipelines).toBe(pipelines);
    expect(batch.strings.filter((s) => s === ORG || s === 'v3/app@ttn/devices/eui-1/up' || s === 'mqtt')).toHaveLength(3);

    const back = laneMessages(batch);
    expect(back).toHaveLength(sent.length);
    back.forEach((m, i) => {
      const d = sent[i] as Delivery;
      const { id, orgId, pipelineId, receivedAt, transport, device } = d.message;
      expect({ ...m, start: 0, end: 0 }).toEqual({
        id,
        orgId,
        pipelineId,
        receivedAt,
        attempt: d.attempt,
        transport,
        ...(device !== undefined && { device }),
        start: 0,
        end: 0,
      });
      expect(new TextDecoder().decode(batch.payloads.subarray(m.start, m.end))).toBe(new TextDecoder().decode(d.message.payload));
    });
    expect(back[1]?.device).toBeUndefined();
    expect(laneMessages(packLaneBatch([], []))).toEqual([]);
  });
});
