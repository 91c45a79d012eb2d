import { deriveBaseTopic, reservedRootProblem } from '../locations/base-topic.js';
import type { LocationScope } from '../locations/locations.js';
import type { LocationService } from '../locations/locations.service.js';
import type { Clock } from '../shared/clock.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import { depthError, tooDeepAt } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { ConfigValidator } from './config-validator.js';
import { type DraftContext, draftDevice, inputOf, loginCandidate, priorOf } from './device-draft.js';
import type { DeviceEvents } from './device-events.js';
import type { DeviceTypeService } from './device-types.service.js';
import type { Device, DeviceFilter, DeviceInput, DevicePatch, DeviceRow, DeviceSort, DeviceStore } from './devices.js';
import {
  IDENTITY_EXAMPLES,
  IDENTITY_KINDS,
  type Identity,
  type IdentityKind,
  identityCandidates,
  normaliseIdentityValue,
} from './identity.js';

/** A device list request as the query string carries it (raw strings, parsed here). */
export interface DeviceListQuery {
  site?: string | undefined;
  building?: string | undefined;
  room?: string | undefined;
  type?: string | undefined;
  state?: string | undefined;
  enabled?: boolean | undefined;
  /** `kind:value` or a bare value in any notation. */
  identity?: string | undefined;
  q?: string | undefined;
  /** `minLon,minLat,maxLon,maxLat` */
  bbox?: string | undefined;
  /** `lat,lon`, with `radius` in metres. */
  near?: string | undefined;
  radius?: number | undefined;
  /** A JSON object the device's properties must contain. */
  properties?: string | undefined;
}

function numbers(text: string, n: number, field: string, shape: string): number[] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== n || parts.some((p) => !Number.isFinite(p))) throw invalid(field, `${field} must be ${shape}`);
  return parts;
}

/** Devices of an organisation: CRUD, lists with filters, and the lookups the pipeline uses. */
export class DeviceService {
  constructor(
    private readonly store: DeviceStore,
    private readonly types: DeviceTypeService,
    private readonly locations: LocationService,
    private readonly validator: ConfigValidator,
    private readonly events: DeviceEvents,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
  ) {}

  private context(orgId: string): DraftContext {
    return {
      orgId,
      type: async (ref) => {
        try {
          return await this.types.ref(orgId, ref);
        } catch {
          return undefined;
        }
      },
      location: this.locations.lookup(orgId),
      validator: this.validator,
      now: this.clock(),
      newId: this.newId,
    };
  }

  async create(orgId: string, input: DeviceInput): Promise<Device> {
    const { row } = await draftDevice(this.context(orgId), input, undefined, true);
    await this.checkUnique(orgId, row);
    if (row.mqttLogin !== null) row.mqttLogin = await this.freeLogin(row.code);
    await this.store.insert(row);
    const device = await this.get(orgId, row.id);
    await this.events.emit('deviceSaved', { device });
    return device;
  }

  /** A device by id or code; 404 when absent or in another organisation. */
  async get(orgId: string, idOrCode: string): Promise<Device> {
    const device = await this.store.find(orgId, idOrCode);
    if (!device) throw notFound('device', idOrCode);
    return device;
  }

  async list(orgId: string, query: DeviceListQuery, sort: DeviceSort, page: PageRequest): Promise<Page<Device>> {
    return this.store.list(orgId, await this.filterOf(orgId, query), sort, page);
  }

  /** Every matching device in code order (export). */
  async all(orgId: string, query: DeviceListQuery): Promise<Device[]> {
    return this.store.all(orgId, await this.filterOf(orgId, query));
  }

  /**
   * Applies a partial change. `location` is replaced as a whole; `baseTopic: null` drops an
   * override. The config is validated when it or the type changes (a type's new schema applies
   * from a device's next config change).
   */
  async update(orgId: string, idOrCode: string, patch: DevicePatch): Promise<Device> {
    const current = await this.get(orgId, idOrCode);
    const input: DeviceInput = { ...inputOf(current), ...patch } as DeviceInput;
    if (patch.location !== undefined) input.location = patch.location;
    const newType = patch.type === undefined ? undefined : await this.types.ref(orgId, patch.type);
    const checkConfig = patch.config !== undefined || (newType !== undefined && newType.id !== current.typeId);
    const { row, type } = await draftDevice(this.context(orgId), input, priorOf(current, null), checkConfig);
    await this.checkUnique(orgId, row, current.id);
    const stillMqtt = type.connectivity === 'mqtt' && current.connectivity === 'mqtt';
    const { mqttPasswordHash, mqttPasswordDelivered, ...rest } = row;
    // The password digest is only read by the store; leave it alone unless MQTT is switched off.
    const write: Partial<DeviceRow> = stillMqtt ? rest : { ...rest, mqttPasswordHash, mqttPasswordDelivered };
    // The fleet owns the state between enabling and disabling: do not write back what was read.
    if (row.enabled === current.enabled) delete write.state;
    if (write.mqttLogin !== null && write.mqttLogin !== undefined && write.mqttLogin !== current.mqttLogin)
      write.mqttLogin = await this.freeLogin(row.code);
    await this.store.update(orgId, current.id, write);
    const updated = await this.get(orgId, current.id);
    if (current.enabled && !updated.enabled) await this.events.emit('deviceDisabled', updated);
    await this.events.emit('deviceSaved', { device: updated, previous: current });
    return updated;
  }

