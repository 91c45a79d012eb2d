import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

const before = (topic: string, exclude: string) => ({ kind: 'mqtt', topic, exclude: [exclude] });
const OLD = JSON.stringify([before('+/+/+', '+/+/device'), before('abroad/+/+/+/+', 'abroad/+/+/+/device')]);
const NEW = JSON.stringify([
  { ...before('+/+/+', '+/+/device'), devicesOnly: true },
  { ...before('abroad/+/+/+/+', 'abroad/+/+/+/device'), devicesOnly: true },
]);

/**
 * The default `neocampus` pipeline takes only its organisation's boards (`devicesOnly`). Pipelines
 * created by the default, sources unchanged, get the flag; ones a user edited are left as they are.
 */
export const defaultDevicesOnly = (_dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    await sql`UPDATE pipelines SET sources = ${NEW} WHERE name = 'neocampus' AND sources = ${OLD}`.execute(db);
  },
});
