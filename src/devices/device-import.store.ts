import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { uniqueViolationColumns } from '../db/unique-violation.js';
import { conflict } from '../shared/errors.js';
import type { DeviceRow, Sensor } from './devices.js';
import { upsertDeviceRows } from './devices.store.js';
import { upsertSensorRows } from './sensors.store.js';

/** A batch of devices with their sensors (keyed by device code; deviceId is filled in here). */
export interface ImportBatch {
  devices: DeviceRow[];
  sensors: Map<string, Omit<Sensor, 'deviceId'>[]>;
}

/** Writes import batches: each batch's devices and sensors in one transaction. */
export interface DeviceImportStore {
  writeBatch(batch: ImportBatch): Promise<void>;
}

export class KyselyDeviceImportStore implements DeviceImportStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async writeBatch(batch: ImportBatch) {
    try {
      await this.db.transaction().execute(async (trx) => {
        const ids = await upsertDeviceRows(trx, batch.devices);
        const sensors: Sensor[] = [];
        for (const [code, list] of batch.sensors) {
          const deviceId = ids.get(code);
          if (deviceId === undefined) throw new Error(`device ${code} was not written`);
          for (const s of list) sensors.push({ ...s, deviceId });
        }
        if (sensors.length > 0) await upsertSensorRows(trx, sensors);
      });
    } catch (err) {
      const cols = uniqueViolationColumns(err);
      // Another writer took a code, identity or login between the checks and this batch.
      if (cols)
        throw conflict(
          cols.join(','),
          null,
          `a concurrent change took a unique value (${cols.join(', ')}); run the import again`,
        );
      throw err;
    }
  }
}
