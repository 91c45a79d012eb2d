/**
 * ChirpStack sends every event type to the same HTTP endpoint (`?event=up|join|status…`) or MQTT
 * topic family (`…/event/up`). The event is read from the topic or path when the transport
 * kept it, else recognised by the fields present.
 */
import type { PipelineMessage } from '../message.js';

export type ChirpstackEvent =
  | 'up'
  | 'join'
  | 'status'
  | 'ack'
  | 'txack'
  | 'log'
  | 'error'
  | 'location'
  | 'integration'
  | 'unknown';

const KNOWN = new Set(['up', 'join', 'status', 'ack', 'txack', 'log', 'error', 'location', 'integration']);

function fromTransport(msg: PipelineMessage): ChirpstackEvent | undefined {
  const topic = msg.transport.topic ?? '';
  const fromTopic = /\/event\/([a-z]+)$/.exec(topic)?.[1] ?? (/\/rx$/.test(topic) ? 'up' : undefined);
  const fromPath = /[?&]event=([a-z]+)/.exec(msg.transport.path ?? '')?.[1];
  const e = fromTopic ?? fromPath;
  return e && KNOWN.has(e) ? (e as ChirpstackEvent) : undefined;
}

function fromShape(body: Record<string, unknown>): ChirpstackEvent {
  if ('downlinkId' in body || ('gatewayId' in body && 'txInfo' in body && !('rxInfo' in body))) return 'txack';
  if ('acknowledged' in body) return 'ack';
  if ('level' in body && 'code' in body) return 'log';
  if ('error' in body && 'type' in body) return 'error';
  if ('batteryLevel' in body || 'margin' in body || 'battery' in body) return 'status';
  if ('location' in body && !('rxInfo' in body)) return 'location';
  if ('integrationName' in body || 'eventType' in body) return 'integration';
  if ('fPort' in body || 'data' in body || 'rxInfo' in body || 'object' in body || 'objectJSON' in body) return 'up';
  if ('devAddr' in body) return 'join';
  return 'unknown';
}

export const chirpstackEvent = (msg: PipelineMessage, body: Record<string, unknown>): ChirpstackEvent =>
  fromTransport(msg) ?? fromShape(body);
