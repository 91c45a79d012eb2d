import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrafficSimulation } from '../../src/simulate/traffic/traffic-simulation.js';
import { fakeTime } from '../support/fake-time.js';
import { eventually, type LivePolder, startLivePolder } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';

/**
 * The simulator as a client: the pipelines API (reuse by name, create otherwise), HTTP uplinks
 * with the key and the content type, and MQTT QoS 1 publications accepted by Polder's broker
 * with an admin key. The HTTP side talks to a stand-in of the documented API (the real routes
 * are another part's); the MQTT side to a real Polder.
 */
interface Recorded {
  pipelineId: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function standIn(existing: { id: string; name: string }[], refuse: Set<string>) {
  const created: Record<string, unknown>[] = [];
  const uplinks: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== 'Bearer sim-key') return send(401, { error: { code: 'UNAUTHENTICATED' } });
      if (req.method === 'GET' && url.pathname === '/api/pipelines') {
        // Two pages, so the simulator has to follow links.next.
        const page = url.searchParams.get('cursor') === '2' ? existing.slice(1) : existing.slice(0, 1);
        const next = url.searchParams.get('cursor') === '2' ? null : `http://${req.headers.host}/api/pipelines?cursor=2`;
        return send(200, { data: page, links: { next } });
      }
      if (req.method === 'POST' && url.pathname === '/api/pipelines') {
        const spec = JSON.parse(body.toString()) as { name: string };
        created.push(spec);
        const p = { id: `p-${spec.name}`, name: spec.name };
        existing.push(p);
        return send(201, { ...spec, ...p });
      }
      const m = /^\/api\/uplinks\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'POST' && m?.[1]) {
        if (refuse.has(m[1])) return send(503, { error: { code: 'INBOX_UNAVAILABLE', message: 'inbox down' } });
        uplinks.push({ pipelineId: m[1], headers: req.headers, body });
        return send(202, { traceId: `t${uplinks.length}` });
      }
      send(404, { error: { code: 'NOT_FOUND' } });
    });
  });
  return { server, created, uplinks };
}

describe('simulated traffic over HTTP (documented API)', () => {
  const existing = [
    { id: 'p-other', name: 'someone-elses' },
    { id: 'p-ttn-old', name: 'sim-ttn' },
  ];
  const api = standIn(existing, new Set(['p-sim-power']));
  let base: string;

  beforeAll(async () => {
    await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => api.server.close(() => r())));

  it('reuses pipelines by name, creates the missing ones, and posts each uplink with the key and content type', async () => {
    const sim = await startTrafficSimulation({
      baseUrl: base,
      token: 'sim-key',
      rate: 200,
      devices: 8,
      durationS: 0.5,
      // How many uplinks go out is rate × duration, whatever the load; the transports stay real.
      ...fakeTime(Date.now()),
    });
    await sim.done;
    expect(api.created.map((c) => c.name)).toEqual(['sim-chirpstack', 'sim-power', 'sim-weather']);
    expect(api.created[0]).toMatchObject({ autoRegister: true, steps: [{ worker: 'chirpstack-v4' }, { worker: 'json-map' }] });
    expect(sim.pipelines.get('ttn')).toEqual({ id: 'p-ttn-old', name: 'sim-ttn' });

    const s = sim.stats();
    expect(s.sent).toBeGreaterThan(8);
    expect(s.sent).toBe(s.accepted + s.rejected);
    expect(s.accepted).toBe(api.uplinks.length);
    // Every power meter uplink went to the refused pipeline: counted by reason.
    expect(s.reasons).toEqual({ 'HTTP 503 INBOX_UNAVAILABLE': s.rejected });
    expect(s.rejected).toBeGreaterThan(0);
    for (const u of api.uplinks) {
      expect(u.headers['content-type']).toBe('application/json');
      expect(u.headers.authorization).toBe('Bearer sim-key');
      const body = JSON.parse(u.body.toString());
      if (u.pipelineId === 'p-ttn-old') expect(body.uplink_message.frm_payload).toMatch(/^[A-Za-z0-9+/]+=*$/);
      else if (u.pipelineId === 'p-sim-chirpstack') expect(body.deviceInfo.devEui).toMatch(/^[0-9a-f]{16}$/);
      else expect(u.pipelineId).toBe('p-sim-weather');
    }
    expect(new Set(api.uplinks.map((u) => u.pipelineId))).toEqual(new Set(['p-ttn-old', 'p-sim-chirpstack', 'p-sim-weather']));
  });

  it('fails to start, naming the call, when the key is refused', async () => {
    await expect(startTrafficSimulation({ baseUrl: base, token: 'wrong', rate: 1 })).rejects.toThrow(/HTTP 401/);
  });
});

describe('simulated traffic over MQTT to Polder’s embedded broker', () => {
  let t: LivePolder;
  let watcher: MqttClient;
  const seen: { topic: string; body: string }[] = [];

  beforeAll(async () => {
    t = await startLivePolder('embedded');
    watcher = await t.superuser();
    await watcher.subscribeAsync(['v3/+/devices/+/up', 'polder-sim/#', 'application/+/device/+/event/up'], { qos: 1 });
    watcher.on('message', (topic, payload) => seen.push({ topic, body: payload.toString() }));
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await t?.close();
  });

  it('publishes QoS 1 on each pipeline topic with the admin key, every publication acknowledged', async () => {
    const sim = await startTrafficSimulation({
      baseUrl: t.httpUrl,
      token: ADMIN_TOKEN,
      rate: 100,
      devices: 4,
      durationS: 0.3,
      // How many uplinks go out is rate × duration, whatever the load; the transports stay real.
      ...fakeTime(Date.now()),
      transport: 'mqtt',
      mqttUrl: t.brokerUrl,
      // The pipelines API is not part of this test: any ids do.
      admin: { ensurePipeline: async (spec) => ({ id: spec.name, name: spec.name }) },
    });
    await sim.done;
    const s = sim.stats();
    expect(s.rejected).toBe(0);
    expect(s.accepted).toBe(s.sent);
    await eventually('every publication delivered', () => seen.length >= s.sent);
    const roots = new Set(seen.map((m) => m.topic.split('/')[0]));
    expect(roots).toEqual(new Set(['v3', 'application', 'polder-sim']));
    expect(seen.filter((m) => m.topic.startsWith('polder-sim/power/')).every((m) => JSON.parse(m.body).phases.L1)).toBe(true);
  });
});
