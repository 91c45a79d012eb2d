import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { DEMO_TRAFFIC_KEY, startDemoTraffic } from '../../src/simulate/demo.js';
import type { UplinkSender } from '../../src/simulate/traffic/senders.js';
import type { Uplink } from '../../src/simulate/traffic/uplink.js';
import { availableDialects } from '../support/databases.js';
import { startTestPolder, type TestPolder } from '../support/polder.js';

const dialects = await availableDialects();

/** The demo traffic's setup: its internal key (scopes, rotation) and the fleet it sends. */
describe.each(dialects)('demo traffic on %s', (dialect) => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('issues an internal key with only pipelines:write and uplinks:write, a new secret at each start', async () => {
    const { tenancy, bootstrap } = t.polder;
    const first = await tenancy.issueInternalKey(bootstrap.org.id, DEMO_TRAFFIC_KEY, ['pipelines:write', 'uplinks:write']);
    const who = await tenancy.authenticateKey(first);
    expect(who?.orgId).toBe(bootstrap.org.id);
    expect([...(who?.scopes ?? [])].sort()).toEqual(['pipelines:write', 'uplinks:write']);
    expect(who?.platformAdmin).toBe(false);
    const second = await tenancy.issueInternalKey(bootstrap.org.id, DEMO_TRAFFIC_KEY, ['pipelines:write', 'uplinks:write']);
    expect(second).not.toBe(first);
    expect(await tenancy.authenticateKey(first)).toBeUndefined();
    expect((await tenancy.authenticateKey(second))?.name).toBe(DEMO_TRAFFIC_KEY);
  });

  it('sends one device of each kind to the sim- pipelines with that key', async () => {
    const sent: Uplink[] = [];
    const tokens = new Set<string | undefined>();
    const specs: string[] = [];
    let now = Date.UTC(2026, 2, 1, 9);
    const sender: UplinkSender = {
      send: async (_id, u) => {
        sent.push(u);
        return { ok: true };
      },
      close: async () => {},
    };
    const sim = await startDemoTraffic({
      httpUrl: 'http://127.0.0.1:1',
      orgId: t.polder.bootstrap.org.id,
      tenancy: {
        issueInternalKey: async (...args) => {
          const key = await t.polder.tenancy.issueInternalKey(...args);
          tokens.add(key);
          return key;
        },
      },
      logger: createLogger({ level: 'silent', format: 'json' }),
      options: {
        admin: {
          ensurePipeline: async (spec) => {
            specs.push(spec.name);
            return { id: spec.name, name: spec.name };
          },
        },
        sender,
        durationS: 8,
        clock: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      },
    });
    await sim.done;
    expect(specs).toEqual(['sim-ttn', 'sim-chirpstack', 'sim-power', 'sim-weather']);
    expect(sim.devices.map((d) => d.kind)).toEqual(['ttn', 'chirpstack', 'power', 'weather']);
    expect(sent).toHaveLength(16); // 2 uplinks/s for 8 s
    expect(new Set(sent.map((u) => u.pipeline)).size).toBe(4);
    expect(tokens.size).toBe(1);
  });
});
