/**
 * Rules on the stream (issue 12: 1,000 rules over 10,000 datastreams must not lower the ingest
 * rate by more than 10 %): 10 properties, 1,000 devices, 10 sites; measurements stored through
 * the measurement store in 5,000-row batches and announced (MeasurementEvents) as
 * MeasurementService.insert does, as fast as the store takes them. The engine runs as in
 * `polder serve`: subscribed to the events, its own queue (the store never waits for it), tick
 * and flush every second. Ingest rate = rows / (first insert → last row stored, the engine caught
 * up, every changed state written). Variants, alternating in each of three rounds, best of three:
 *   store alone · rules in the engine's worker thread (default) · rules in the storing thread
 * Rules: per property 90 scoped to a site and a tag, 10 unscoped; values 20–30, and one
 * datastream in 500 runs hot now and then, so alerts are opened and resolved too.
 *   npm run bench rules        POLDER_BENCH_ROWS=100000 for a quick look
 */
import { readFileSync } from 'node:fs';
import { AlertService } from '../src/alerts/alerts.service.js';
import { KyselyAlertStore } from '../src/alerts/alerts.store.js';
import type { Database } from '../src/db/database.js';
import { MeasurementEvents } from '../src/measurements/measurement-events.js';
import { createMeasurementStore } from '../src/measurements/measurement-store.js';
import type { Measurement } from '../src/measurements/measurements.js';
import { reopened } from '../src/rules/register.js';
import { RuleActions } from '../src/rules/rule-actions.js';
import { RuleEngine } from '../src/rules/rule-engine.js';
import type { Rule } from '../src/rules/rules.js';
import { KyselyRuleStateStore, KyselyRuleStore, KyselyStreamContexts } from '../src/rules/rules.store.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { figure, heading, note, sqliteBenchDatabase, timed } from './support/bench-kit.js';

type Variant = 'plain' | 'worker' | 'inThread';

const ROWS = Number(process.env.POLDER_BENCH_ROWS ?? 500_000);
const BATCH = 5_000;
const ROUNDS = Number(process.env.POLDER_BENCH_ROUNDS ?? 3);
const DEVICES = 1_000;
const PROPERTIES = Array.from({ length: 10 }, (_, i) => `property-${i}`);
const SITES = 10;
const RULES_PER_PROPERTY = 100;
const T0 = Date.UTC(2026, 0, 1);
const logger = createLogger({ level: 'silent', format: 'json' });

async function seed(database: Database) {
  const db = database.db;
  const orgId = uuidv7();
  await db
    .insertInto('organisations')
    .values({ id: orgId, slug: 'bench', name: 'bench', archive_days: 30, settings: '{}', created_at: T0 })
    .execute();
  const sites = Array.from({ length: SITES }, (_, i) => ({
    id: uuidv7(),
    org_id: orgId,
    slug: `site-${i}`,
    name: `site ${i}`,
    description: null,
    latitude: null,
    longitude: null,
    time_zone: null,
    is_default: i === 0 ? 1 : 0,
    created_at: T0,
    updated_at: T0,
  }));
  await db.insertInto('sites').values(sites).execute();
  const devices = Array.from({ length: DEVICES }, (_, i) => ({
    id: uuidv7(),
    org_id: orgId,
    code: `dev-${i}`,
    identity_kind: null,
    identity_value: null,
    type_id: null,
    description: null,
    site_id: (sites[i % SITES] as { id: string }).id,
    building_id: null,
    room_id: null,
    outdoor_zone: null,
    base_topic: null,
    base_topic_override: 0,
    latitude: null,
    longitude: null,
    altitude: null,
    location_description: null,
    properties: JSON.stringify({ tags: [`group-${i % 20}`] }),
    config: '{}',
    enabled: 1,
    offline_after: 1800,
    mqtt_login: null,
    mqtt_password_hash: null,
    mqtt_password_delivered: 0,
    state: 'unknown',
    last_seen_at: null,
    last_status: null,
    created_at: T0,
    updated_at: T0,
  }));
  for (let i = 0; i < devices.length; i += 200)
    await db
      .insertInto('devices')
      .values(devices.slice(i, i + 200))
      .execute();
  const sensors = devices.map((d) => ({
    id: uuidv7(),
    org_id: orgId,
    device_id: d.id,
    code: 's',
    external_id: 's',
    brand: null,
    model: null,
    description: null,
    properties: '{}',
    archive_days: null,
    created_at: T0,
    updated_at: T0,
  }));
  for (let i = 0; i < sensors.length; i += 200)
    await db
      .insertInto('sensors')
      .values(sensors.slice(i, i + 200))
      .execute();
  const streams = sensors.flatMap((s) =>
    PROPERTIES.map((p) => ({
      org_id: orgId,
      device_id: s.device_id,
      sensor_id: s.id,
      observed_property: p,
      unit: '1',
      created_at: T0,
    })),
  );
  const ids: number[] = [];
  for (let i = 0; i < streams.length; i += 500)
    ids.push(
      ...(
        await db
          .insertInto('datastreams')
          .values(streams.slice(i, i + 500))
          .returning('id')
          .execute()
      ).map((r) => Number(r.id)),
    );
  const store = new KyselyRuleStore(db);
  for (const property of PROPERTIES) {
    for (let r = 0; r < RULES_PER_PROPERTY; r++) {
      const scoped = r < 90;
      const rule: Rule = {
        id: uuidv7(),
        orgId,
        name: `${property} rule ${r}`,
        scope: scoped ? { site: `site-${r % SITES}`, tags: [`group-${r % 20}`] } : {},
        property,
        condition:
          r % 3 === 0
            ? { kind: 'threshold', op: '>', value: 90, forSeconds: 60 }
            : r % 3 === 1
              ? { kind: 'window', aggregate: 'avg', windowSeconds: 300, op: '>', value: 50 }
              : { kind: 'threshold', op: 'outside', min: 10, max: 40, count: 3, window: 5 },
        clear: null,
        severity: 'warning',
        repeatSeconds: null,
        actions: [{ kind: 'alert' }],
        enabled: true,
        createdAt: T0,
        updatedAt: T0,
      };
      await store.insert(rule);
    }
  }
  return { orgId, ids };
}

