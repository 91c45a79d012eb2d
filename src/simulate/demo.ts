/**
 * The simulated traffic `npm start` shows a newcomer (POLDER_DEMO, besides the neOCampus demo
 * fleet): one device of each kind — a TTN v3 environment sensor, a ChirpStack v4 air-quality
 * sensor, a three-phase power meter and a weather station — sending about two uplinks a second
 * in all to this very process over HTTP, through the pipelines sim-ttn, sim-chirpstack,
 * sim-power and sim-weather (created on first start, reused after). Its API key is internal:
 * issued afresh at each start with only the scopes it needs, held in memory.
 */
import type { Logger } from '../shared/logger.js';
import type { Scope } from '../tenancy/tenancy.js';
import { type RunningTraffic, startTrafficSimulation, type TrafficOptions } from './traffic/traffic-simulation.js';
import { TRAFFIC_KINDS } from './traffic/uplink.js';

export const DEMO_TRAFFIC_KEY = 'demo-traffic';
export const DEMO_TRAFFIC_SCOPES: Scope[] = ['pipelines:write', 'uplinks:write'];
export const DEMO_TRAFFIC_RATE = 2;

export interface DemoTrafficDeps {
  /** This process's HTTP base URL as seen from inside (e.g. http://127.0.0.1:8080). */
  httpUrl: string;
  orgId: string;
  /** `polder.tenancy` (TenancyService): issues the demo's key. */
  tenancy: { issueInternalKey(orgId: string, name: string, scopes: Scope[]): Promise<string> };
  logger: Logger;
  /** Overrides for tests (rate, clock, sender …). */
  options?: Partial<TrafficOptions>;
}

export async function startDemoTraffic(deps: DemoTrafficDeps): Promise<RunningTraffic> {
  const log = deps.logger.child({ component: 'demo-traffic' });
  const token = await deps.tenancy.issueInternalKey(deps.orgId, DEMO_TRAFFIC_KEY, DEMO_TRAFFIC_SCOPES);
  const warned = new Set<string>();
  const sim = await startTrafficSimulation({
    baseUrl: deps.httpUrl,
    token,
    rate: DEMO_TRAFFIC_RATE,
    kinds: TRAFFIC_KINDS,
    devices: TRAFFIC_KINDS.length,
    prefix: 'sim-',
    concurrency: 4,
    seed: 2026,
    onResult: (uplink, result, pipeline) => {
      // Say once per pipeline and reason why uplinks are refused; the stats keep the counts.
      if (result.ok) return;
      const key = `${pipeline.name} ${result.reason}`;
      if (warned.has(key)) return;
      warned.add(key);
      log.warn({ pipeline: pipeline.name, device: uplink.device.value, reason: result.reason }, 'demo uplink refused');
    },
    ...deps.options,
  });
  log.info(
    { pipelines: [...sim.pipelines.values()].map((p) => p.name), rate: DEMO_TRAFFIC_RATE },
    'demo traffic running (POLDER_DEMO=0 turns it off)',
  );
  return sim;
}
