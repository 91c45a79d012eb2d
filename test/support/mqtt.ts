import { existsSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { PolderOptions } from '../../src/main.js';
import { DYNSEC_PLUGIN, startDynsecMosquitto } from './mosquitto.js';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from './polder.js';
import { IN_CI } from './services.js';

/** Connects once (no reconnects); rejects with the broker's refusal. */
export function connectMqtt(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
    c.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

export { eventually } from './poll.js';

export const dynsecAvailable = existsSync(DYNSEC_PLUGIN);
if (!dynsecAvailable) {
  if (IN_CI) throw new Error(`CI: Mosquitto's dynamic-security plugin is missing at ${DYNSEC_PLUGIN}`);
  console.warn(`\n!!! SKIPPING dynsec tests: ${DYNSEC_PLUGIN} not found (install mosquitto) !!!\n`);
}

export type BrokerMode = 'embedded' | 'dynsec';
export const brokerModes = (): BrokerMode[] => (dynsecAvailable ? ['embedded', 'dynsec'] : ['embedded']);

/**
 * A started Polder (HTTP and MQTT listening) with its broker: the embedded one, or a private
 * Mosquitto with dynamic security that Polder keeps in step. `watch` connects a superuser.
 */
export interface LivePolder extends TestPolder {
  httpUrl: string;
  /** The broker URL devices are given (host and port of /device/credentials). */
  brokerUrl: string;
  /** A client that may subscribe to everything: an admin API key (embedded) or the dynsec admin. */
  superuser(opts?: IClientOptions): Promise<MqttClient>;
}

export async function startLivePolder(
  mode: BrokerMode,
  env: Record<string, string> = {},
  opts: PolderOptions = {},
): Promise<LivePolder> {
  const mosquitto = mode === 'dynsec' ? await startDynsecMosquitto() : undefined;
  const t = await startTestPolder(
    'sqlite',
    {
      POLDER_MQTT_PUBLIC_HOST: '127.0.0.1',
      POLDER_HTTP_HOST: '127.0.0.1',
      ...(mosquitto && {
        POLDER_MQTT_URL: mosquitto.url('admin', 'adminpw'),
        POLDER_MQTT_DYNSEC: '1',
        POLDER_MQTT_PUBLIC_PORT: String(mosquitto.port),
      }),
      ...env,
    },
    opts,
  );
  const { httpUrl } = await t.polder.start();
  const brokerUrl = `mqtt://127.0.0.1:${t.polder.registry.brokerAddress.port}`;
  return {
    ...t,
    httpUrl,
    brokerUrl,
    superuser: (opts = {}) =>
      connectMqtt(mosquitto ? mosquitto.url('admin', 'adminpw') : brokerUrl, {
        ...(mosquitto ? {} : { username: 'ops', password: ADMIN_TOKEN }),
        ...opts,
      }),
    async close() {
      await t.close();
      await mosquitto?.stop();
    },
  };
}
