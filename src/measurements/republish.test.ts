import { describe, expect, it } from 'vitest';
import type { MqttBus } from '../broker/broker.js';
import { topicMatches } from '../broker/broker.js';
import { filtersOverlap } from '../broker/topic-policy.js';
import { createLogger } from '../shared/logger.js';
import { MqttRepublisher, type RepublishLookup } from './republish.js';

/** A bus that knows its subscribers (as the embedded broker does), and a lookup that counts its queries. */
function world(filters: string[]) {
  const published: string[] = [];
  const queries: string[] = [];
  const bus: MqttBus = {
    mode: 'embedded',
    publish: async (topic) => {
      if (filters.some((f) => topicMatches(f, topic))) published.push(topic);
    },
    listens: (pattern) => filters.some((f) => filtersOverlap(f, pattern)),
    subscribe: async () => {},
    disconnect: async () => 0,
    close: async () => {},
  };
  const lookup: RepublishLookup = {
    labels: async (ids) => {
      queries.push(`labels ${ids.join(',')}`);
      return new Map(
        ids.map((id) => [id, { orgId: id < 10 ? 'a' : 'b', device: `d${id}`, sensor: 's', observedProperty: 'p', unit: 'u' }]),
      );
    },
    organisation: async (orgId) => {
      queries.push(`org ${orgId}`);
      return { slug: orgId === 'a' ? 'alpha' : 'beta', republish: true };
    },
  };
  const republisher = new MqttRepublisher(lookup, () => bus, Date.now, createLogger({ level: 'silent', format: 'json' }));
  return { published, queries, republisher };
}

const rows = [
  { datastreamId: 1, time: 0, value: 1 },
  { datastreamId: 11, time: 0, value: 2 },
];

describe('MQTT republisher', () => {
  it('does no work for a stored batch while no client subscribes to a republish topic', async () => {
    const w = world(['u4/#', 'polder/alpha/alerts']);
    w.republisher.onStored(rows);
    await w.republisher.idle();
    expect(w.queries).toEqual([]);
    expect(w.published).toEqual([]);
  });

  it("publishes only an organisation's rows that a client subscribes to", async () => {
    const w = world(['polder/beta/devices/#']);
    w.republisher.onStored(rows);
    await w.republisher.idle();
    expect(w.published).toEqual(['polder/beta/devices/d11/s/p']);
    const all = world(['#']);
    all.republisher.onStored(rows);
    await all.republisher.idle();
    expect(all.published).toEqual(['polder/alpha/devices/d1/s/p', 'polder/beta/devices/d11/s/p']);
  });
});