/** Values every 10 s per datastream, round robin over all of them. */
function batches(ids: number[]): Measurement[][] {
  const out: Measurement[][] = [];
  let batch: Measurement[] = [];
  for (let i = 0; i < ROWS; i++) {
    const ds = ids[i % ids.length] as number;
    const tick = Math.floor(i / ids.length);
    // Normal values 20–30; one datastream in 500 runs hot (95) for 20 ticks in every 40.
    const hot = ds % 500 === 0 && tick % 40 >= 20;
    batch.push({ datastreamId: ds, time: T0 + tick * 10_000, value: hot ? 95 : 20 + ((i * 7919) % 100) / 10 });
    if (batch.length === BATCH) {
      out.push(batch);
      batch = [];
    }
  }
  if (batch.length) out.push(batch);
  return out;
}

/** CPU time of this process's main thread (the storing one) alone, from /proc (Linux, 10 ms ticks). */
function storingThreadCpuMs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function run(variant: Variant) {
  const b = await sqliteBenchDatabase();
  try {
    const { ids } = await seed(b.database);
    const work = batches(ids);
    const store = createMeasurementStore(b.database);
    const events = new MeasurementEvents();
    const alerts = new AlertService(new KyselyAlertStore(b.database.db), () => Date.now(), uuidv7, logger);
    const engine = new RuleEngine(
      new KyselyRuleStore(b.database.db),
      new KyselyRuleStateStore(b.database.db),
      new KyselyStreamContexts(b.database.db),
      new RuleActions({ alerts, deliverWebhook: async () => {}, sendOrder: async () => {}, mailer: undefined, logger }),
      () => Date.now(),
      logger,
      // As register.ts does: the worker writes the states with its own connection.
      { contextTtlMs: 60_000, thread: variant !== 'inThread', stateDatabase: reopened(b.database) },
    );
    if (variant !== 'plain') {
      await engine.load();
      events.subscribe(engine.onStored);
    }
    // As register.ts does in `polder serve`.
    const timer = setInterval(() => void engine.tick().then(() => engine.flush()), 1000);
    let storedMs = 0;
    let tailMs = 0;
    const cpu0 = process.cpuUsage();
    const main0 = storingThreadCpuMs();
    const ms = await timed(async () => {
      storedMs = await timed(async () => {
        for (const rows of work) events.emit(await store.insert(rows));
      });
      // The engine catching up, then every changed state written (a graceful stop's flush).
      tailMs = await timed(() => engine.flush(true));
    });
    clearInterval(timer);
    const d = process.cpuUsage(cpu0);
    const out = {
      ms,
      storedMs,
      tailMs,
      cpuMs: (d.user + d.system) / 1000,
      mainCpuMs: storingThreadCpuMs() - main0,
      warmMs: Number.NaN,
      counts: { ...engine.counts },
    };
    if (variant !== 'plain') {
      // The same values again, later in time, through the engine alone: contexts cached, no storage.
      const offset = (Math.ceil(ROWS / ids.length) + 1) * 10_000;
      const later = work.map((rows) => rows.map((m) => ({ ...m, time: m.time + offset })));
      out.warmMs = await timed(async () => {
        for (const rows of later) engine.onStored(rows);
        await engine.idle();
      });
    }
    await engine.close();
    return out;
  } finally {
    await b.drop();
  }
}