  async delete(orgId: string, idOrCode: string): Promise<void> {
    const device = await this.get(orgId, idOrCode);
    const ids = await this.store.datastreamIds(orgId, device.id);
    await this.store.delete(orgId, device.id);
    await this.events.emit('deviceDeleted', device);
    if (ids.length > 0) await this.events.emit('datastreamsDeleted', { orgId, ids });
  }

  /**
   * Recomputes derived base topics after a location change (listener of LocationService). An
   * MQTT device whose new topic would overlap another organisation's (or lie under Polder's
   * roots) gets none: it is refused at CONNACK until given another location or baseTopic, rather
   * than receive another tenant's orders.
   */
  async refreshBaseTopics(orgId: string, scope: LocationScope): Promise<number> {
    const inputs = await this.store.topicInputs(orgId, scope);
    const topics = inputs.map((d) => ({
      id: d.id,
      baseTopic:
        d.location.siteSlug === null
          ? null
          : deriveBaseTopic({
              siteSlug: d.location.siteSlug,
              siteIsDefault: d.siteIsDefault,
              buildingSlug: d.location.buildingSlug,
              roomSlug: d.location.roomSlug,
              outdoor: d.location.outdoor,
            }),
    }));
    const refused = new Map<string, boolean>();
    for (const [i, t] of topics.entries()) {
      if (!inputs[i]?.mqtt || t.baseTopic === null) continue;
      const topic = t.baseTopic;
      if (!refused.has(topic))
        refused.set(
          topic,
          reservedRootProblem(topic) !== undefined || (await this.store.baseTopicHeldElsewhere(orgId, topic)) !== undefined,
        );
      if (refused.get(topic)) t.baseTopic = null;
    }
    if (topics.length > 0) {
      await this.store.setBaseTopics(orgId, topics, this.clock());
      await this.events.emit('devicesChanged', { orgId, ids: topics.map((t) => t.id) });
    }
    return topics.length;
  }

  /** Tells listeners (the broker) about devices a bulk import wrote. */
  async announceChanged(orgId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.events.emit('devicesChanged', { orgId, ids });
  }

  /** Tells listeners (the broker) about devices a bulk import disabled. */
  async announceDisabled(orgId: string, codes: string[]): Promise<void> {
    for (const code of codes) {
      const device = await this.store.find(orgId, code);
      if (device && !device.enabled) await this.events.emit('deviceDisabled', device);
    }
  }

  // ---- lookups for the pipeline and the broker --------------------------------------------

  /** The device with this identity (any notation) in the organisation, if any. */
  async findByIdentity(orgId: string, kind: IdentityKind, value: string): Promise<Device | undefined> {
    const canonical = normaliseIdentityValue(kind, value);
    if (canonical === undefined) return undefined;
    return (await this.store.findByIdentity({ kind, value: canonical }, orgId))[0];
  }

  findByCode(orgId: string, code: string): Promise<Device | undefined> {
    return this.store.find(orgId, code);
  }

  /** Devices publishing under this base topic (several devices may share a room's topic). */
  findByBaseTopic(topic: string, orgId?: string): Promise<Device[]> {
    return this.store.findByBaseTopic(topic, orgId);
  }

  // ---- helpers -------------------------------------------------------------------------

  private async checkUnique(orgId: string, row: DeviceRow, selfId?: string) {
    const byCode = await this.store.find(orgId, row.code);
    if (byCode && byCode.id !== selfId) throw conflict('code', row.code);
    if (row.identityKind !== null && row.identityValue !== null) {
      // Identities are platform-wide (docs/devices.md): another organisation's holder is not named.
      const same = await this.store.findByIdentity({ kind: row.identityKind, value: row.identityValue });
      const other = same.find((d) => d.id !== selfId);
      if (other)
        throw conflict(
          'identity',
          row.identityValue,
          other.orgId === orgId
            ? `identity ${row.identityKind} ${row.identityValue} belongs to device ${other.code}`
            : `identity ${row.identityKind} ${row.identityValue} is registered already`,
        );
    }
    await this.checkBaseTopic(orgId, row);
  }

