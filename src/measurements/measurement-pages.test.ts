import { describe, expect, it } from 'vitest';
import { aggregatedPage, rawPage } from './measurement-pages.js';
import { type Agg, aggValue } from './measurement-query.js';
import type { DatastreamRef, Measurement, MeasurementStore, Order, Range, Rollup, RollupSize, Row } from './measurements.js';
import type { ResolvedQuery } from './measurements.service.js';
import { rollupsOf } from './rollups.js';

/**
 * The paging algorithms over an in-memory store, with tiny read chunks so every continuation
 * path runs (the integration tests in test/http cover the real stores).
 */
const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 1);

function memoryStore(rows: Measurement[], rollupCutoff: Partial<Record<RollupSize, number>>): MeasurementStore {
  const sorted = [...rows].sort((a, b) => a.datastreamId - b.datastreamId || a.time - b.time);
  const of = (id: number) => sorted.filter((m) => m.datastreamId === id);
  const byId = new Map([1, 2, 3, 4].map((id) => [id, of(id)]));
  // Rollups past their retention are gone, as after a retention run.
  const rollups = rollupsOf(sorted).filter((r) => r.bucket >= (rollupCutoff[r.size] ?? 0));
  const byOrder = <T>(items: T[], order: Order) => (order === 'asc' ? items : [...items].reverse());
  const store: Partial<MeasurementStore> = {
    async readRaw(ranges: readonly Range[], order: Order, limit: number, limitEach = limit) {
      return ranges
        .flatMap((r) =>
          byOrder(
            (byId.get(r.datastreamId) ?? []).filter((m) => m.time >= r.from && m.time < r.to),
            order,
          ).slice(0, limitEach),
        )
        .slice(0, limit);
    },
    async readColumns(range: Range, order: Order, limit: number) {
      const rows = (await store.readRaw?.([range], order, limit)) ?? [];
      return { times: rows.map((r) => r.time), values: rows.map((r) => r.value) };
    },
    async readRollups(range: Range, size: RollupSize, order: Order, limit: number): Promise<Rollup[]> {
      const mine = rollups
        .filter((r) => r.datastreamId === range.datastreamId && r.size === size && r.bucket >= range.from && r.bucket < range.to)
        .sort((a, b) => a.bucket - b.bucket);
      return byOrder(mine, order).slice(0, limit);
    },
    async readRollupValues(range: Range, size: RollupSize, agg: Agg, order: Order, limit: number) {
      const mine = await store.readRollups?.(range, size, order, limit);
      return (mine ?? []).map((r) => ({ datastreamId: r.datastreamId, time: r.bucket, value: aggValue(agg, r) }));
    },
    async countRaw(ranges: readonly Range[]) {
      return sorted.filter((m) => ranges.some((r) => m.datastreamId === r.datastreamId && m.time >= r.from && m.time < r.to))
        .length;
    },
  };
  return store as MeasurementStore;
}

const streams = (ids: number[]): DatastreamRef[] =>
  ids.map((id) => ({ id, orgId: 'o', deviceId: 'd', sensorId: 's', observedProperty: 'p', unit: 'u', valueKind: 'number' }));

async function everyPage(read: (cursor: string | undefined) => Promise<{ items: Row[]; next: string | null }>) {
  const out: Row[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    out.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}

// Ids 1 and 3 dense (one row every 29 s for two days), 2 sparse (one row every 5 hours), 4 empty.
const rows: Measurement[] = [1, 2, 3].flatMap((id) => {
  const step = id === 2 ? 5 * 3_600_000 : 29_000;
  return Array.from({ length: Math.floor((2 * DAY) / step) }, (_, i) => ({
    datastreamId: id,
    time: NOW - 2 * DAY + i * step,
    value: ((i * 37) % 101) - 50,
  }));
});

describe('measurement pages', () => {
  it('reads raw rows in both orders, any page size, with neither gap nor repeat', async () => {
    const store = memoryStore(rows, {});
    for (const order of ['asc', 'desc'] as const) {
      for (const limit of [9, 1000, 50_000]) {
        const q: ResolvedQuery = { streams: streams([1, 2, 3, 4]), start: NOW - DAY, end: NOW - 3600_000, order, agg: 'avg' };
        const got = await everyPage((cursor) => rawPage(store, q, { limit, cursor }));
        const want = [1, 2, 3].flatMap((id) => {
          const mine = rows.filter((r) => r.datastreamId === id && r.time >= q.start && r.time < q.end);
          return order === 'asc' ? mine : mine.reverse();
        });
        expect(got).toEqual(want);
      }
    }
  });

  it('folds buckets across read chunks and across the rollup cut-off, in both orders', async () => {
    const cut1m = NOW - DAY - 12_345; // 1-minute rollups kept one day
    const store = memoryStore(rows, { 60: cut1m - (cut1m % 60_000) });
    for (const order of ['asc', 'desc'] as const) {
      for (const [interval, width] of [
        ['1m', 60_000],
        ['15m', 900_000],
        ['1h', 3_600_000],
      ] as const) {
        const q: ResolvedQuery = { streams: streams([1, 2, 3]), start: NOW - 2 * DAY, end: NOW, order, interval, agg: 'sum' };
        const settings = { now: NOW, rollupRetentionDays: { 60: 1, 3600: 0, 86400: 0 }, chunk: 13 };
        const got = await everyPage((cursor) => aggregatedPage(store, q, { limit: 17, cursor }, settings));
        const want: Measurement[] = [];
        for (const id of [1, 2, 3]) {
          const sums = new Map<number, number>();
          for (const r of rows.filter((x) => x.datastreamId === id)) {
            const b = r.time - (r.time % width);
            sums.set(b, (sums.get(b) ?? 0) + r.value);
          }
          const buckets = [...sums.entries()].sort((x, y) => (order === 'asc' ? x[0] - y[0] : y[0] - x[0]));
          want.push(...buckets.map(([time, value]) => ({ datastreamId: id, time, value })));
        }
        expect(got, `${interval} ${order}`).toEqual(want);
      }
    }
  });
});