async function main() {
  heading(
    `rules: ${PROPERTIES.length * RULES_PER_PROPERTY} rules over ${DEVICES * PROPERTIES.length} datastreams, ${ROWS.toLocaleString('en-US')} measurements (SQLite)`,
  );
  const variants = (process.env.POLDER_BENCH_VARIANTS ?? 'plain,worker,inThread').split(',') as Variant[];
  const best = Object.fromEntries(
    ['plain', 'worker', 'inThread'].map((v) => [
      v,
      { ms: Infinity, storedMs: Infinity, tailMs: Infinity, cpuMs: Infinity, mainCpuMs: Infinity, warmMs: Infinity },
    ]),
  ) as Record<Variant, { ms: number; storedMs: number; tailMs: number; cpuMs: number; mainCpuMs: number; warmMs: number }>;
  let counts = { measurements: 0, evaluations: 0, transitions: 0, stateWrites: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      const r = await run(v);
      const b = best[v];
      b.ms = Math.min(b.ms, r.ms);
      b.storedMs = Math.min(b.storedMs, r.storedMs);
      b.tailMs = Math.min(b.tailMs, r.tailMs);
      b.cpuMs = Math.min(b.cpuMs, r.cpuMs);
      b.mainCpuMs = Math.min(b.mainCpuMs, r.mainCpuMs);
      b.warmMs = Math.min(b.warmMs, r.warmMs);
      if (v === 'worker') counts = r.counts;
      process.stderr.write(
        `round ${round + 1} ${v}: ${Math.round(r.ms)} ms (stored ${Math.round(r.storedMs)}, tail ${Math.round(r.tailMs)})\n`,
      );
    }
  }
  const rate = (ms: number) => (ROWS / ms) * 1000;
  const { plain, worker, inThread } = best;
  figure('ingest, store alone (5k-row batches, store + events)', rate(plain.ms), 'rows/s');
  figure('ingest with 1,000 rules, engine in its worker thread', rate(worker.ms), 'rows/s');
  figure('  slowdown from the rules (worker thread)', (1 - plain.ms / worker.ms) * 100, '%');
  figure('  of which: engine catching up + final state write after the last insert', worker.tailMs, 'ms');
  figure(
    '  rate while storing (to the last row stored, engine not yet caught up)',
    rate(worker.storedMs),
    'rows/s',
    `${((1 - plain.storedMs / worker.storedMs) * 100).toFixed(1)} % below store alone`,
  );
  figure('ingest with 1,000 rules, engine in the storing thread', rate(inThread.ms), 'rows/s');
  figure('  slowdown from the rules (storing thread)', (1 - plain.ms / inThread.ms) * 100, '%');
  figure('  of which: engine catching up + final state write after the last insert', inThread.tailMs, 'ms');
  figure(
    '  rate while storing (to the last row stored, engine not yet caught up)',
    rate(inThread.storedMs),
    'rows/s',
    `${((1 - plain.storedMs / inThread.storedMs) * 100).toFixed(1)} % below store alone`,
  );
  figure('CPU per row (process, all threads): store alone', (plain.cpuMs * 1000) / ROWS, 'µs');
  figure('CPU per row (process, all threads): store + rules, worker thread', (worker.cpuMs * 1000) / ROWS, 'µs');
  figure('CPU per row (process, all threads): store + rules, storing thread', (inThread.cpuMs * 1000) / ROWS, 'µs');
  figure('CPU per row of the storing thread: store alone', (plain.mainCpuMs * 1000) / ROWS, 'µs');
  figure('CPU per row of the storing thread: store + rules, worker thread', (worker.mainCpuMs * 1000) / ROWS, 'µs');
  figure('  storing thread CPU added by the rules (worker thread)', (worker.mainCpuMs / plain.mainCpuMs - 1) * 100, '%');
  figure('CPU per row of the storing thread: store + rules, storing thread', (inThread.mainCpuMs * 1000) / ROWS, 'µs');
  figure('  storing thread CPU added by the rules (storing thread)', (inThread.mainCpuMs / plain.mainCpuMs - 1) * 100, '%');
  figure('engine alone, contexts cached, worker thread', rate(worker.warmMs), 'measurements/s');
  figure('engine alone, contexts cached, storing thread', rate(inThread.warmMs), 'measurements/s');
  figure('rule evaluations per measurement (rules that apply)', counts.evaluations / Math.max(1, counts.measurements), '');
  figure('states written (whole run, worker variant)', counts.stateWrites, '');
  figure('transitions (fired, cleared)', counts.transitions, '');
  note('best of three per variant; CPU figures are process-wide (the worker thread included).');
}

await main();
