import type { Registry } from '../../devices/registry.js';
import type { Logger } from '../../shared/logger.js';
import { serviceFleetAdmin } from './fleet-admin.js';
import { type RunningSimulation, runNeocampusSimulation } from './simulator.js';

export const DEMO_DEVICES = 6;
/** Where the demo site is put when it has no place yet: the neOCampus campus (Toulouse), so maps show it. */
export const DEMO_SITE_PLACE = { latitude: 43.5615, longitude: 1.469, timeZone: 'Europe/Paris' };

/**
 * The small simulated fleet `npm start` shows a newcomer (POLDER_DEMO): six boards in two rooms
 * of building `demo-b1`, created in the default organisation through the registry itself (no
 * API key needed), provisioning over HTTP and talking MQTT like real ones.
 */
export async function startDemoFleet(deps: {
  registry: Registry;
  orgId: string;
  httpUrl: string;
  /** The broker as seen from this process (the public host may not resolve from inside). */
  mqttUrl: string;
  logger: Logger;
}): Promise<RunningSimulation> {
  const log = deps.logger.child({ component: 'demo-fleet' });
  const site = await deps.registry.locations.ensureDefaultSite(deps.orgId);
  if (site.latitude === null && site.longitude === null) {
    await deps.registry.locations.updateSite(deps.orgId, site.id, {
      latitude: DEMO_SITE_PLACE.latitude,
      longitude: DEMO_SITE_PLACE.longitude,
      timeZone: site.timeZone ?? DEMO_SITE_PLACE.timeZone,
    });
  }
  const sim = await runNeocampusSimulation({
    devices: DEMO_DEVICES,
    baseUrl: deps.httpUrl,
    admin: serviceFleetAdmin(deps.registry, deps.orgId),
    prefix: 'demo-',
    perRoom: 3,
    intervalS: 60,
    statusEveryS: 300,
    mqttUrl: deps.mqttUrl,
    onEvent: (code, e) => {
      if (e.kind === 'error') log.warn({ device: code, step: e.step }, e.message);
    },
  });
  log.info(sim.stats(), 'demo fleet running (POLDER_DEMO=0 turns it off)');
  return sim;
}
