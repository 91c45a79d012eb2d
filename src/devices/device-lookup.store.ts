/** Batch device lookups for the matcher over Kysely: one SELECT per kind (and 500 keys). */
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { groupBy } from '../shared/group.js';
import type { DeviceLookup, DeviceMatch } from './device-matcher.js';
import type { Identity, IdentityKind } from './identity.js';

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export class KyselyDeviceLookup implements DeviceLookup {
  constructor(private readonly db: Kysely<Schema>) {}

  private select(orgId: string) {
    return this.db
      .selectFrom('devices')
      .select(['id', 'code', 'identity_kind', 'identity_value', 'enabled'])
      .where('org_id', '=', orgId);
  }

  private static toMatch(r: {
    id: string;
    code: string;
    identity_kind: string | null;
    identity_value: string | null;
    enabled: number | boolean;
  }): DeviceMatch {
    return {
      id: r.id,
      code: r.code,
      identity:
        r.identity_kind !== null && r.identity_value !== null
          ? { kind: r.identity_kind as IdentityKind, value: r.identity_value }
          : null,
      enabled: Number(r.enabled) === 1 || r.enabled === true,
    };
  }

  async byIds(orgId: string, ids: string[]) {
    const out: DeviceMatch[] = [];
    for (const part of chunks(ids)) {
      const rows = await this.select(orgId).where('id', 'in', part).execute();
      out.push(...rows.map(KyselyDeviceLookup.toMatch));
    }
    return out;
  }

  async byIdentities(orgId: string, identities: Identity[]) {
    const out: DeviceMatch[] = [];
    for (const [kind, same] of groupBy(identities, (i) => i.kind)) {
      for (const part of chunks(same.map((i) => i.value))) {
        const rows = await this.select(orgId).where('identity_kind', '=', kind).where('identity_value', 'in', part).execute();
        out.push(...rows.map(KyselyDeviceLookup.toMatch));
      }
    }
    return out;
  }

  async byCodes(orgId: string, codes: string[]) {
    const out: DeviceMatch[] = [];
    for (const part of chunks(codes)) {
      const rows = await this.select(orgId).where('code', 'in', part).execute();
      out.push(...rows.map(KyselyDeviceLookup.toMatch));
    }
    return out;
  }
}
