import type { Kysely } from 'kysely';
import type { Schema } from '../../src/db/schema.js';
import type { TraceRecord } from '../../src/pipelines/pipelines.js';
import { uuidv7 } from '../../src/shared/ids.js';

/**
 * Registry rows written straight with Kysely, for suites that need devices, sensors and
 * datastreams before the registry's own API exists. Everything that knows which device and
 * sensor columns are required lives here, so a registry change is fixed in one place.
 */
const NOW = 1_700_000_000_000;

export async function createOrganisation(db: Kysely<Schema>, slug: string, archiveDays = 30): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('organisations')
    .values({ id, slug, name: slug, archive_days: archiveDays, settings: '{}', created_at: NOW })
    .execute();
  return id;
}

export async function createDevice(db: Kysely<Schema>, orgId: string, code = `dev-${uuidv7().slice(-8)}`): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('devices')
    .values({
      id,
      org_id: orgId,
      code,
      identity_kind: null,
      identity_value: null,
      type_id: null,
      description: null,
      site_id: null,
      building_id: null,
      room_id: null,
      outdoor_zone: null,
      base_topic: null,
      base_topic_override: 0,
      latitude: null,
      longitude: null,
      altitude: null,
      location_description: null,
      properties: '{}',
      config: '{}',
      enabled: 1,
      offline_after: 1800,
      mqtt_login: null,
      mqtt_password_hash: null,
      mqtt_password_delivered: 0,
      state: 'unknown',
      last_seen_at: null,
      last_status: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  return id;
}

export async function createSensor(
  db: Kysely<Schema>,
  orgId: string,
  deviceId: string,
  opts: { code?: string; archiveDays?: number | null } = {},
): Promise<string> {
  const id = uuidv7();
  const code = opts.code ?? `s-${id.slice(-8)}`;
  await db
    .insertInto('sensors')
    .values({
      id,
      org_id: orgId,
      device_id: deviceId,
      code,
      external_id: code,
      brand: null,
      model: null,
      description: null,
      properties: '{}',
      archive_days: opts.archiveDays ?? null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  return id;
}

export interface DatastreamFixture {
  id: number;
  deviceId: string;
  sensorId: string;
}

/** A datastream, with a new device and sensor unless given. */
export async function createDatastream(
  db: Kysely<Schema>,
  orgId: string,
  opts: {
    deviceId?: string;
    sensorId?: string;
    observedProperty?: string;
    unit?: string;
    archiveDays?: number | null;
  } = {},
): Promise<DatastreamFixture> {
  const deviceId = opts.deviceId ?? (await createDevice(db, orgId));
  const sensorId = opts.sensorId ?? (await createSensor(db, orgId, deviceId, { archiveDays: opts.archiveDays ?? null }));
  const row = await db
    .insertInto('datastreams')
    .values({
      org_id: orgId,
      device_id: deviceId,
      sensor_id: sensorId,
      observed_property: opts.observedProperty ?? `temperature-${uuidv7().slice(-6)}`,
      unit: opts.unit ?? 'Cel',
      created_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), deviceId, sensorId };
}

/** The trace of an HTTP uplink that was stored: received at `receivedAt`, finished 1 ms later; `over` sets the rest. */
export const storedTrace = (orgId: string, receivedAt: number, over: Partial<TraceRecord> = {}): TraceRecord => ({
  id: uuidv7(),
  orgId,
  pipelineId: uuidv7(),
  deviceId: null,
  status: 'stored',
  receivedAt,
  finishedAt: receivedAt + 1,
  attempts: 1,
  transport: { kind: 'http' },
  steps: [],
  error: null,
  measurements: 1,
  message: null,
  ...over,
});
