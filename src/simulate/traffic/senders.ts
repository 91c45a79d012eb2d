/**
 * How uplinks reach Polder: `POST /api/uplinks/{pipelineId}` (202 {traceId}) over keep-alive
 * connections, or MQTT QoS 1 publications on the pipeline's source topic (PUBACK = accepted).
 * A sender answers each uplink with accepted or rejected (and why); the simulation bounds how
 * many are in flight.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Uplink } from './uplink.js';

export type SendResult = { ok: true } | { ok: false; reason: string };

export interface UplinkSender {
  send(pipelineId: string, uplink: Uplink): Promise<SendResult>;
  close(): Promise<void>;
}

export interface HttpSenderOptions {
  baseUrl: string;
  /** An API key with uplinks:write (Authorization: Bearer), or a pipeline ingest token per pipeline. */
  token?: string | undefined;
  ingestTokens?: ReadonlyMap<string, string>;
  timeoutMs?: number;
}

/** fetch (undici) keeps connections alive and pools them per origin by itself. */
export function httpSender(opts: HttpSenderOptions): UplinkSender {
  const base = new URL('/api/uplinks/', opts.baseUrl);
  return {
    async send(pipelineId, uplink) {
      const headers: Record<string, string> = { 'content-type': uplink.contentType };
      const ingest = opts.ingestTokens?.get(pipelineId);
      if (ingest) headers['x-ingest-token'] = ingest;
      else if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      try {
        const res = await fetch(new URL(encodeURIComponent(pipelineId), base), {
          method: 'POST',
          headers,
          body: uplink.body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
        // Read the body so the connection goes back to the pool.
        const text = await res.text();
        if (res.status === 202) return { ok: true };
        const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1];
        return { ok: false, reason: `HTTP ${res.status}${code ? ` ${code}` : ''}` };
      } catch (err) {
        return { ok: false, reason: (err as Error).name === 'TimeoutError' ? 'timeout' : `network: ${(err as Error).message}` };
      }
    },
    async close() {},
  };
}

export interface MqttSenderOptions {
  url: string;
  /** An admin API key is accepted as the password by Polder's embedded broker (any username). */
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string;
}

/** Connects once; every uplink is a QoS 1 publication on its topic, accepted on PUBACK. */
export async function mqttSender(opts: MqttSenderOptions): Promise<UplinkSender> {
  const client: MqttClient = await mqtt.connectAsync(opts.url, {
    clientId: opts.clientId ?? `polder-sim-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    ...(opts.username !== undefined && { username: opts.username }),
    ...(opts.password !== undefined && { password: opts.password }),
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  return {
    async send(_pipelineId, uplink) {
      try {
        await client.publishAsync(uplink.topic, uplink.body, { qos: 1 });
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: `mqtt: ${(err as Error).message}` };
      }
    },
    async close() {
      await client.endAsync();
    },
  };
}
