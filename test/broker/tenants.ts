import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import { ADMIN_TOKEN, type TestPolder } from '../support/polder.js';

/** An organisation with an admin key (every scope) and a read-only key (measurements:read). */
export interface Tenant {
  slug: string;
  id: string;
  admin: string;
  reader: string;
}

type Call = (token: string, method: string, url: string, payload?: unknown) => ReturnType<TestPolder['call']>;

export const caller =
  (t: TestPolder): Call =>
  (token, method, url, payload) =>
    t.call(token, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });

export async function createTenant(t: TestPolder, slug: string): Promise<Tenant> {
  const call = caller(t);
  const org = await call(ADMIN_TOKEN, 'POST', '/api/organisations', { slug, name: slug });
  expect(org.statusCode, org.body).toBe(201);
  const key = async (name: string, scopes: string[]) => {
    const res = await call(ADMIN_TOKEN, 'POST', `/api/organisations/${slug}/api-keys`, { name, scopes });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().secret as string;
  };
  const admin = await key(`${slug}-admin`, [
    'devices:write',
    'measurements:write',
    'pipelines:write',
    'uplinks:write',
    'alerts:write',
    'admin:write',
  ]);
  return { slug, id: org.json().id, admin, reader: await key(`${slug}-reader`, ['measurements:read']) };
}

/** A building and room (if new) and an MQTT board there; returns its MQTT credentials. */
export async function placeBoard(
  t: TestPolder,
  key: string,
  board: { code: string; mac: string; building: string; room: string },
): Promise<{ login: string; password: string; baseTopic: string }> {
  const call = caller(t);
  await call(key, 'POST', '/api/buildings', { slug: board.building, name: board.building });
  await call(key, 'POST', '/api/rooms', { building: board.building, slug: board.room, name: board.room });
  const created = await call(key, 'POST', '/api/devices', {
    code: board.code,
    type: 'rpi3',
    identity: { kind: 'mac', value: board.mac },
    location: { building: board.building, room: board.room },
  });
  expect(created.statusCode, created.body).toBe(201);
  const creds = await t.call(undefined, { url: `/device/credentials?mac=${board.mac}` });
  expect(creds.statusCode, creds.body).toBe(200);
  return { login: creds.json().login, password: creds.json().password, baseTopic: created.json().baseTopic };
}

/** Records every message a client receives. */
export function record(client: MqttClient): { topic: string; payload: string }[] {
  const got: { topic: string; payload: string }[] = [];
  client.on('message', (topic, payload) => got.push({ topic, payload: payload.toString() }));
  return got;
}

/**
 * Resolves once the broker has handled every packet `client` sent before: a subscription
 * (to `filter`, one the client may hold) is answered on the same connection after them, or
 * the broker closed the connection over one of them (the embedded broker does, for a refused publish).
 */
export async function handled(client: MqttClient, filter: string): Promise<void> {
  if (!client.connected) return;
  const closed = new Promise<void>((r) => client.once('close', () => r()));
  await Promise.race([client.subscribeAsync(filter, { qos: 1 }).catch(() => {}), closed]);
}

/** The QoS the broker granted a subscription, 128 when it refused it (MQTT.js rejects on 128). */
export async function granted(client: MqttClient, filter: string): Promise<number> {
  try {
    return (await client.subscribeAsync(filter, { qos: 1 }))[0]?.qos ?? -1;
  } catch (err) {
    const packet = (err as { packet?: { granted?: number[] } }).packet;
    if (packet?.granted) return packet.granted[0] ?? -1;
    throw err;
  }
}
