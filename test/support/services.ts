import net from 'node:net';

/**
 * Integration suites need real services. In CI (CI=true) a missing service fails the suite;
 * elsewhere the suite is skipped with a loud message naming the service and how to start it.
 */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export const SERVICES = {
  postgres: { url: process.env.POLDER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', port: 5432 },
  rabbitmq: { url: process.env.POLDER_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', port: 5672 },
  mosquitto: { url: process.env.POLDER_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883', port: 1883 },
} as const;
export type ServiceName = keyof typeof SERVICES;

const cache = new Map<ServiceName, Promise<boolean>>();

/** Whether something accepts a TCP connection at the URL's host and port (within 2 s). */
export function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Resolves true when the service answers; false (with a warning) when a suite may skip. */
export async function serviceAvailable(name: ServiceName): Promise<boolean> {
  let p = cache.get(name);
  if (!p) {
    p = reachable(SERVICES[name].url);
    cache.set(name, p);
  }
  const up = await p;
  if (!up) {
    const msg = `${name} is not reachable at ${SERVICES[name].url} (see .ci/run for how to start it)`;
    if (IN_CI) throw new Error(`CI: ${msg}`);
    console.warn(`\n!!! SKIPPING ${name} tests: ${msg} !!!\n`);
  }
  return up;
}
