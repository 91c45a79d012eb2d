import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/pipelines/pipelines.js';
import { digestSecret } from '../../src/shared/secrets.js';
import { availableDialects } from '../support/databases.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

const TTN_LPP = {
  name: 'ttn-lpp',
  steps: [{ worker: 'ttn-v3' }, { worker: 'cayenne-lpp' }],
  sources: [{ kind: 'mqtt', topic: 'v3/+/devices/+/up' }],
  autoRegister: true,
};

describe.each(dialects)('pipelines API on %s', (dialect) => {
  let t: TestPolder;
  const call = (method: string, url: string, payload?: unknown) =>
    t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
  const fieldOf = async (payload: unknown, method = 'POST', url = '/api/pipelines') => {
    const r = await call(method, url, payload);
    expect(r.statusCode, r.body).toBe(400);
    return r.json().error.details.field as string;
  };

  beforeAll(async () => {
    t = await startTestPolder(dialect);
  });
  afterAll(() => t.close());

  it('gives a new organisation the neocampus pipeline, which may be deleted', async () => {
    const list = (await call('GET', '/api/pipelines')).json();
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      name: 'neocampus',
      status: 'active',
      steps: [{ worker: 'neocampus' }],
      sources: [
        { kind: 'mqtt', topic: '+/+/+', exclude: ['+/+/device'], devicesOnly: true },
        { kind: 'mqtt', topic: 'abroad/+/+/+/+', exclude: ['abroad/+/+/+/device'], devicesOnly: true },
      ],
    });
    expect((await call('DELETE', '/api/pipelines/neocampus')).statusCode).toBe(204);
    expect((await call('GET', '/api/pipelines')).json().data).toEqual([]);
  });

  it('creates, reads, lists, changes and deletes a pipeline', async () => {
    const created = await call('POST', '/api/pipelines', TTN_LPP);
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({
      name: 'ttn-lpp',
      description: '',
      status: 'active',
      steps: TTN_LPP.steps,
      sources: TTN_LPP.sources,
      autoRegister: true,
      deviceType: null,
      hasIngestToken: false,
    });
    expect((await call('GET', `/api/pipelines/${p.id}`)).json()).toEqual(p);
    expect((await call('GET', '/api/pipelines/ttn-lpp')).json().id).toBe(p.id);

    const changed = await call('PATCH', `/api/pipelines/${p.id}`, { status: 'inactive', description: 'TTN, LPP devices' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ status: 'inactive', description: 'TTN, LPP devices', steps: TTN_LPP.steps });

    const other = await call('POST', '/api/pipelines', { name: 'a-first', steps: [{ worker: 'chirpstack-v4' }] });
    expect(other.statusCode, other.body).toBe(201);
    const list = (await call('GET', '/api/pipelines?count=true')).json();
    expect(list.total).toBe(2);
    expect(list.data.map((x: Pipeline) => x.name)).toEqual(['a-first', 'ttn-lpp']);
    const page1 = (await call('GET', '/api/pipelines?limit=1')).json();
    expect(page1.data.map((x: Pipeline) => x.name)).toEqual(['a-first']);
    const page2 = (await call('GET', new URL(page1.links.next).pathname + new URL(page1.links.next).search)).json();
    expect(page2.data.map((x: Pipeline) => x.name)).toEqual(['ttn-lpp']);
    expect(page2.links.next).toBeNull();

    expect((await call('DELETE', `/api/pipelines/${other.json().id}`)).statusCode).toBe(204);
    const gone = await call('GET', `/api/pipelines/${other.json().id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('PIPELINE_NOT_FOUND');
    expect((await call('DELETE', `/api/pipelines/${other.json().id}`)).statusCode).toBe(404);
  });

  it('answers 409 to a name taken in the organisation, on create and on rename', async () => {
    await call('POST', '/api/pipelines', { name: 'dup', steps: [{ worker: 'senml' }] });
    const again = await call('POST', '/api/pipelines', { name: 'dup', steps: [{ worker: 'senml' }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
    const second = (await call('POST', '/api/pipelines', { name: 'dup-2', steps: [{ worker: 'senml' }] })).json();
    const rename = await call('PATCH', `/api/pipelines/${second.id}`, { name: 'dup' });
    expect(rename.statusCode).toBe(409);
  });

  it('refuses bad steps and sources with a 400 naming the field', async () => {
    const base = { name: 'bad', steps: [{ worker: 'ttn-v3' }] };
    expect(await fieldOf({ ...base, steps: [{ worker: 'ttn-v3' }, { worker: 'no-such-worker' }] })).toBe('steps.1.worker');
    expect(
      await fieldOf({ ...base, steps: [{ worker: 'ttn-v3' }, { worker: 'json-map', config: { fields: 'temperature' } }] }),
    ).toBe('steps.1.config.fields');
    expect(await fieldOf({ ...base, steps: [{ worker: 'cayenne-lpp', config: { unknown: 1 } }] })).toMatch(/^steps\.0\.config/);
    expect(await fieldOf({ ...base, steps: [{ worker: 'ttn-v3', revision: 2 }] })).toBe('steps.0.revision');
    expect(await fieldOf({ ...base, sources: [{ kind: 'mqtt', topic: 'a/#/b' }] })).toBe('sources.0.topic');
    expect(await fieldOf({ ...base, sources: [{ kind: 'mqtt', topic: 'a/b+' }] })).toBe('sources.0.topic');
    expect(await fieldOf({ ...base, sources: [{ kind: 'mqtt' }] })).toBe('sources.0.topic');
    expect(await fieldOf({ ...base, sources: [{ kind: 'mqtt', topic: 'a/+', exclude: ['x/#/y'] }] })).toBe('sources.0.exclude.0');
    expect(await fieldOf({ ...base, sources: [{ kind: 'http-poll', url: 'not a url', intervalSeconds: 60 }] })).toBe(
      'sources.0.url',
    );
    expect(await fieldOf({ ...base, sources: [{ kind: 'http-poll', url: 'ftp://host/x', intervalSeconds: 60 }] })).toBe(
      'sources.0.url',
    );
    expect(await fieldOf({ ...base, sources: [{ kind: 'ftp-poll', url: 'https://host/x', intervalSeconds: 60 }] })).toBe(
      'sources.0.url',
    );
    expect(await fieldOf({ ...base, sources: [{ kind: 'ftp-poll', url: 'ftp://host/x', intervalSeconds: 0 }] })).toBe(
      'sources.0.intervalSeconds',
    );
    expect(await fieldOf({ ...base, sources: [{ kind: 'http-poll', url: 'http://host/x' }] })).toBe('sources.0.intervalSeconds');
    expect(await fieldOf({ ...base, sources: [{ kind: 'amqp', queue: '  ' }] })).toBe('sources.0.queue');
    expect(await fieldOf({ ...base, sources: [{ kind: 'amqp', queue: 'q', url: 'http://rabbit' }] })).toBe('sources.0.url');
    expect(await fieldOf({ ...base, sources: [{ kind: 'amqp', queue: 'q', topic: 'a' }] })).toBe('sources.0.topic');
    expect(await fieldOf({ ...base, deviceType: 'no-such-type' })).toBe('deviceType');
    // Schema errors name the field too.
    expect(await fieldOf({ ...base, sources: [{ kind: 'pigeon' }] })).toMatch(/^body\.sources\.0/);
    expect(await fieldOf({ ...base, steps: [] })).toBe('body.steps');
    // Nothing was saved.
    expect((await call('GET', '/api/pipelines/bad')).statusCode).toBe(404);
    // PATCH validates the same way.
    const ok = (await call('POST', '/api/pipelines', { name: 'good', steps: [{ worker: 'ttn-v3' }] })).json();
    expect(await fieldOf({ steps: [{ worker: 'ttn-v3' }, { worker: 'nope' }] }, 'PATCH', `/api/pipelines/${ok.id}`)).toBe(
      'steps.1.worker',
    );
  });

  it('accepts a user script of the organisation as a step, at a revision', async () => {
    const script = await call('POST', '/api/workers', { name: 'my-codec', source: 'function process(m) { return m }' });
    expect(script.statusCode, script.body).toBe(201);
    const r = await call('POST', '/api/pipelines', {
      name: 'scripted',
      steps: [{ worker: 'ttn-v3' }, { worker: 'my-codec', revision: 1 }],
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(await fieldOf({ name: 'scripted-2', steps: [{ worker: 'my-codec', revision: 7 }] })).toBe('steps.0.worker');
  });

  it('issues, rotates and removes the ingest token; shows it once and keeps only its digest', async () => {
    const p = (await call('POST', '/api/pipelines', { name: 'tokened', steps: [{ worker: 'senml' }] })).json();
    const first = await call('POST', `/api/pipelines/${p.id}/ingest-token`);
    expect(first.statusCode, first.body).toBe(201);
    const token1 = first.json().token as string;
    expect(token1.length).toBeGreaterThanOrEqual(32);
    expect(first.json().pipeline.hasIngestToken).toBe(true);
    const read = await call('GET', `/api/pipelines/${p.id}`);
    expect(read.json().hasIngestToken).toBe(true);
    expect(read.body).not.toContain(token1);
    expect((await call('GET', '/api/pipelines')).body).not.toContain(token1);
    const row = await t.polder.database.db.selectFrom('pipelines').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.ingest_token_hash).toBe(digestSecret(token1));
    expect(JSON.stringify(row)).not.toContain(token1);

    const catalog = t.polder.pipelines.catalog;
    expect(await catalog.tokenMatches(p.id, token1)).toBe(true);
    const token2 = (await call('POST', `/api/pipelines/${p.id}/ingest-token`)).json().token as string;
    expect(token2).not.toBe(token1);
    expect(await catalog.tokenMatches(p.id, token1)).toBe(false);
    expect(await catalog.tokenMatches(p.id, token2)).toBe(true);

    expect((await call('DELETE', `/api/pipelines/${p.id}/ingest-token`)).statusCode).toBe(204);
    expect((await call('GET', `/api/pipelines/${p.id}`)).json().hasIngestToken).toBe(false);
    expect(await catalog.tokenMatches(p.id, token2)).toBe(false);
  });

  it('stores poller secrets for the poller but masks them in every answer', async () => {
    const sources = [
      { kind: 'ftp-poll', url: 'ftp://meteo:s3cret-pw@ftp.example.org/out', intervalSeconds: 300, pattern: '*.csv' },
      {
        kind: 'http-poll',
        url: 'https://legacy.example.org/api/values',
        intervalSeconds: 60,
        headers: { authorization: 'Bearer legacy-token-123' },
      },
    ];
    const created = await call('POST', '/api/pipelines', { name: 'legacy', steps: [{ worker: 'json-map' }], sources });
    expect(created.statusCode, created.body).toBe(201);
    const masked = [
      { kind: 'ftp-poll', url: 'ftp://meteo:***@ftp.example.org/out', intervalSeconds: 300, pattern: '*.csv' },
      { kind: 'http-poll', url: 'https://legacy.example.org/api/values', intervalSeconds: 60, headers: { authorization: '***' } },
    ];
    expect(created.json().sources).toEqual(masked);
    for (const body of [
      created.body,
      (await call('GET', '/api/pipelines/legacy')).body,
      (await call('GET', '/api/pipelines')).body,
    ]) {
      expect(body).not.toContain('s3cret-pw');
      expect(body).not.toContain('legacy-token-123');
    }
    const id = created.json().id as string;
    // The catalog (transports) sees them whole.
    expect((await t.polder.pipelines.catalog.byId(id))?.sources).toEqual(sources);

    // Saving back what was read keeps the secrets; a new value replaces them.
    const saved = await call('PATCH', `/api/pipelines/${id}`, { sources: masked });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await t.polder.pipelines.catalog.byId(id))?.sources).toEqual(sources);
    await call('PATCH', `/api/pipelines/${id}`, {
      sources: [{ ...masked[0], url: 'ftp://meteo:new-pw@ftp.example.org/out' }, masked[1]],
    });
    const now = await t.polder.pipelines.catalog.byId(id);
    expect(now?.sources[0]).toMatchObject({ url: 'ftp://meteo:new-pw@ftp.example.org/out' });
    expect(now?.sources[1]).toMatchObject({ headers: { authorization: 'Bearer legacy-token-123' } });
    // A masked password moved to another server is not a password.
    expect(
      await fieldOf(
        { sources: [{ ...masked[0], url: 'ftp://meteo:***@elsewhere.example.org/out' }, masked[1]] },
        'PATCH',
        `/api/pipelines/${id}`,
      ),
    ).toBe('sources.0.url');
  });

  it('keeps the catalog current: lookups by id across organisations, sources, change events', async () => {
    const catalog = t.polder.pipelines.catalog;
    const events: string[] = [];
    const off = catalog.onChange((p, change) => events.push(`${change}:${p.name}`));
    const p = (
      await call('POST', '/api/pipelines', {
        name: 'watched',
        steps: [{ worker: 'ttn-v3' }],
        sources: [{ kind: 'mqtt', topic: 'w/#' }],
      })
    ).json();
    expect((await catalog.byId(p.id))?.status).toBe('active');
    await call('PATCH', `/api/pipelines/${p.id}`, { status: 'inactive' });
    expect((await catalog.byId(p.id))?.status).toBe('inactive');
    expect((await catalog.withSources()).map((x) => x.name)).toContain('watched');
    expect((await catalog.withSources()).map((x) => x.name)).not.toContain('dup');
    await call('DELETE', `/api/pipelines/${p.id}`);
    expect(await catalog.byId(p.id)).toBeUndefined();
    expect(await catalog.byId('not-a-uuid')).toBeUndefined();
    off();
    expect(events).toEqual(['saved:watched', 'saved:watched', 'deleted:watched']);
  });

  it('checks scopes: a viewer key reads pipelines but cannot change them', async () => {
    const key = await call('POST', '/api/organisations/default/api-keys', { name: 'reader', scopes: ['pipelines:read'] });
    expect(key.statusCode, key.body).toBe(201);
    const secret = key.json().secret as string;
    expect((await t.call(secret, { method: 'GET', url: '/api/pipelines' })).statusCode).toBe(200);
    const write = await t.call(secret, {
      method: 'POST',
      url: '/api/pipelines',
      payload: { name: 'x', steps: [{ worker: 'senml' }] },
    });
    expect(write.statusCode).toBe(403);
  });
});
