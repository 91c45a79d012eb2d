/**
 * Binds every pipeline's `{kind:'mqtt'}` sources onto Polder's inbound router: a message on a
 * matching topic becomes an uplink, and its handler resolves (= PUBACK) once the inbox stored it.
 */
import { type InboundHandler, type InboundMessage, topicMatches } from '../broker/broker.js';
import type { Pipeline, PipelineCatalog, PipelineSource } from '../pipelines/pipelines.js';
import { DomainError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { ignore, RESOLVED } from '../shared/promises.js';
import type { IngestService } from './ingest.service.js';
import type { IngestMetrics } from './ingest-metrics.js';

type MqttSourceSpec = Extract<PipelineSource, { kind: 'mqtt' }>;

/** The part of InboundRouter this source needs. */
export interface InboundRoutes {
  on(filter: string, handler: InboundHandler): () => void;
}

/** The registered MQTT device that publishes on `topic` (base topic + module, told apart by unitID). */
export type DeviceOfTopic = (topic: string, payload: Buffer) => { id: string; orgId: string } | undefined;

export interface MqttSourceDeps {
  catalog: PipelineCatalog;
  inbound: InboundRoutes;
  service: IngestService;
  metrics: IngestMetrics;
  logger: Logger;
  /**
   * An external broker does not say who published. When the topic belongs to a registered
   * device, only its organisation's pipelines take the message, naming the device; other
   * topics go to every pipeline bound to them.
   */
  deviceOf?: DeviceOfTopic | undefined;
}

export class MqttSource {
  private readonly bound = new Map<string, { signature: string; off: (() => void)[] }>();
  private readonly listeners = new Set<() => void>();
  private unfollow: (() => void) | undefined;

  constructor(private readonly deps: MqttSourceDeps) {}

  /** Binds the sources of every pipeline and follows the catalog. */
  async start(): Promise<void> {
    this.unfollow ??= this.deps.catalog.onChange((p, change) => (change === 'deleted' ? this.unbind(p.id) : this.bind(p)));
    for (const p of await this.deps.catalog.withSources()) this.bind(p);
  }

  stop(): void {
    this.unfollow?.();
    this.unfollow = undefined;
    for (const id of [...this.bound.keys()]) this.unbind(id);
  }

  /**
   * Called after the bound filters changed. On an external broker the integrator subscribes
   * the router's new `filters` here (main.ts: subscribeMissing).
   */
  onFiltersChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** (Re)binds one pipeline; an inactive one, or one without MQTT sources, is left unbound. Idempotent. */
  bind(pipeline: Pipeline): void {
    const sources = pipeline.status === 'active' ? pipeline.sources.filter((s): s is MqttSourceSpec => s.kind === 'mqtt') : [];
    const signature = JSON.stringify([pipeline.orgId, sources]);
    if (this.bound.get(pipeline.id)?.signature === signature) return;
    this.unbind(pipeline.id, false);
    if (sources.length > 0) {
      const off = sources.map((s) => this.deps.inbound.on(s.topic, this.handler(pipeline.id, pipeline.orgId, s)));
      this.bound.set(pipeline.id, { signature, off });
    }
    this.changed();
  }

  unbind(pipelineId: string, notify = true): void {
    const b = this.bound.get(pipelineId);
    if (!b) return;
    for (const off of b.off) off();
    this.bound.delete(pipelineId);
    if (notify) this.changed();
  }

  private changed() {
    for (const l of this.listeners) l();
  }

  /**
   * The handler of one source: a plain function answering the ingest service's promise (no
   * promise or async frame of its own per uplink: each would live as long as the uplink is in flight).
   * It is called by the inbound router, which turns a throw into a rejection.
   */
  private handler(pipelineId: string, orgId: string, source: MqttSourceSpec): InboundHandler {
    const { service, metrics, logger } = this.deps;
    // Refused for good (too large, pipeline gone): acknowledge anyway, a device must not block on it.
    const refused = (message: InboundMessage) => (err: unknown) => {
      if (err instanceof DomainError && err.code !== 'INBOX_UNAVAILABLE') {
        logger.warn(
          { topic: message.topic, pipelineId, code: err.code, bytes: message.payload.byteLength },
          'mqtt uplink refused',
        );
        return;
      }
      throw err;
    };
    return (message: InboundMessage) => {
      // neOCampus binds +/+/+ but leaves device status and command topics out.
      if (source.exclude?.some((f) => topicMatches(f, message.topic))) return RESOLVED;
      const who = message.principal;
      // The service principal (a bridge) is trusted like an external broker: the topic names the device.
      const owner = who && who.kind !== 'service' ? undefined : this.deps.deviceOf?.(message.topic, message.payload);
      if (source.devicesOnly && !fromOwnDevice(who, owner, orgId, message.topic)) return RESOLVED;
      // The service principal and an external broker (no principal) are trusted; a device or an
      // admin key, or the device a topic belongs to, only feeds pipelines of its own organisation.
      const from = who && who.kind !== 'service' ? who.orgId : owner?.orgId;
      if (from !== undefined && from !== orgId) {
        metrics.rejected('mqtt', 'FORBIDDEN');
        logger.debug({ topic: message.topic, pipelineId }, 'mqtt uplink from another organisation ignored');
        return RESOLVED;
      }
      return service
        .accept({
          pipelineId,
          orgId,
          transport: { kind: 'mqtt', topic: message.topic },
          payload: new Uint8Array(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength),
          device: who?.kind === 'device' ? { id: who.deviceId } : owner && { id: owner.id },
        })
        .then(ignore, refused(message));
    };
  }
}

/**
 * `devicesOnly`: a device session of the organisation publishing under its base topic (embedded
 * broker), or, on an external broker (no principal) or from the service login, a topic the
 * directory resolves to one of the organisation's devices. Anything else (an API key, a topic of
 * no device) is not for this source.
 */
function fromOwnDevice(
  who: InboundMessage['principal'],
  owner: { orgId: string } | undefined,
  orgId: string,
  topic: string,
): boolean {
  if (who?.kind === 'device') return who.orgId === orgId && topic.startsWith(`${who.baseTopic}/`);
  return who?.kind !== 'key' && owner?.orgId === orgId;
}
