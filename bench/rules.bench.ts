/**
 * Rules on the stream: 1,000 rules over 10,000 datastreams (10 properties, 1,000 devices,
 * 10 sites), measurements stored through the measurement store and announced to the rule
 * engine as the service does. Prints the engine's cost per measurement and the ingest rate
 * with and without the rules (the same batches, alternating, best of three) on SQLite.
 * Rules: per property 90 scoped to a site and a tag, 10 unscoped; values 20–30, and one
 * datastream in 500 runs hot now and then, so alerts are opened and resolved too.
 *   npm run bench rules        POLDER_BENCH_ROWS=100000 for a quick look
 */
import { AlertService } from '../src/alerts/alerts.service.js';
import { KyselyAlertStore } from '../src/alerts/alerts.store.js';
import type { Database } from '../src/db/database.js';
import { MeasurementEvents } from '../src/measurements/measurement-events.js';
import { createMeasurementStore } from '../src/measurements/measurement-store.js';
import type { Measurement } from '../src/measurements/measurements.js';
import { RuleActions } from '../src/rules/rule-actions.js';
import { RuleEngine } from '../src/rules/rule-engine.js';
import type { Rule } from '../src/rules/rules.js';
import { KyselyRuleStateStore, KyselyRuleStore, KyselyStreamContexts } from '../src/rules/rules.store.js';
import { uuidv7 } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { figure, heading, note, sqliteBenchDatabase, timed } from './support/bench-kit.js';

const ROWS = Number(process.env.POLDER_BENCH_ROWS ?? 500_000);
const BATCH = 5_000;
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

async function main() {
  heading(
    `rules: ${PROPERTIES.length * RULES_PER_PROPERTY} rules over ${DEVICES * PROPERTIES.length} datastreams, ${ROWS.toLocaleString('en-US')} measurements (SQLite)`,
  );
  const best = {
    plain: Number.POSITIVE_INFINITY,
    rules: Number.POSITIVE_INFINITY,
    engine: Number.POSITIVE_INFINITY,
    flush: Number.POSITIVE_INFINITY,
    warm: Number.POSITIVE_INFINITY,
    /** CPU time (process.cpuUsage, user + system) of the same passes: less sensitive to a shared machine. */
    plainCpu: Number.POSITIVE_INFINITY,
    rulesCpu: Number.POSITIVE_INFINITY,
    warmCpu: Number.POSITIVE_INFINITY,
  };
  const cpuMs = (from: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(from);
    return (d.user + d.system) / 1000;
  };
  let counts = { measurements: 0, evaluations: 0, transitions: 0, stateWrites: 0 };
  for (let round = 0; round < 3; round++) {
    for (const withRules of [false, true]) {
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
        );
        if (withRules) {
          await engine.load();
          events.subscribe(engine.onStored);
        }
        let engineMs = 0;
        let flushMs = 0;
        const cpu0 = process.cpuUsage();
        const ms = await timed(async () => {
          for (const rows of work) {
            events.emit(await store.insert(rows));
            engineMs += await timed(() => engine.idle());
          }
          flushMs = await timed(() => engine.flush());
        });
        const cpu = cpuMs(cpu0);
        if (withRules) {
          best.rulesCpu = Math.min(best.rulesCpu, cpu);
          best.rules = Math.min(best.rules, ms);
          best.engine = Math.min(best.engine, engineMs);
          best.flush = Math.min(best.flush, flushMs);
          counts = { ...engine.counts };
          // The same values again, later in time, through the engine alone: contexts cached, no storage.
          const offset = (Math.ceil(ROWS / ids.length) + 1) * 10_000;
          const later = work.map((rows) => rows.map((m) => ({ ...m, time: m.time + offset })));
          const warmCpu0 = process.cpuUsage();
          const warm = await timed(async () => {
            for (const rows of later) {
              engine.onStored(rows);
              await engine.idle();
            }
          });
          best.warm = Math.min(best.warm, warm);
          best.warmCpu = Math.min(best.warmCpu, cpuMs(warmCpu0));
        } else {
          best.plain = Math.min(best.plain, ms);
          best.plainCpu = Math.min(best.plainCpu, cpu);
        }
      } finally {
        await b.drop();
      }
    }
  }
  const rate = (ms: number) => (ROWS / ms) * 1000;
  figure('ingest without rules (store insert, 5k-row batches)', rate(best.plain), 'rows/s');
  figure('ingest with 1,000 rules evaluated on each stored batch', rate(best.rules), 'rows/s');
  figure('ingest slowdown from the rules', (1 - best.plain / best.rules) * 100, '%');
  figure('rule engine time per measurement (evaluation, first context load, alerts)', (best.engine * 1000) / ROWS, 'µs');
  figure('rule engine alone per measurement, contexts cached (steady state)', (best.warm * 1000) / ROWS, 'µs');
  figure('rule engine alone, steady state', rate(best.warm), 'measurements/s');
  figure('CPU per row, store alone (process.cpuUsage)', (best.plainCpu * 1000) / ROWS, 'µs');
  figure('CPU per row, store + engine + flush', (best.rulesCpu * 1000) / ROWS, 'µs');
  figure('CPU ratio store + engine / store alone', best.rulesCpu / best.plainCpu, '×');
  figure('CPU per measurement, engine alone, contexts cached', (best.warmCpu * 1000) / ROWS, 'µs');
  figure(
    `state flush at the end (${counts.stateWrites.toLocaleString('en-US')} of the ${((counts.evaluations / Math.max(1, counts.measurements)) * 10_000).toLocaleString('en-US')} states changed)`,
    best.flush,
    'ms',
  );
  figure('rule evaluations per measurement (rules that apply)', counts.evaluations / Math.max(1, counts.measurements), '');
  figure('transitions (fired, cleared)', counts.transitions, '');
  note('the engine runs in the storing process after each commit; in `polder serve` it overlaps the next batch.');
}

await main();
