import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth.js';
import { errors, IsoTime } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { toIso } from '../shared/clock.js';
import { invalid } from '../shared/errors.js';
import { type KyselyAlertStats, STATS_BY, type StatsBy } from './alert-stats.store.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15m`, `1h`, `1d` … in ms; between a minute and 31 days. */
export function parseInterval(v: string): number {
  const m = /^(\d+)([smhd])$/.exec(v);
  const ms = m ? Number(m[1]) * (UNITS[m[2] as string] ?? 0) : Number.NaN;
  if (!(ms >= 60_000 && ms <= 31 * 86_400_000))
    throw invalid('interval', 'interval must be like 15m, 1h or 1d (1 minute to 31 days)');
  return ms;
}

export function alertStatsRoutes(app: TypedApp, stats: KyselyAlertStats) {
  app.get(
    '/api/alerts/stats',
    {
      config: { scope: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts opened per interval, grouped by kind, rule, severity, site or device type',
        querystring: Type.Object({
          interval: Type.String({ default: '1h', description: 'Bucket width: 15m, 1h, 1d …' }),
          by: Type.Union(
            STATS_BY.map((b) => Type.Literal(b)),
            { default: 'kind' },
          ),
          from: Type.Optional(Type.String({ description: 'Opened at or after (RFC 3339); default 24 hours before `to`' })),
          to: Type.Optional(Type.String({ description: 'Opened before (RFC 3339); default now' })),
        }),
        response: {
          200: Type.Object({
            interval: Type.String(),
            by: Type.String(),
            from: IsoTime,
            to: IsoTime,
            buckets: Type.Array(Type.Object({ time: IsoTime, counts: Type.Record(Type.String(), Type.Integer()) })),
            totals: Type.Record(Type.String(), Type.Integer()),
            truncated: Type.Boolean(),
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const intervalMs = parseInterval(q.interval);
      const to = q.to === undefined ? Date.now() : Date.parse(q.to);
      if (Number.isNaN(to)) throw invalid('to', 'to is not an RFC 3339 time');
      const from = q.from === undefined ? to - 86_400_000 : Date.parse(q.from);
      if (Number.isNaN(from)) throw invalid('from', 'from is not an RFC 3339 time');
      if (from >= to) throw invalid('from', 'from must be before to');
      if ((to - from) / intervalMs > 10_000) throw invalid('interval', 'more than 10,000 buckets: widen the interval');
      const out = await stats.count(principalOf(request).orgId, q.by as StatsBy, from, to, intervalMs);
      return {
        interval: q.interval,
        by: q.by,
        from: toIso(from),
        to: toIso(to),
        buckets: out.buckets.map((b) => ({ time: toIso(b.time), counts: b.counts })),
        totals: out.totals,
        truncated: out.truncated,
      };
    },
  );
}
