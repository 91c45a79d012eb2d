/**
 * The demo of `polder serve` (POLDER_DEMO): uplinks of one device of each kind over HTTP to this
 * very process, and a small neOCampus fleet on its broker, both started in the background.
 */
import type { Registry } from '../devices/registry.js';
import type { Logger } from '../shared/logger.js';
import { startDemoTraffic } from '../simulate/demo.js';
import { startDemoFleet } from '../simulate/neocampus/demo.js';
import type { RunningSimulation } from '../simulate/neocampus/simulator.js';
import type { RunningTraffic } from '../simulate/traffic/traffic-simulation.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import type { Component } from './component.js';

export interface DemoDeps {
  httpHost: string;
  /** The HTTP port once listening. */
  httpPort: () => number | undefined;
  /** The broker the boards connect to: the embedded one, or an external one Polder keeps accounts on (dynsec). */
  brokerUrl: () => string | undefined;
  orgId: string;
  registry: Registry;
  tenancy: TenancyService;
  logger: Logger;
}

export function demoComponent(deps: DemoDeps): Component {
  const { logger } = deps;
  let fleet: Promise<RunningSimulation | undefined> | undefined;
  let traffic: Promise<RunningTraffic | undefined> | undefined;
  return {
    name: 'demo',
    async start() {
      const host = ['0.0.0.0', '::'].includes(deps.httpHost) ? '127.0.0.1' : deps.httpHost;
      const selfUrl = `http://${host.includes(':') ? `[${host}]` : host}:${deps.httpPort()}`;
      // Uplinks of one device of each kind, over HTTP to this very process (needs no broker).
      traffic = startDemoTraffic({ httpUrl: selfUrl, orgId: deps.orgId, tenancy: deps.tenancy, logger }).catch((err: unknown) => {
        logger.error({ err }, 'demo traffic did not start');
        return undefined;
      });
      const broker = deps.brokerUrl();
      if (!broker) {
        logger.info('demo fleet skipped: an external broker without POLDER_MQTT_DYNSEC would not know its devices');
        return;
      }
      // In the background: the boards provision themselves over HTTP from this very process.
      fleet = startDemoFleet({
        registry: deps.registry,
        orgId: deps.orgId,
        httpUrl: selfUrl,
        mqttUrl: broker.replace(/\/\/[^@/]*@/, '//'),
        logger,
      }).catch((err: unknown) => {
        logger.error({ err }, 'demo fleet did not start');
        return undefined;
      });
    },
    async stop() {
      await (await fleet)?.stop();
      await (await traffic)?.stop();
    },
  };
}
