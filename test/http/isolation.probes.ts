import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Polder } from '../../src/main.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createDatastream } from '../support/fixtures.js';

/** Organisation B, seen from its own admin key: what the isolation test aims A's calls at. */
export interface World {
  orgA: string;
  orgB: string;
  keyB: string;
  /** Every id created in B, by name; none may show up in A's answers. */
  ids: Record<string, string>;
  /** Other values of B that probes aim at but that are too short to search answers for (integer ids). */
  refs: Record<string, string>;
  call(method: string, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /** For resources no route creates (alerts are opened by Polder itself). */
  polder: Polder;
}

/** How to aim one route at B: its path parameters, and a body that would pass validation. */
export interface Probe {
  params(w: World): Record<string, string>;
  body?(w: World): unknown;
}

async function created(res: Promise<LightMyRequestResponse>): Promise<{ id: string } & Record<string, unknown>> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

/** Creates one of each kind of resource in B. Add a seed with every new resource. */
export const SEEDS: ((w: World) => Promise<void>)[] = [
  async (w) => {
    w.ids.orgB = w.orgB;
    w.ids.userB = (
      await created(
        w.call('POST', `/api/organisations/${w.orgB}/users`, { username: 'bea', password: 'b-password-123', role: 'editor' }),
      )
    ).id;
    w.ids.keyB2 = (
      await created(w.call('POST', `/api/organisations/${w.orgB}/api-keys`, { name: 'b2', scopes: ['devices:read'] }))
    ).id;
    w.ids.invitationB = (await created(w.call('POST', `/api/organisations/${w.orgB}/invitations`, { role: 'viewer' }))).id;
  },
  // The device registry: a location chain, a type, a device with a sensor and a datastream.
  async (w) => {
    w.ids.siteB = (await created(w.call('POST', '/api/sites', { slug: 'b-site', name: 'B site' }))).id;
    w.ids.buildingB = (
      await created(w.call('POST', '/api/buildings', { site: 'b-site', slug: 'b-bldg', name: 'B building' }))
    ).id;
    w.ids.roomB = (
      await created(w.call('POST', '/api/rooms', { site: 'b-site', building: 'b-bldg', slug: 'b-room', name: 'B room' }))
    ).id;
    w.ids.typeB = (
      await created(
        w.call('POST', '/api/device-types', {
          name: 'b-type',
          connectivity: 'mqtt',
          configSchema: { type: 'object', properties: { frequency: { type: 'integer' } } },
        }),
      )
    ).id;
    w.ids.deviceB = (
      await created(
        w.call('POST', '/api/devices', {
          code: 'b-dev-1',
          type: 'b-type',
          identity: { kind: 'mac', value: 'b0:0b:00:00:00:01' },
          location: { site: 'b-site', building: 'b-bldg', room: 'b-room' },
          config: { frequency: 60 },
        }),
      )
    ).id;
    w.ids.sensorB = (await created(w.call('POST', `/api/devices/${w.ids.deviceB}/sensors`, { code: 'b-sensor' }))).id;
    const ds = await created(
      w.call('POST', '/api/datastreams', { sensor: w.ids.sensorB, observedProperty: 'temperature', unit: 'Cel' }),
    );
    w.refs.datastreamB = String(ds.id);
    w.ids.loraTypeB = (
      await created(w.call('POST', '/api/device-types', { name: 'b-lora-type', connectivity: 'lorawan', configSchema: {} }))
    ).id;
    const downlink = await w.call('PUT', `/api/device-types/${w.ids.loraTypeB}/downlink`, {
      provider: 'ttn-v3',
      url: 'http://127.0.0.1:9/',
      apiKey: 'b-network-key',
      applicationId: 'b-app',
      webhookId: 'b-hook',
      encoder: 'function encodeDownlink(input) { return { bytes: [0] }; }',
    });
    expect(downlink.statusCode, downlink.body).toBe(200);
  },
  async (w) => {
    const [alert] = await w.polder.alerts.open(w.orgB, [
      { kind: 'device_offline', severity: 'warning', subjectType: 'device', subjectId: 'b-device', message: 'silent' },
    ]);
    w.ids.alertB = alert!.id;
    w.ids.webhookB = (await created(w.call('POST', '/api/webhooks', { name: 'b-hook', url: 'http://127.0.0.1:9/b' }))).id;
    w.ids.scriptB = (
      await created(w.call('POST', '/api/workers', { name: 'b-script', source: 'function process(m) { return m }' }))
    ).id;
    w.ids.ruleB = (
      await created(
        w.call('POST', '/api/rules', {
          name: 'b-rule',
          property: 'temperature',
          condition: { kind: 'threshold', op: '>', value: 1 },
        }),
      )
    ).id;
  },
];

// Pipelines and traces: a pipeline with a poller secret and an ingest token, and a failed trace (a dead letter).
SEEDS.push(async (w) => {
  w.ids.pipelineB = (
    await created(
      w.call('POST', '/api/pipelines', {
        name: 'b-pipeline',
        steps: [{ worker: 'ttn-v3' }, { worker: 'cayenne-lpp' }],
        sources: [{ kind: 'ftp-poll', url: 'ftp://b:b-secret@ftp.example.org/in', intervalSeconds: 60 }],
      }),
    )
  ).id;
  const token = await w.call('POST', `/api/pipelines/${w.ids.pipelineB}/ingest-token`);
  expect(token.statusCode, token.body).toBe(201);
  const traceId = uuidv7();
  const receivedAt = Date.UTC(2024, 4, 1);
  await w.polder.pipelines.traces.sink.write([
    {
      id: traceId,
      orgId: w.orgB,
      pipelineId: w.ids.pipelineB,
      deviceId: null,
      status: 'failed',
      receivedAt,
      finishedAt: receivedAt,
      attempts: 1,
      transport: { kind: 'http', contentType: 'application/json' },
      steps: [],
      error: { code: 'DECODE_FAILED', message: 'b failed', step: 0 },
      measurements: 0,
      message: {
        id: traceId,
        orgId: w.orgB,
        pipelineId: w.ids.pipelineB,
        receivedAt,
        transport: { kind: 'http', contentType: 'application/json' },
        payload: Buffer.from('{"b":1}').toString('base64'),
        metadata: {},
        measurements: [],
      },
    },
  ]);
  w.ids.traceB = traceId;
});

const id = (name: string) => (w: World) => ({ id: w.ids[name] ?? w.refs[name] ?? '' });
/**
 * Integer ids of B's resources, by organisation: kept out of `ids`, whose values the leak
 * check looks for in A's answers (a short number like "3" appears in any answer).
 */
const numericIds = new Map<string, number>();
const numericId = (w: World, name: string) => String(numericIds.get(`${w.orgB}:${name}`) ?? 0);

SEEDS.push(async (w) => {
  // No route creates devices or datastreams yet: write them as the registry would, then a measurement.
  const ds = await createDatastream(w.polder.database.db, w.orgB, { observedProperty: 'temperature' });
  await w.polder.measurements.insert([{ datastreamId: ds.id, time: Date.UTC(2024, 4, 1), value: 21.5 }]);
  w.ids.measuredDeviceB = ds.deviceId;
  w.ids.measuredSensorB = ds.sensorId;
  numericIds.set(`${w.orgB}:datastream`, ds.id);
});

// Stream processing: a derived datastream and a forecast in B.
SEEDS.push(async (w) => {
  const input = numericIds.get(`${w.orgB}:datastream`) ?? 0;
  const out = await createDatastream(w.polder.database.db, w.orgB, { observedProperty: 'temperature_f', unit: '[degF]' });
  numericIds.set(`${w.orgB}:derived`, out.id);
  const derived = await w.call('PUT', `/api/datastreams/${out.id}/derived`, {
    inputs: { t: input },
    convert: { from: 'Cel', to: '[degF]' },
  });
  expect(derived.statusCode, derived.body).toBe(200);
  await created(w.call('POST', `/api/datastreams/${input}/forecast`, { horizonSeconds: 3600, stepSeconds: 3600 }));
});

/**
 * B's resources as list filters (`GET /api/devices?site=<B's site id>`): every list route taking one of
 * these query parameters is called by A with B's value, and by B with the same value (which
 * must work for B, so that A's answer is about the organisation, not a malformed filter).
 */
export const LIST_FILTERS = (w: World): Record<string, string> => ({
  device: w.ids.deviceB ?? '',
  sensor: w.ids.sensorB ?? '',
  datastream: w.refs.datastreamB ?? '',
  site: w.ids.siteB ?? '',
  building: w.ids.buildingB ?? '',
  room: w.ids.roomB ?? '',
  type: 'b-type',
  pipeline: w.ids.pipelineB ?? '',
  rule: w.ids.ruleB ?? '',
});

/** Every route with a path parameter, keyed `METHOD /openapi/{path}`. */
export const PROBES: Record<string, Probe> = {
  // Until pipelines are seeded (pipelines branch), any id stands for one A cannot see.
  'POST /api/uplinks/{pipelineId}': {
    params: (w) => ({ pipelineId: w.ids.pipelineB ?? 'pipeline-of-b' }),
    body: () => ({ any: 'body' }),
  },
  'POST /api/uplinks/{pipelineId}/batch': {
    params: (w) => ({ pipelineId: w.ids.pipelineB ?? 'pipeline-of-b' }),
    body: () => [{ any: 'body' }],
  },
  'GET /api/organisations/{org}': { params: (w) => ({ org: w.orgB }) },
  'PATCH /api/organisations/{org}': { params: (w) => ({ org: w.orgB }), body: () => ({ name: 'taken over' }) },
  'GET /api/organisations/{org}/users': { params: (w) => ({ org: w.orgB }) },
  'POST /api/organisations/{org}/users': {
    params: (w) => ({ org: w.orgB }),
    body: () => ({ username: 'intruder', password: 'intruder-password', role: 'admin' }),
  },
  'DELETE /api/organisations/{org}/users/{userId}': { params: (w) => ({ org: w.orgA, userId: w.ids.userB ?? '' }) },
  'PATCH /api/organisations/{org}/users/{userId}': {
    params: (w) => ({ org: w.orgA, userId: w.ids.userB ?? '' }),
    body: () => ({ role: 'admin' }),
  },
  'GET /api/organisations/{org}/invitations': { params: (w) => ({ org: w.orgB }) },
  'POST /api/organisations/{org}/invitations': { params: (w) => ({ org: w.orgB }), body: () => ({ role: 'admin' }) },
  'DELETE /api/organisations/{org}/invitations/{invitationId}': {
    params: (w) => ({ org: w.orgA, invitationId: w.ids.invitationB ?? '' }),
  },
  'GET /api/organisations/{org}/api-keys': { params: (w) => ({ org: w.orgB }) },
  'POST /api/organisations/{org}/api-keys': {
    params: (w) => ({ org: w.orgB }),
    body: () => ({ name: 'intruder', scopes: ['devices:read'] }),
  },
  'DELETE /api/organisations/{org}/api-keys/{keyId}': { params: (w) => ({ org: w.orgA, keyId: w.ids.keyB2 ?? '' }) },
  'GET /api/alerts/{id}': { params: (w) => ({ id: w.ids.alertB ?? '' }) },
  'POST /api/alerts/{id}/acknowledge': { params: (w) => ({ id: w.ids.alertB ?? '' }) },
  'GET /api/webhooks/{id}': { params: (w) => ({ id: w.ids.webhookB ?? '' }) },
  'PATCH /api/webhooks/{id}': {
    params: (w) => ({ id: w.ids.webhookB ?? '' }),
    body: () => ({ url: 'http://attacker.example/' }),
  },
  'DELETE /api/webhooks/{id}': { params: (w) => ({ id: w.ids.webhookB ?? '' }) },
  'GET /api/webhooks/{id}/deliveries': { params: (w) => ({ id: w.ids.webhookB ?? '' }) },
  'POST /api/webhooks/{id}/test': { params: (w) => ({ id: w.ids.webhookB ?? '' }) },
  'GET /api/rules/{id}': { params: (w) => ({ id: w.ids.ruleB ?? '' }) },
  'PATCH /api/rules/{id}': { params: (w) => ({ id: w.ids.ruleB ?? '' }), body: () => ({ name: 'taken over' }) },
  'DELETE /api/rules/{id}': { params: (w) => ({ id: w.ids.ruleB ?? '' }) },
  'POST /api/rules/{id}/test': {
    params: (w) => ({ id: w.ids.ruleB ?? '' }),
    body: () => ({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }),
  },
  'GET /api/workers/{id}': { params: id('scriptB') },
  'PATCH /api/workers/{id}': { params: id('scriptB'), body: () => ({ source: 'function process(m) { return null }' }) },
  'DELETE /api/workers/{id}': { params: id('scriptB') },
  'GET /api/workers/{id}/revisions': { params: id('scriptB') },
  'POST /api/workers/{id}/test': { params: id('scriptB'), body: () => ({ payload: 'x' }) },

  'GET /api/pipelines/{id}': { params: id('pipelineB') },
  'PATCH /api/pipelines/{id}': { params: id('pipelineB'), body: () => ({ status: 'inactive' }) },
  'DELETE /api/pipelines/{id}': { params: id('pipelineB') },
  'POST /api/pipelines/{id}/ingest-token': { params: id('pipelineB') },
  'DELETE /api/pipelines/{id}/ingest-token': { params: id('pipelineB') },
  'GET /api/traces/{id}': { params: id('traceB') },
  'POST /api/traces/{id}/replay': { params: id('traceB') },

  'GET /api/sites/{id}': { params: id('siteB') },
  'PATCH /api/sites/{id}': { params: id('siteB'), body: () => ({ name: 'taken over', isDefault: true }) },
  'DELETE /api/sites/{id}': { params: id('siteB') },
  'GET /api/buildings/{id}': { params: id('buildingB') },
  'PATCH /api/buildings/{id}': { params: id('buildingB'), body: () => ({ slug: 'taken-over' }) },
  'DELETE /api/buildings/{id}': { params: id('buildingB') },
  'GET /api/rooms/{id}': { params: id('roomB') },
  'PATCH /api/rooms/{id}': { params: id('roomB'), body: () => ({ slug: 'taken-over' }) },
  'DELETE /api/rooms/{id}': { params: id('roomB') },
  'GET /api/device-types/{id}': { params: id('typeB') },
  'PATCH /api/device-types/{id}': { params: id('typeB'), body: () => ({ configSchema: { type: 'object', maxProperties: 0 } }) },
  'DELETE /api/device-types/{id}': { params: id('typeB') },
  'GET /api/device-types/{id}/downlink': { params: id('loraTypeB') },
  'PUT /api/device-types/{id}/downlink': {
    params: id('loraTypeB'),
    body: () => ({
      provider: 'chirpstack-v4',
      url: 'http://127.0.0.1:9/',
      apiKey: 'taken-over',
      encoder: 'function encodeDownlink(input) { return { bytes: [1] }; }',
    }),
  },
  'DELETE /api/device-types/{id}/downlink': { params: id('loraTypeB') },
  'GET /api/devices/{id}': { params: id('deviceB') },
  'PATCH /api/devices/{id}': { params: id('deviceB'), body: () => ({ enabled: false, baseTopic: 'stolen/topic' }) },
  'DELETE /api/devices/{id}': { params: id('deviceB') },
  'POST /api/devices/{id}/credentials/reset': { params: id('deviceB') },
  'GET /api/devices/{id}/sensors': { params: id('deviceB') },
  'POST /api/devices/{id}/sensors': { params: id('deviceB'), body: () => ({ code: 'intruder' }) },
  'GET /api/devices/{id}/datastreams': { params: id('deviceB') },
  'POST /api/devices/{id}/commands': { params: id('deviceB'), body: () => ({ module: 'shutter', order: 'up' }) },
  'GET /api/devices/{id}/commands': { params: id('deviceB') },
  'GET /api/sites/{id}/summary': { params: id('siteB') },
  'GET /api/sensors/{id}': { params: id('sensorB') },
  'PATCH /api/sensors/{id}': { params: id('sensorB'), body: () => ({ externalId: 'taken-over' }) },
  'DELETE /api/sensors/{id}': { params: id('sensorB') },
  'GET /api/sensors/{id}/datastreams': { params: id('sensorB') },
  'GET /api/datastreams/{id}': { params: id('datastreamB') },
  'DELETE /api/datastreams/{id}': { params: id('datastreamB') },
  'GET /api/datastreams/{id}/latest': { params: (w) => ({ id: numericId(w, 'datastream') }) },
  'GET /api/datastreams/{id}/derived': { params: (w) => ({ id: numericId(w, 'derived') }) },
  'PUT /api/datastreams/{id}/derived': {
    params: (w) => ({ id: numericId(w, 'derived') }),
    body: (w) => ({ inputs: { t: Number(numericId(w, 'datastream')) } }),
  },
  'DELETE /api/datastreams/{id}/derived': { params: (w) => ({ id: numericId(w, 'derived') }) },
  'POST /api/datastreams/{id}/forecast': {
    params: (w) => ({ id: numericId(w, 'datastream') }),
    body: () => ({ horizonSeconds: 3600, stepSeconds: 3600 }),
  },
  'GET /api/datastreams/{id}/forecast': { params: (w) => ({ id: numericId(w, 'datastream') }) },
  'DELETE /api/datastreams/{id}/forecast': { params: (w) => ({ id: numericId(w, 'datastream') }) },
  'GET /api/datastreams/{id}/forecast/log': { params: (w) => ({ id: numericId(w, 'datastream') }) },
  'GET /api/datastreams/{id}/forecast/models': { params: (w) => ({ id: numericId(w, 'datastream') }) },
  'GET /api/devices/{id}/latest': { params: (w) => ({ id: w.ids.measuredDeviceB ?? '' }) },
};
