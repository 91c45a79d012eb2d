import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/databases.js';
import { createDatastream, type DatastreamFixture } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();
const T0 = Date.UTC(2024, 4, 1);

interface LiveEvent {
  event: string;
  id: string;
  data: { datastream: number; time: string; value: number };
}

/** A server-sent-events client over a real socket: what a browser's EventSource would see. */
function subscribe(base: string, query: string) {
  const events: LiveEvent[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  let response: http.IncomingMessage | undefined;
  const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get(`${base}/api/live?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        // The first chunk is the greeting comment: the subscription is in place once it arrives.
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
          );
          if (fields.event)
            events.push({ event: fields.event, id: fields.id as string, data: JSON.parse(fields.data as string) });
        }
        for (const w of waiters.splice(0)) w();
        resolve(res);
      });
    });
    req.on('error', reject);
  });
  return {
    opened,
    events,
    /** Resolves once `n` events have arrived. */
    async until(n: number) {
      while (events.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return events.slice(0, n);
    },
    close: () => response?.destroy(),
  };
}

describe.each(dialects)('live values (server-sent events) on %s', (dialect) => {
  let t: TestPolder;
  let base: string;
  let a: DatastreamFixture;
  let b: DatastreamFixture;

  beforeAll(async () => {
    t = await startTestPolder(dialect);
    await t.polder.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.polder.app.server.address() as AddressInfo).port}`;
    const orgId = t.polder.bootstrap.org.id;
    a = await createDatastream(t.polder.database.db, orgId);
    b = await createDatastream(t.polder.database.db, orgId);
  });
  afterAll(() => t.close());

  it('streams rows stored after subscribing, only of the datastreams asked for, once each', async () => {
    const live = subscribe(base, `datastream=${a.id}`);
    const res = await live.opened;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await t.polder.measurements.insert([
      { datastreamId: a.id, time: T0, value: 1.5 },
      { datastreamId: b.id, time: T0, value: 99 },
    ]);
    // A redelivery stores nothing, so announces nothing; the next new row comes after it.
    await t.polder.measurements.insert([{ datastreamId: a.id, time: T0, value: 1.5 }]);
    await t.polder.measurements.insert([{ datastreamId: a.id, time: T0 + 1000, value: -2 }]);
    const got = await live.until(2);
    expect(got).toEqual([
      { event: 'measurement', id: `${a.id}:${T0}`, data: { datastream: a.id, time: new Date(T0).toISOString(), value: 1.5 } },
      {
        event: 'measurement',
        id: `${a.id}:${T0 + 1000}`,
        data: { datastream: a.id, time: new Date(T0 + 1000).toISOString(), value: -2 },
      },
    ]);
    live.close();
  });

  it('follows a device, including a datastream created after subscribing', async () => {
    const live = subscribe(base, `device=${a.deviceId}`);
    await live.opened;
    const later = await createDatastream(t.polder.database.db, t.polder.bootstrap.org.id, { deviceId: a.deviceId });
    await t.polder.measurements.insert([
      { datastreamId: later.id, time: T0, value: 7 },
      { datastreamId: b.id, time: T0 + 5, value: 8 },
      { datastreamId: a.id, time: T0 + 9, value: 9 },
    ]);
    const got = await live.until(2);
    expect(got.map((e) => e.data)).toEqual([
      { datastream: later.id, time: new Date(T0).toISOString(), value: 7 },
      { datastream: a.id, time: new Date(T0 + 9).toISOString(), value: 9 },
    ]);
    live.close();
  });

  it('answers 400 without a datastream or device, and ends streams when Polder stops', async () => {
    expect((await t.call(ADMIN_TOKEN, { url: '/api/live' })).json().error.details.field).toBe('datastream');
    expect((await t.call(ADMIN_TOKEN, { url: `/api/live?datastream=${a.id}&device=${a.deviceId}` })).statusCode).toBe(400);
    const live = subscribe(base, `datastream=${b.id}`);
    const res = await live.opened;
    const ended = new Promise((resolve) => res.on('close', resolve));
    await t.polder.app.close();
    await ended;
    // Every live stream has let go; only the resident subscribers stay until stop(): the MQTT
    // republisher and the SensorThings MQTT publisher.
    expect(t.polder.measurements.events.listenerCount).toBe(2);
  });
});