  /**
   * An MQTT device's base topic must not overlap another organisation's (equal, prefix or under
   * it: one would get the other's orders) nor lie under Polder's own roots. The answer names
   * the field, never the other organisation.
   */
  private async checkBaseTopic(orgId: string, row: DeviceRow) {
    if (row.mqttLogin === null || row.baseTopic === null) return;
    const field = row.baseTopicOverride ? 'baseTopic' : 'location';
    const reserved = reservedRootProblem(row.baseTopic);
    if (reserved) throw conflict(field, row.baseTopic, `base topic ${row.baseTopic} ${reserved}`);
    const held = await this.store.baseTopicHeldElsewhere(orgId, row.baseTopic);
    if (held !== undefined)
      throw conflict(
        field,
        row.baseTopic,
        `base topic ${row.baseTopic} overlaps a base topic already in use on this broker; choose another baseTopic or location`,
      );
  }

  /** MQTT logins are global (the broker has no organisations): the code, or a cut code with a suffix if taken or long. */
  private async freeLogin(code: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const login = loginCandidate(code, attempt);
      if ((await this.store.loginsTaken([login])).size === 0) return login;
    }
  }

  private async filterOf(orgId: string, q: DeviceListQuery): Promise<DeviceFilter> {
    const f: DeviceFilter = { state: q.state, enabled: q.enabled, text: q.q };
    if (q.site !== undefined) f.siteId = await this.locations.matchSite(orgId, q.site);
    if (q.building !== undefined) f.buildingIds = await this.locations.matchBuildings(orgId, q.building, f.siteId);
    if (q.room !== undefined)
      f.roomIds = await this.locations.matchRooms(orgId, q.room, { siteId: f.siteId, buildingIds: f.buildingIds });
    if (q.type !== undefined) f.typeId = (await this.types.ref(orgId, q.type)).id;
    if (q.identity !== undefined) f.identities = identitiesOf(q.identity);
    if (q.bbox !== undefined) {
      const [minLon, minLat, maxLon, maxLat] = numbers(q.bbox, 4, 'bbox', 'minLon,minLat,maxLon,maxLat') as [
        number,
        number,
        number,
        number,
      ];
      if ([minLat, maxLat].some((v) => v < -90 || v > 90) || [minLon, maxLon].some((v) => v < -180 || v > 180) || minLat > maxLat)
        throw invalid('bbox', 'bbox must be minLon,minLat,maxLon,maxLat in degrees with minLat <= maxLat');
      f.bbox = { minLon, minLat, maxLon, maxLat };
    }
    if (q.near !== undefined || q.radius !== undefined) {
      if (q.near === undefined || q.radius === undefined)
        throw invalid(q.near === undefined ? 'near' : 'radius', 'near=lat,lon goes with radius (metres)');
      const [lat, lon] = numbers(q.near, 2, 'near', 'lat,lon') as [number, number];
      if (lat < -90 || lat > 90 || lon < -180 || lon > 180) throw invalid('near', 'near must be lat,lon in degrees');
      f.near = { lat, lon, radius: q.radius };
    }
    if (q.properties !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(q.properties);
      } catch {
        throw invalid('properties', 'properties must be a JSON object, e.g. {"floor":3}');
      }
      const deep = tooDeepAt(parsed);
      if (deep) throw depthError('properties', []);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw invalid('properties', 'properties must be a JSON object, e.g. {"floor":3}');
      f.properties = parsed as Record<string, unknown>;
    }
    return f;
  }
}

/** `mac:24-0A-…` names the kind; a bare value matches every kind it could be. */
function identitiesOf(text: string): Identity[] {
  const m = /^(mac|deveui|uuid|serial):(.+)$/.exec(text);
  if (m) {
    const kind = m[1] as IdentityKind;
    const value = normaliseIdentityValue(kind, m[2] as string);
    if (value === undefined) throw invalid('identity', `${m[2]} is not a ${kind} (${IDENTITY_EXAMPLES[kind]})`);
    return [{ kind, value }];
  }
  const found = identityCandidates(text);
  if (found.length === 0)
    throw invalid('identity', `identity is kind:value (kinds ${IDENTITY_KINDS.join(', ')}) or a bare value`);
  return found;
}
