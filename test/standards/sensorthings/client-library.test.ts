import { o } from 'odata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../support/databases.js';
import { ADMIN_TOKEN, type ListeningPolder, startListeningPolder } from '../../support/polder.js';

/**
 * A client library from npm reads and writes Polder over the network: o.js (`odata` on npm,
 * an OData client; SensorThings' REST binding is OData-shaped and no SensorThings-specific
 * JavaScript client is published and maintained). It deep-inserts a Thing, posts Observations,
 * reads Things with expanded Datastreams and pages through Observations by `@iot.nextLink`.
 */
const dialects = await availableDialects();

type Entity = Record<string, unknown>;

describe.each(dialects)('SensorThings through the o.js client library on %s', (dialect) => {
  let t: ListeningPolder;
  const client = (root: string) =>
    o(root, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      // Whole bodies, not just `value`: the client needs @iot.nextLink and @iot.count.
      fragment: '',
    });
  let root: string;

  beforeAll(async () => {
    t = await startListeningPolder(dialect);
    root = `${t.url}/sta/v1.1/`;
  });
  afterAll(() => t?.close());

  it('writes a Thing with a Datastream (deep insert) and 25 Observations, reads them back expanded and paged', async () => {
    const thing = (await client(root)
      .post('Things', {
        name: 'o.js weather station',
        description: 'created by an OData client',
        Locations: [
          {
            name: 'roof',
            description: 'the roof',
            encodingType: 'application/geo+json',
            location: { type: 'Point', coordinates: [1.469, 43.561] },
          },
        ],
        Datastreams: [
          {
            name: 'air temperature',
            description: 'on the roof',
            unitOfMeasurement: {
              name: 'degree Celsius',
              symbol: 'Cel',
              definition: 'http://unitsofmeasure.org/ucum.html#para-30',
            },
            observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
            Sensor: { name: 'SHT31', description: 'humidity and temperature', encodingType: 'text/html', metadata: 'x' },
            ObservedProperty: {
              name: 'Temperature',
              definition: 'http://qudt.org/vocab/quantitykind/Temperature',
              description: 'air temperature',
            },
          },
        ],
      })
      .query()) as Entity;
    expect(typeof thing['@iot.id']).toBe('number');

    const things = (await client(root).get('Things').query({
      $filter: "name eq 'o.js weather station'",
      $expand: 'Datastreams($select=id,name,unitOfMeasurement),Locations',
    })) as {
      value: (Entity & { Datastreams: Entity[]; Locations: Entity[] })[];
    };
    expect(things.value).toHaveLength(1);
    const found = things.value[0] as Entity & { Datastreams: Entity[]; Locations: Entity[] };
    expect(found['@iot.id']).toBe(thing['@iot.id']);
    expect(found.Locations.map((l) => l.name)).toEqual(['roof']);
    expect(found.Datastreams.map((d) => d.name)).toEqual(['air temperature']);
    const stream = found.Datastreams[0] as Entity;
    const ds = stream['@iot.id'] as number;
    expect(stream.unitOfMeasurement).toMatchObject({ symbol: 'Cel' });

    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 25; i++) {
      const created = (await client(root)
        .post(`Datastreams(${ds})/Observations`, { phenomenonTime: new Date(t0 + i * 60_000).toISOString(), result: 10 + i })
        .query()) as Entity;
      expect(created.result).toBe(10 + i);
    }

    // Pages of 10 by @iot.nextLink: 10 + 10 + 5, in phenomenonTime order, with the count on the first.
    const results: number[] = [];
    let page = (await client(root)
      .get(`Datastreams(${ds})/Observations`)
      .query({ $top: '10', $orderby: 'phenomenonTime asc', $count: 'true' })) as {
      value: Entity[];
      '@iot.nextLink'?: string;
      '@iot.count'?: number;
    };
    expect(page['@iot.count']).toBe(25);
    const sizes: number[] = [];
    for (;;) {
      sizes.push(page.value.length);
      results.push(...page.value.map((v) => v.result as number));
      const next = page['@iot.nextLink'];
      if (!next) break;
      page = (await client(next).get().query()) as typeof page;
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(results).toEqual(Array.from({ length: 25 }, (_, i) => 10 + i));

    // A filter the client encodes reaches the server intact.
    const warm = (await client(root)
      .get(`Datastreams(${ds})/Observations`)
      .query({ $filter: 'result ge 30 and phenomenonTime lt 2026-01-01T00:23:00Z', $select: 'result' })) as { value: Entity[] };
    expect(warm.value.map((v) => v.result).sort()).toEqual([30, 31, 32]);
  });

  it('the client sees an error status for a request without the key', async () => {
    const res = (await o(root, { fragment: '' }).get('Things').fetch()) as Response;
    expect(res.status).toBe(401);
  });
});
