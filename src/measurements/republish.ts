import type { MqttBus } from '../broker/broker.js';
import { toIso } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Measurement } from './measurements.js';

/** What a datastream is called on the republish topic. */
export interface DatastreamLabel {
  orgId: string;
  device: string;
  sensor: string;
  observedProperty: string;
  unit: string;
}

export interface RepublishLookup {
  /** Labels of these datastreams (absent ids are gone). */
  labels(datastreamIds: number[]): Promise<Map<number, DatastreamLabel>>;
  /** The organisation's slug and whether it republishes (settings.mqttRepublish !== false). */
  organisation(orgId: string): Promise<{ slug: string; republish: boolean }>;
}

const ORG_TTL_MS = 30_000;
/** Every republish topic, as a filter (`listens` on the bus). */
const ANY_REPUBLISH = 'polder/+/devices/+/+/+';
/** A topic level must not carry MQTT wildcards or separators (MQTT 3.1.1 §4.7.1). */
const level = (s: string) => s.replace(/[/+#\0]/g, '_') || '_';

/**
 * Publishes every stored measurement as JSON on
 * `polder/<org>/devices/<device>/<sensor>/<observedProperty>` (QoS 0), unless the organisation
 * turned it off (`settings.mqttRepublish: false`). Labels and organisation settings are cached,
 * so a stored batch costs no query once its datastreams are known. Where the broker tells who
 * listens (the embedded one), a batch costs nothing while no client subscribes to a republish
 * topic, and an organisation's rows are skipped while none subscribes to its topics.
 */
export class MqttRepublisher {
  private readonly labels = new Map<number, DatastreamLabel | null>();
  private readonly orgs = new Map<string, { slug: string; republish: boolean; until: number }>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly lookup: RepublishLookup,
    private readonly bus: () => MqttBus | undefined,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  /** The MeasurementEvents listener: queues the batch (listeners must return at once). */
  readonly onStored = (rows: readonly Measurement[]): void => {
    const bus = this.bus();
    if (!bus || bus.listens?.(ANY_REPUBLISH) === false) return;
    this.queue = this.queue
      .then(() => this.publish(rows))
      .catch((err: unknown) => this.logger.warn({ err }, 'MQTT republish failed'));
  };

  /** Resolves when everything queued so far is published (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async publish(rows: readonly Measurement[]): Promise<void> {
    const bus = this.bus();
    if (!bus) return;
    const unknown = [...new Set(rows.map((r) => r.datastreamId))].filter((id) => !this.labels.has(id));
    if (unknown.length > 0) {
      const found = await this.lookup.labels(unknown);
      for (const id of unknown) this.labels.set(id, found.get(id) ?? null);
    }
    for (const row of rows) {
      const label = this.labels.get(row.datastreamId);
      if (!label) continue;
      const org = await this.organisation(label.orgId);
      if (!org.republish || bus.listens?.(`polder/${org.slug}/devices/+/+/+`) === false) continue;
      const topic = `polder/${org.slug}/devices/${level(label.device)}/${level(label.sensor)}/${level(label.observedProperty)}`;
      const payload = JSON.stringify({ datastream: row.datastreamId, time: toIso(row.time), value: row.value, unit: label.unit });
      await bus.publish(topic, payload, { qos: 0 });
    }
  }

  private async organisation(orgId: string) {
    const cached = this.orgs.get(orgId);
    if (cached && cached.until > this.clock()) return cached;
    const org = { ...(await this.lookup.organisation(orgId)), until: this.clock() + ORG_TTL_MS };
    this.orgs.set(orgId, org);
    return org;
  }
}
