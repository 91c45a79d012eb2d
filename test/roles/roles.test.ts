/**
 * Roles in one process each (createPolder with a role): what a role's HTTP port answers, its
 * --help, and two processes on one database: one scheduler active, and a pipeline created in
 * one bound in the other within seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCli } from '../../src/cli.js';
import { loadConfig } from '../../src/config.js';
import { createPolder, type Polder } from '../../src/main.js';
import { AmqpInbox, deleteInboxQueues } from '../../src/queue/amqp-inbox.js';
import type { Inbox } from '../../src/queue/inbox.js';
import { ROLE_NAMES, ROLES, type Role } from '../../src/roles/roles.js';
import { createLogger } from '../../src/shared/logger.js';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/mqtt.js';
import { ADMIN_TOKEN } from '../support/polder.js';
import { SERVICES, serviceAvailable } from '../support/services.js';

const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };

async function polderOn(url: string, role: Role, inbox?: Inbox): Promise<Polder> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'polder-role-'));
  const config = loadConfig(
    {
      POLDER_DATABASE_URL: url,
      POLDER_DATA_DIR: dataDir,
      POLDER_ADMIN_TOKEN: ADMIN_TOKEN,
      POLDER_DEMO: '0',
      POLDER_LOG_LEVEL: 'silent',
      POLDER_HTTP_HOST: '127.0.0.1',
      POLDER_HTTP_PORT: '0',
      POLDER_MQTT_PORT: '0',
    },
    undefined,
  );
  const polder = await createPolder(config, { role, inbox, logger: createLogger({ level: 'silent', format: 'json' }) });
  const stop = polder.stop.bind(polder);
  polder.stop = async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return polder;
}

describe('polder <role> --help', () => {
  it.each(ROLE_NAMES)('%s says what it runs and what its HTTP port answers', async (role) => {
    let out = '';
    const cli = buildCli().exitOverride();
    for (const c of [cli, ...cli.commands])
      c.exitOverride().configureOutput({
        writeOut: (s) => {
          out += s;
        },
      });
    await expect(cli.parseAsync(['node', 'polder', role, '--help'])).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
    expect(out).toContain(ROLES[role].summary.slice(0, 40));
    expect(out).toContain(`HTTP (POLDER_HTTP_PORT): ${ROLES[role].http}`);
  });
});

describe.each(await availableDialects())('roles (%s)', (dialect) => {
  let db: TestDatabase | undefined;
  const running: Polder[] = [];
  afterEach(async () => {
    for (const p of running.splice(0).reverse()) await p.stop();
    await db?.drop();
  });
  const start = async (role: Role) => {
    const polder = await polderOn(db?.url ?? '', role);
    running.push(polder);
    const { httpUrl } = await polder.start();
    return { polder, url: httpUrl };
  };

  it('a worker answers its probes and metrics only; an ingest process takes uplinks into the inbox and stores none', async () => {
    db = await openTestDatabase(dialect);
    await db.database.close();
    const worker = await start('worker');
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${worker.url}/metrics`)).text()).toContain('polder_scheduler_job_runs_total');
    const refused = await fetch(`${worker.url}/api/devices`, { headers: json });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    await worker.polder.stop();
    running.splice(running.indexOf(worker.polder), 1);

    const ingest = await start('ingest');
    const orgId = ingest.polder.bootstrap.org.id;
    const pipeline = await ingest.polder.pipelines.service.create(orgId, {
      name: 'json',
      steps: [{ worker: 'json-map', config: { fields: { t: { observedProperty: 'temperature', unit: '°C' } } } }],
      sources: [],
    });
    const posted = await fetch(`${ingest.url}/api/uplinks/${pipeline.id}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ t: 21.5 }),
    });
    expect(posted.status).toBe(202);
    const { traceId } = (await posted.json()) as { traceId: string };
    expect((await fetch(`${ingest.url}/api/pipelines`, { headers: json })).status).toBe(404);
    // No worker runs in this process: the uplink waits in the inbox, without a trace.
    expect(await ingest.polder.pipelines.traces.get(orgId, traceId).catch(() => undefined)).toBeUndefined();
  });

  it('two processes on one database: one runs the scheduler, and a pipeline made in one is bound in the other', async () => {
    db = await openTestDatabase(dialect);
    await db.database.close();
    const a = await start('serve');
    const b = await start('serve');
    expect([a.polder.scheduler.active, b.polder.scheduler.active].filter(Boolean)).toHaveLength(1);

    const orgId = a.polder.bootstrap.org.id;
    const topic = 'roles/+/watch';
    const made = await a.polder.pipelines.service.create(orgId, {
      name: 'watched',
      steps: [{ worker: 'json-map', config: { fields: { t: { observedProperty: 'temperature', unit: '°C' } } } }],
      sources: [{ kind: 'mqtt', topic }],
    });
    // Bound at once where it was made, within seconds in the other process (the change watch).
    expect(a.polder.inbound.filters).toContain(topic);
    await eventually('the other process binding it', () => b.polder.inbound.filters.includes(topic), 30_000);
    await a.polder.pipelines.service.delete(orgId, made.id);
    await eventually('the other process unbinding it', () => !b.polder.inbound.filters.includes(topic), 30_000);
  });
});

describe.runIf(await serviceAvailable('rabbitmq'))('roles without a worker (RabbitMQ inbox)', () => {
  // The worker component closes the inbox after its last batch; in a process without one, stop
  // closes it, so that the publishing connection an uplink opened does not keep the process alive.
  it.each(['ingest', 'api'] as const)('%s closes the inbox it published to when it stops, once', async (role) => {
    const db = await openTestDatabase((await availableDialects()).at(-1) ?? 'sqlite');
    await db.database.close();
    const queue = `polder.inbox.roles-${role}-${Date.now()}`;
    const inbox = new AmqpInbox({
      url: SERVICES.rabbitmq.url,
      logger: createLogger({ level: 'silent', format: 'json' }),
      queue,
      retryQueue: `${queue}.retry`,
      inline: true,
    });
    let closed = 0;
    const close = inbox.close.bind(inbox);
    inbox.close = () => {
      closed++;
      return close();
    };
    const polder = await polderOn(db.url, role, inbox);
    try {
      await polder.start();
      const orgId = polder.bootstrap.org.id;
      const pipeline = await polder.pipelines.service.create(orgId, {
        name: 'json',
        steps: [{ worker: 'json-map', config: { fields: { t: { observedProperty: 'temperature', unit: '°C' } } } }],
        sources: [],
      });
      await polder.ingest.service.accept({
        pipelineId: pipeline.id,
        orgId,
        transport: { kind: 'http' },
        payload: Buffer.from('{"t":21.5}'),
      });
      expect(await inbox.depth()).toBe(1);
    } finally {
      await polder.stop();
      await deleteInboxQueues(SERVICES.rabbitmq.url, { queue, retryQueue: `${queue}.retry` }).catch(() => {});
      await db.drop();
    }
    expect(closed).toBe(1);
  });
});
