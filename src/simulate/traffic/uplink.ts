/**
 * What a traffic generator produces: uplinks as a provider or a device would send them, each
 * with the readings it carries, so tests can check that Polder's workers recover them.
 */
import type { PipelineSource, PipelineStep } from '../../pipelines/pipelines.js';
import type { Rng } from './rng.js';

export const TRAFFIC_KINDS = ['ttn', 'chirpstack', 'power', 'weather'] as const;
export type TrafficKind = (typeof TRAFFIC_KINDS)[number];

/** A value the uplink carries, as the generator meant it (before any encoding). */
export interface Reading {
  sensor: string;
  observedProperty: string;
  unit: string;
  value: number;
  /** Resolution of the encoding (LPP: 0.1 °C …); 0 when the value travels exactly. */
  resolution: number;
}

export interface Uplink {
  pipeline: TrafficKind;
  body: Buffer;
  contentType: string;
  /** Where an MQTT transport publishes it (matches the pipeline's mqtt source). */
  topic: string;
  /** The identity the workers should find (DevEUI, MAC, serial). */
  device: { kind: 'deveui' | 'mac' | 'serial'; value: string };
  /** Unix ms the readings are observed at (unique and increasing per device). */
  observedAt: number;
  readings: Reading[];
}

/** A pipeline as `POST /api/pipelines` takes it. */
export interface PipelineSpec {
  name: string;
  description: string;
  steps: PipelineStep[];
  sources: PipelineSource[];
  autoRegister: boolean;
}

/** One simulated device: each call gives its next uplink, observed at `now` (or just after its last one). */
export interface TrafficDevice {
  kind: TrafficKind;
  /** The device's identity value (DevEUI, MAC or serial). */
  id: string;
  next(now: number): Uplink;
}

export interface TrafficGenerator {
  kind: TrafficKind;
  /** The pipeline this kind's uplinks need, named `<prefix><kind>`. */
  pipeline(prefix: string): PipelineSpec;
  /** Device number `index` (0-based) of this kind; its randomness comes from `rng` only. */
  device(index: number, rng: Rng): TrafficDevice;
}

/** Observation times must be unique per device (measurements are unique on datastream and time). */
export function monotonic(): (now: number) => number {
  let last = Number.NEGATIVE_INFINITY;
  return (now) => {
    last = Math.max(Math.floor(now), last + 1);
    return last;
  };
}

/** RFC 3339 with microseconds, as LoRaWAN servers print times (`.123456Z`). */
export const rfc3339 = (ms: number, micros = 0): string =>
  new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
