import { PolderClient } from '../../clients/typescript/src/index.js';
import type { DialectName } from '../support/databases.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../support/polder.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface ClientWorld {
  polder: ListeningPolder;
  client: PolderClient;
  deviceCode: string;
  datastream: number;
  /** The day the rows cover: [start, end). */
  start: string;
  end: string;
  /** What was inserted, in the API's row shape and order. */
  rows: { datastream: number; time: string; value: number }[];
}

/**
 * A listening Polder with one device, sensor and datastream made through the API (with the
 * TypeScript client) and yesterday's 1-minute temperatures (1,440 rows) stored through the
 * measurement service, as the pipeline's store step would.
 */
export async function startClientWorld(dialect: DialectName): Promise<ClientWorld> {
  const polder = await startListeningPolder(dialect);
  try {
    const client = new PolderClient({ baseUrl: polder.url, token: ADMIN_TOKEN });
    const deviceCode = 'weather-u4-roof';
    await client.post('/api/devices', { body: { code: deviceCode, type: 'esp32', description: 'Roof weather station' } });
    const sensor = await client.post('/api/devices/{id}/sensors', {
      path: { id: deviceCode },
      body: { code: 'sht31', brand: 'Sensirion', model: 'SHT31' },
    });
    const ds = await client.post('/api/datastreams', {
      body: { sensor: sensor.id, observedProperty: 'temperature', unit: 'Cel' },
    });

    // Yesterday (UTC), so that no retention can touch it while the test runs.
    const day = Math.floor(Date.now() / DAY) * DAY - DAY;
    const stored = Array.from({ length: 1440 }, (_, i) => ({
      datastreamId: ds.id,
      time: day + i * MINUTE,
      // A daily curve with three decimals: values that are not exact in binary, as sensors give.
      value: Math.round((18 + 6 * Math.sin((2 * Math.PI * (i - 540)) / 1440)) * 1000) / 1000,
    }));
    await polder.polder.measurements.insert(stored);
    return {
      polder,
      client,
      deviceCode,
      datastream: ds.id,
      start: new Date(day).toISOString(),
      end: new Date(day + DAY).toISOString(),
      rows: stored.map((m) => ({ datastream: m.datastreamId, time: new Date(m.time).toISOString(), value: m.value })),
    };
  } catch (err) {
    await polder.close();
    throw err;
  }
}
