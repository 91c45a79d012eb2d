import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { InboundHandler, MqttBus } from './broker.js';

export interface ExternalBusOptions {
  url: string;
  /** Stable across restarts, so the broker keeps Polder's persistent session (clean: false). */
  clientId: string;
  onInbound: InboundHandler;
  clock: Clock;
  logger: Logger;
}

/**
 * Polder as a client of an external broker (Mosquitto, EMQX). It subscribes with QoS 1 in a
 * persistent session and acknowledges each message only after it is durably accepted: MQTT.js
 * sends the PUBACK when handleMessage's callback runs.
 */
export async function connectExternalBus(opts: ExternalBusOptions): Promise<MqttBus> {
  const log = opts.logger.child({ component: 'mqtt-client' });
  const options: IClientOptions = { clientId: opts.clientId, clean: false, reconnectPeriod: 2000, connectTimeout: 10_000 };
  const client: MqttClient = mqtt.connect(opts.url, options);
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    opts
      .onInbound({ topic: packet.topic, payload, qos: packet.qos, receivedAt: opts.clock() })
      .then(() => callback())
      .catch((err: unknown) => {
        // No PUBACK: the broker redelivers in this persistent session after a reconnect.
        log.error({ err, topic: packet.topic }, 'inbound message not accepted; reconnecting for redelivery');
        client.end(true, {}, () => client.reconnect());
      });
  };
  client.on('error', (err) => log.error({ err }, 'MQTT client error'));
  client.on('reconnect', () => log.warn('reconnecting to the MQTT broker'));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  log.info({ url: opts.url.replace(/\/\/[^@/]*@/, '//***@') }, 'connected to external MQTT broker');
  return {
    mode: 'external',
    publish: async (topic, payload, o = {}) => {
      await client.publishAsync(topic, payload, { qos: o.qos ?? 0, retain: o.retain ?? false });
    },
    subscribe: async (filters) => {
      if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
    },
    // Sessions on an external broker are ended by the broker's own auth (dynamic security).
    disconnect: async () => 0,
    close: () => client.endAsync(),
  };
}
