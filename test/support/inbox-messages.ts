import { uuidv7 } from '../../src/shared/ids.js';
import type { PipelineMessage } from '../../src/workers/message.js';
import { fixture } from '../workers/fixtures.js';

/**
 * Messages as a transport would enqueue them, made of the real samples in test/fixtures/providers:
 * the TTN v3 and ChirpStack v4 webhook bodies, and the raw LoRaWAN payload bytes they carry
 * (binary, so a payload that is not text must round-trip too).
 */
export function fixtureMessages(): PipelineMessage[] {
  const out: PipelineMessage[] = [];
  const receivedAt = Date.UTC(2025, 0, 1, 12);
  const ttn = Object.entries(fixture('ttn-v3-uplink.json').samples as Record<string, Record<string, unknown>>);
  const cs = Object.entries(fixture('chirpstack-v4-uplink.json').samples as Record<string, Record<string, unknown>>);
  for (const [name, body] of [...ttn, ...cs]) {
    out.push({
      id: uuidv7(),
      orgId: 'org-inbox',
      pipelineId: `pipe-${name}`,
      receivedAt,
      transport: { kind: 'http', contentType: 'application/json', path: `/api/uplinks/${name}` },
      payload: new Uint8Array(Buffer.from(JSON.stringify(body), 'utf8')),
      metadata: { sample: name, warnings: ['kept as given'] },
      measurements: [],
    });
    const up = (body.uplink_message ?? body) as { frm_payload?: string; data?: string; f_port?: number; fPort?: number };
    const raw = up.frm_payload ?? up.data;
    if (typeof raw === 'string' && raw.length > 0)
      out.push({
        id: uuidv7(),
        orgId: 'org-inbox',
        pipelineId: 'pipe-lorawan',
        receivedAt: receivedAt + 1,
        observedAt: receivedAt - 500,
        transport: { kind: 'mqtt', topic: `v3/app1/devices/${name}/up` },
        payload: new Uint8Array(Buffer.from(raw, 'base64')),
        device: { identity: { kind: 'deveui', value: '0004A30B001C0530' } },
        metadata: { provider: 'ttn-v3', fPort: up.f_port ?? up.fPort ?? 1, decoded: { temperature: 1.0, luminosity: 0.64 } },
        measurements: [{ sensor: '3', observedProperty: 'temperature', unit: 'Cel', value: 21.5, time: receivedAt - 500 }],
      });
  }
  return out;
}

/** `n` small messages (a real ChirpStack v4 body), distinct ids. */
export function manyMessages(n: number): PipelineMessage[] {
  const body = Buffer.from(JSON.stringify(Object.values(fixture('chirpstack-v4-uplink.json').samples)[0]), 'utf8');
  return Array.from({ length: n }, (_, i) => ({
    id: uuidv7(),
    orgId: 'org-inbox',
    pipelineId: 'pipe-many',
    receivedAt: Date.UTC(2025, 0, 1) + i,
    transport: { kind: 'http' as const, contentType: 'application/json' },
    payload: new Uint8Array(body),
    metadata: { n: i },
    measurements: [],
  }));
}
