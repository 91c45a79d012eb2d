import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { fromJsonColumn } from '../shared/json.js';

export const STATS_BY = ['kind', 'rule', 'severity', 'site', 'deviceType'] as const;
export type StatsBy = (typeof STATS_BY)[number];

export interface AlertStats {
  buckets: { time: number; counts: Record<string, number> }[];
  totals: Record<string, number>;
  /** More alerts than MAX_ALERTS opened in the range: the counts cover the first ones. */
  truncated: boolean;
}

const MAX_ALERTS = 200_000;

/**
 * Alerts opened per time bucket and per key (kind, rule, severity, site, device type): the
 * trend and distribution charts. Counted in the process after one range scan on
 * (org_id, opened_at), the same on both dialects.
 */
export class KyselyAlertStats {
  constructor(private readonly db: Kysely<Schema>) {}

  async count(orgId: string, by: StatsBy, from: number, to: number, intervalMs: number): Promise<AlertStats> {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['opened_at', 'kind', 'severity', 'rule_id', 'subject_type', 'subject_id', 'details'])
      .where('org_id', '=', orgId)
      .where('opened_at', '>=', from)
      .where('opened_at', '<', to)
      .orderBy('opened_at')
      .limit(MAX_ALERTS + 1)
      .execute();
    const truncated = rows.length > MAX_ALERTS;
    const items = rows.slice(0, MAX_ALERTS).map((r) => {
      const details = fromJsonColumn<{ device?: { id?: string }; rule?: { name?: string } }>(r.details, {});
      const deviceId = r.subject_type === 'device' ? r.subject_id : details.device?.id;
      return { ...r, deviceId, ruleName: details.rule?.name };
    });
    const places =
      by === 'site' || by === 'deviceType'
        ? await this.places(
            orgId,
            items.map((i) => i.deviceId),
          )
        : new Map();
    const keyOf = (i: (typeof items)[number]): string => {
      if (by === 'kind') return i.kind;
      if (by === 'severity') return i.severity;
      if (by === 'rule') return i.rule_id === '' ? '(none)' : i.rule_id;
      const p = i.deviceId ? places.get(i.deviceId) : undefined;
      return (by === 'site' ? p?.site : p?.type) ?? '(none)';
    };
    const buckets = new Map<number, Record<string, number>>();
    const totals: Record<string, number> = {};
    for (const i of items) {
      const t = i.opened_at - (i.opened_at % intervalMs);
      const counts = buckets.get(t) ?? {};
      buckets.set(t, counts);
      const k = keyOf(i);
      counts[k] = (counts[k] ?? 0) + 1;
      totals[k] = (totals[k] ?? 0) + 1;
    }
    return { buckets: [...buckets].map(([time, counts]) => ({ time, counts })), totals, truncated };
  }

  private async places(orgId: string, ids: (string | undefined)[]) {
    const wanted = [...new Set(ids.filter((i): i is string => !!i))];
    const out = new Map<string, { site: string | null; type: string | null }>();
    for (let i = 0; i < wanted.length; i += 500) {
      const rows = await this.db
        .selectFrom('devices as d')
        .leftJoin('sites as s', 's.id', 'd.site_id')
        .leftJoin('device_types as t', 't.id', 'd.type_id')
        .select(['d.id', 's.slug as site', 't.name as type'])
        .where('d.org_id', '=', orgId)
        .where('d.id', 'in', wanted.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.id, { site: r.site, type: r.type });
    }
    return out;
  }
}
