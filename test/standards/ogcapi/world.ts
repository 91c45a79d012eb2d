/**
 * What the OGC API – Features suites read: an organisation with a site at Toulouse, a building
 * and a room there, four devices (own coordinates, the site's, Paris, nowhere), temperature and
 * humidity series; and a second organisation with one device of its own.
 */
import { expect } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { createMeasurementStore } from '../../../src/measurements/measurement-store.js';
import { createDatastream, createSensor } from '../../support/fixtures.js';

export type Call = (method: string, url: string, token: string, payload?: unknown) => Promise<{ status: number; body: string }>;

export const T0 = Date.UTC(2025, 2, 1);
export const MIN = 60_000;
export const TOULOUSE = { latitude: 43.5615, longitude: 1.469 };
export const CAMPUS = { latitude: 43.56, longitude: 1.47 };
export const PARIS = { latitude: 48.8566, longitude: 2.3522 };

export interface OgcWorld {
  /** Reads devices and measurements of the first organisation. */
  key: string;
  /** The second organisation's reader. */
  otherKey: string;
  datastreams: { toulouseTemp: number; toulouseHum: number; parisTemp: number; otherTemp: number };
}

async function ok(call: Call, method: string, url: string, token: string, payload?: unknown) {
  const res = await call(method, url, token, payload);
  expect(res.status, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return JSON.parse(res.body) as Record<string, unknown>;
}

async function orgWithReader(call: Call, admin: string, slug: string): Promise<string> {
  await ok(call, 'POST', '/api/organisations', admin, { slug, name: slug });
  const key = await ok(call, 'POST', `/api/organisations/${slug}/api-keys`, admin, {
    name: `${slug}-gis`,
    scopes: ['devices:read', 'measurements:read'],
  });
  return String(key.secret);
}

/** A device of the organisation `token` administers (the admin token: the default organisation). */
async function device(call: Call, token: string, body: Record<string, unknown>): Promise<string> {
  return String((await ok(call, 'POST', '/api/devices', token, { type: 'esp32', ...body })).id);
}

/** Seeds through the HTTP API (registry) and the stores (series), as `admin` (the platform admin token). */
export async function seedWorld(call: Call, database: Database, admin: string): Promise<OgcWorld> {
  await ok(call, 'POST', '/api/sites', admin, { slug: 'campus', name: 'Campus', ...CAMPUS });
  await ok(call, 'POST', '/api/buildings', admin, { site: 'campus', slug: 'u4', name: 'U4' });
  await ok(call, 'POST', '/api/rooms', admin, { site: 'campus', building: 'u4', slug: '301', name: 'Room 301' });
  const inRoom = { site: 'campus', building: 'u4', room: '301' };
  const toulouse = await device(call, admin, { code: 'd-toulouse', location: inRoom, ...TOULOUSE });
  await device(call, admin, { code: 'd-room', location: inRoom });
  const paris = await device(call, admin, { code: 'd-paris', ...PARIS });
  await device(call, admin, { code: 'd-nowhere' });
  const key = await ok(call, 'POST', '/api/organisations/default/api-keys', admin, {
    name: 'gis',
    scopes: ['devices:read', 'measurements:read'],
  });
  const otherKey = await orgWithReader(call, admin, 'other-org');

  const db = database.db;
  const [org] = await db.selectFrom('devices').select('org_id').where('id', '=', toulouse).execute();
  const orgId = String(org?.org_id);
  const [other] = await db.selectFrom('organisations').select('id').where('slug', '=', 'other-org').execute();
  // The other organisation's device, straight in the table (its key may only read).
  const otherTemp = await createDatastream(db, String(other?.id), { observedProperty: 'temperature', unit: 'Cel' });
  await db
    .updateTable('devices')
    .set({ code: 'd-other', latitude: 43.6, longitude: 1.44 })
    .where('id', '=', otherTemp.deviceId)
    .execute();
  const sensor = await createSensor(db, orgId, toulouse, { code: 'bme280' });
  const toulouseTemp = await createDatastream(db, orgId, {
    deviceId: toulouse,
    sensorId: sensor,
    observedProperty: 'temperature',
  });
  const toulouseHum = await createDatastream(db, orgId, {
    deviceId: toulouse,
    sensorId: sensor,
    observedProperty: 'humidity',
    unit: '%',
  });
  const parisTemp = await createDatastream(db, orgId, { deviceId: paris, observedProperty: 'temperature' });
  await db
    .updateTable('devices')
    .set({ state: 'online', last_seen_at: T0 + 10 * MIN })
    .where('id', '=', paris)
    .execute();
  await db
    .updateTable('devices')
    .set({ state: 'offline', last_seen_at: T0 - 60 * MIN })
    .where('id', '=', toulouse)
    .execute();

  // Five values a minute apart per series; the latest temperature of Toulouse is 20.4, of Paris 15.4.
  const series = (id: number, base: number) =>
    Array.from({ length: 5 }, (_, i) => ({ datastreamId: id, time: T0 + i * MIN, value: base + i / 10 }));
  await createMeasurementStore(database).insert([
    ...series(toulouseTemp.id, 20),
    ...series(toulouseHum.id, 55),
    ...series(parisTemp.id, 15),
    ...series(otherTemp.id, -5),
  ]);
  return {
    key: String(key.secret),
    otherKey,
    datastreams: { toulouseTemp: toulouseTemp.id, toulouseHum: toulouseHum.id, parisTemp: parisTemp.id, otherTemp: otherTemp.id },
  };
}
