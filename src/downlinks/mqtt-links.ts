import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../shared/logger.js';
import type { ProviderLink, ProviderLinks } from './downlinks.js';

/** How long a publish waits for the connection before it fails. */
const CONNECT_WAIT_MS = 10_000;

/** The broker URL without credentials, for logs. */
export const redactedBrokerUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

/**
 * The ProviderLinks adapter over MQTT.js: one client per link, connecting in the background,
 * reconnecting every 5 s, with clean sessions (the subscriptions are made again on each
 * connection). The password is handed to MQTT.js only, never logged.
 */
export function mqttLinks(logger: Logger): ProviderLinks {
  return {
    open(opts): ProviderLink {
      const log = logger.child({ component: 'downlink-mqtt', broker: redactedBrokerUrl(opts.url), clientId: opts.clientId });
      const client: MqttClient = mqtt.connect(opts.url, {
        clientId: opts.clientId,
        clean: true,
        protocolVersion: 4,
        reconnectPeriod: 5000,
        connectTimeout: CONNECT_WAIT_MS,
        ...(opts.username !== null && { username: opts.username }),
        ...(opts.password !== '' && { password: opts.password }),
      });
      let lastError: string | undefined;
      let closed = false;
      client.on('connect', () => {
        lastError = undefined;
        log.info('connected to the network server broker');
        if (opts.subscriptions.length === 0) return;
        client.subscribe(
          Object.fromEntries(opts.subscriptions.map((s) => [s.filter, { qos: s.qos }])),
          (err) => err && log.warn({ err }, 'subscribing to downlink events failed'),
        );
      });
      client.on('message', (topic, payload) => opts.onMessage({ topic, payload }));
      client.on('error', (err) => {
        lastError = err.message;
        log.warn({ err: { message: err.message } }, 'network server broker error');
      });
      const connected = () =>
        new Promise<void>((resolve, reject) => {
          if (client.connected) return resolve();
          const timer = setTimeout(() => {
            client.off('connect', onConnect);
            reject(new Error(`not connected to ${redactedBrokerUrl(opts.url)}${lastError ? `: ${lastError}` : ''}`));
          }, CONNECT_WAIT_MS);
          const onConnect = () => {
            clearTimeout(timer);
            resolve();
          };
          client.once('connect', onConnect);
        });
      return {
        async publish(topic, payload, qos) {
          if (closed) throw new Error('the link to the network server was closed');
          await connected();
          await client.publishAsync(topic, payload, { qos });
        },
        async close() {
          closed = true;
          await client.endAsync(true);
        },
      };
    },
  };
}
