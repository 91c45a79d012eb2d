import type { ValidateFunction } from 'ajv/dist/2020.js';
import { reservedRootProblem } from '../locations/base-topic.js';
import type { LocationService } from '../locations/locations.service.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { JsonSchemas } from '../shared/json-schema.js';
import { describeProblem, dottedField, problemsOf } from '../shared/validation.js';
import type { ConfigValidator } from './config-validator.js';
import { type CsvRowProblem, devicesFromCsv, devicesToCsv } from './device-csv.js';
import { type DraftContext, draftDevice, fieldOf, loginCandidate, type Prior } from './device-draft.js';
import type { DeviceImportStore, ImportBatch } from './device-import.store.js';
import { ImportDevice } from './device-schemas.js';
import type { DeviceTypeService } from './device-types.service.js';
import type { Device, DeviceKeys, DeviceRow, DeviceStore, DeviceType, Sensor, SensorStore } from './devices.js';
import type { DeviceListQuery, DeviceService } from './devices.service.js';

/** Devices written per transaction: big enough to be fast, small enough not to hold the SQLite writer for long. */
const WRITE_BATCH = 1000;

export interface ImportReport {
  dryRun: boolean;
  /** Devices in the input. */
  total: number;
  /** Devices that would be (dry run) or were created, and updated. */
  created: number;
  updated: number;
  errors: CsvRowProblem[];
}

type Draft = {
  row: DeviceRow;
  sensors: Omit<Sensor, 'deviceId'>[];
  existing: boolean;
  needsLogin: boolean;
  /** An existing enabled device this input disables (the broker must drop its session). */
  disables: boolean;
};

function schemaProblems(row: number, validate: ValidateFunction): CsvRowProblem[] {
  return problemsOf(validate.errors).map((p) => {
    const field = dottedField(p.path) || 'device';
    const message = p.rule === 'additionalProperties' ? `${field} is not a device field` : describeProblem(field, p);
    return { row, field, message };
  });
}

/**
 * Bulk import (CSV or JSON, idempotent upsert by code, with a dry run) and export in the same
 * shape. Everything is checked before anything is written: rows are validated against the
 * schema, the organisation's types and locations (loaded once), unique codes, identities and
 * sensor keys; only an error-free input is written, in batches.
 */
export class DeviceImportService {
  private readonly validateRow: ValidateFunction;

  constructor(
    private readonly devices: DeviceService,
    private readonly deviceStore: DeviceStore,
    private readonly sensorStore: SensorStore,
    private readonly importStore: DeviceImportStore,
    private readonly types: DeviceTypeService,
    private readonly locations: LocationService,
    private readonly validator: ConfigValidator,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    schemas: JsonSchemas,
  ) {
    this.validateRow = schemas.compile(ImportDevice);
  }

  async importCsv(orgId: string, text: string, dryRun: boolean): Promise<ImportReport> {
    const { devices, problems } = devicesFromCsv(text);
    return this.run(orgId, devices, problems, dryRun);
  }

  /** JSON: an array of devices, or `{"devices": [...]}`. */
  async importJson(orgId: string, body: unknown, dryRun: boolean): Promise<ImportReport> {
    const list = Array.isArray(body) ? body : (body as { devices?: unknown } | null)?.devices;
    if (!Array.isArray(list))
      return this.run(
        orgId,
        [],
        [{ row: 0, field: 'body', message: 'expected an array of devices or {"devices": [...]}' }],
        dryRun,
      );
    return this.run(
      orgId,
      list.map((device, i) => ({ row: i + 1, device })),
      [],
      dryRun,
    );
  }

  private async run(
    orgId: string,
    input: { row: number; device: unknown }[],
    problems: CsvRowProblem[],
    dryRun: boolean,
  ): Promise<ImportReport> {
    const total = input.length + new Set(problems.filter((p) => p.row > 0).map((p) => p.row)).size;
    const drafts = await this.check(orgId, input, problems);
    problems.sort((a, b) => a.row - b.row);
    const created = drafts.filter((d) => !d.existing).length;
    const report = { dryRun, total, created, updated: drafts.length - created, errors: problems };
    if (dryRun || problems.length > 0) return report;
    for (let i = 0; i < drafts.length; i += WRITE_BATCH) {
      const part = drafts.slice(i, i + WRITE_BATCH);
      const batch: ImportBatch = { devices: part.map((d) => d.row), sensors: new Map() };
      for (const d of part) if (d.sensors.length > 0) batch.sensors.set(d.row.code, d.sensors);
      await this.importStore.writeBatch(batch);
    }
    await this.devices.announceChanged(
      orgId,
      drafts.map((d) => d.row.id),
    );
    await this.devices.announceDisabled(
      orgId,
      drafts.filter((d) => d.disables).map((d) => d.row.code),
    );
    return report;
  }

  /** Validates every row; returns the drafts of the valid ones and adds the others' problems. */
  private async check(orgId: string, input: { row: number; device: unknown }[], problems: CsvRowProblem[]): Promise<Draft[]> {
    const now = this.clock();
    const [existing, typeList, location, existingSensors] = await Promise.all([
      this.deviceStore.keys(orgId),
      this.types.all(orgId),
      this.locations.snapshot(orgId),
      this.sensorStore.ofDevices(orgId),
    ]);
    const typeBy = new Map<string, DeviceType>();
    for (const t of typeList) typeBy.set(t.id, t).set(t.name, t);
    const ctx: DraftContext = {
      orgId,
      type: async (ref) => typeBy.get(ref.toLowerCase()) ?? typeBy.get(ref),
      location,
      validator: this.validator,
      now,
      newId: this.newId,
    };
    const byCode = new Map<string, DeviceKeys>(existing.map((d) => [d.code, d]));
    const sensorsOf = new Map<string, Sensor[]>();
    for (const s of existingSensors) sensorsOf.set(s.deviceId, [...(sensorsOf.get(s.deviceId) ?? []), s]);

    const drafts: Draft[] = [];
    const rowOfCode = new Map<string, number>();
    const add = (row: number, field: string, message: string) => problems.push({ row, field, message });

    for (const { row, device } of input) {
      if (!this.validateRow(device)) {
        problems.push(...schemaProblems(row, this.validateRow));
        continue;
      }
      const d = device as ImportDevice;
      const seen = rowOfCode.get(d.code);
      if (seen !== undefined) {
        add(row, 'code', `code ${d.code} is also on row ${seen}`);
        continue;
      }
      rowOfCode.set(d.code, row);
      const prior = byCode.get(d.code);
      let draft: { row: DeviceRow; type: DeviceType };
      try {
        draft = await draftDevice(ctx, d, prior && priorFromKeys(prior), true);
      } catch (err) {
        const { field, message } = fieldOf(err);
        // Config problems carry a JSON pointer: name it under config.
        add(row, field.startsWith('/') ? `config${field === '/' ? '' : field}` : field, message);
        continue;
      }
      const sensors = this.draftSensors(row, orgId, d, prior?.id, prior ? (sensorsOf.get(prior.id) ?? []) : [], now, add);
      const needsLogin = draft.row.mqttLogin !== null && (prior === undefined || prior.mqttLogin === null);
      const disables = prior !== undefined && prior.state !== 'disabled' && !draft.row.enabled;
      if (sensors) drafts.push({ row: draft.row, sensors, existing: prior !== undefined, needsLogin, disables });
    }

    this.checkIdentities(drafts, existing, rowOfCode, add);
    await this.checkBaseTopics(orgId, drafts, rowOfCode, add);
    await this.checkIdentitiesElsewhere(orgId, drafts, rowOfCode, add);
    await this.assignLogins(drafts);
    const bad = new Set(problems.map((p) => p.row));
    return drafts.filter((d) => !bad.has(rowOfCode.get(d.row.code) ?? 0));
  }

  /** As DeviceService does one by one: no MQTT base topic overlapping another organisation's, none under Polder's roots. */
  private async checkBaseTopics(
    orgId: string,
    drafts: Draft[],
    rowOfCode: Map<string, number>,
    add: (row: number, field: string, message: string) => void,
  ) {
    const verdicts = new Map<string, string | undefined>();
    for (const { row: d } of drafts) {
      if (d.mqttLogin === null || d.baseTopic === null) continue;
      if (!verdicts.has(d.baseTopic)) {
        const reserved = reservedRootProblem(d.baseTopic);
        const held = reserved ? undefined : await this.deviceStore.baseTopicHeldElsewhere(orgId, d.baseTopic);
        verdicts.set(
          d.baseTopic,
          reserved ?? (held === undefined ? undefined : 'overlaps a base topic already in use on this broker'),
        );
      }
      const problem = verdicts.get(d.baseTopic);
      if (problem)
        add(rowOfCode.get(d.code) ?? 0, d.baseTopicOverride ? 'baseTopic' : 'location', `base topic ${d.baseTopic} ${problem}`);
    }
  }

  private draftSensors(
    row: number,
    orgId: string,
    d: ImportDevice,
    deviceId: string | undefined,
    stored: Sensor[],
    now: number,
    add: (row: number, field: string, message: string) => void,
  ): Omit<Sensor, 'deviceId'>[] | undefined {
    const out: Omit<Sensor, 'deviceId'>[] = [];
    const codes = new Set<string>();
    const externals = new Map<string, string>();
    const before = new Map(stored.map((s) => [s.code, s]));
    let ok = true;
    (d.sensors ?? []).forEach((s, i) => {
      const externalId = s.externalId ?? s.code;
      if (codes.has(s.code)) {
        add(row, `sensors.${i}.code`, `sensor code ${s.code} appears twice`);
        ok = false;
      }
      if (externals.has(externalId)) {
        add(row, `sensors.${i}.externalId`, `sensor externalId ${externalId} appears twice`);
        ok = false;
      }
      codes.add(s.code);
      externals.set(externalId, s.code);
      const prior = before.get(s.code);
      out.push({
        id: prior?.id ?? this.newId(),
        orgId,
        code: s.code,
        externalId,
        brand: s.brand ?? null,
        model: s.model ?? null,
        description: s.description ?? null,
        properties: s.properties ?? {},
        archiveDays: s.archiveDays ?? null,
        createdAt: prior?.createdAt ?? now,
        updatedAt: now,
      });
    });
    // Sensors the file does not list stay; their externalIds must not clash with the file's.
    if (deviceId !== undefined)
      for (const s of stored)
        if (!codes.has(s.code) && externals.has(s.externalId)) {
          add(row, 'sensors', `externalId ${s.externalId} belongs to sensor ${s.code} of this device`);
          ok = false;
        }
    return ok ? out : undefined;
  }

  /** Identities stay unique in the organisation once every row is applied. */
  private checkIdentities(
    drafts: Draft[],
    existing: DeviceKeys[],
    rowOfCode: Map<string, number>,
    add: (row: number, field: string, message: string) => void,
  ) {
    const holder = new Map<string, string>();
    for (const e of existing)
      if (e.identityKind !== null && !rowOfCode.has(e.code)) holder.set(`${e.identityKind}:${e.identityValue}`, e.code);
    for (const d of drafts) {
      if (d.row.identityKind === null) continue;
      const key = `${d.row.identityKind}:${d.row.identityValue}`;
      const other = holder.get(key);
      if (other !== undefined) add(rowOfCode.get(d.row.code) ?? 0, 'identity', `identity ${key} belongs to device ${other}`);
      else holder.set(key, d.row.code);
    }
  }

  /** Identities are platform-wide: one another organisation holds is refused, without saying who holds it. */
  private async checkIdentitiesElsewhere(
    orgId: string,
    drafts: Draft[],
    rowOfCode: Map<string, number>,
    add: (row: number, field: string, message: string) => void,
  ) {
    const wanted = drafts.flatMap((d) =>
      d.row.identityKind !== null && d.row.identityValue !== null
        ? [{ kind: d.row.identityKind, value: d.row.identityValue }]
        : [],
    );
    if (wanted.length === 0) return;
    const taken = await this.deviceStore.identitiesElsewhere(orgId, wanted);
    for (const d of drafts) {
      const key = `${d.row.identityKind}:${d.row.identityValue}`;
      if (taken.has(key)) add(rowOfCode.get(d.row.code) ?? 0, 'identity', `identity ${key} is registered already`);
    }
  }

  /**
   * MQTT devices without a login yet get their code (logins are global: checked across
   * organisations), or a cut code with a random suffix when taken or too long.
   */
  private async assignLogins(drafts: Draft[]) {
    let wanted = drafts.filter((d) => d.needsLogin);
    for (let attempt = 0; wanted.length > 0; attempt++) {
      const taken = await this.deviceStore.loginsTaken(wanted.map((d) => d.row.mqttLogin as string));
      const seen = new Set<string>();
      const retry: Draft[] = [];
      for (const d of wanted) {
        const login = d.row.mqttLogin as string;
        if (taken.has(login) || seen.has(login)) {
          d.row.mqttLogin = loginCandidate(d.row.code, attempt + 1);
          retry.push(d);
        } else seen.add(login);
      }
      wanted = retry;
    }
  }

  // ---- export ----------------------------------------------------------------------------

  /** Devices (filtered like the list) with their sensors, in the shape import takes. */
  async exportDevices(orgId: string, query: DeviceListQuery): Promise<ImportDevice[]> {
    const devices = await this.devices.all(orgId, query);
    const filtered = Object.values(query).some((v) => v !== undefined);
    const sensors = await this.sensorStore.ofDevices(orgId, filtered ? devices.map((d) => d.id) : undefined);
    const sensorsOf = new Map<string, Sensor[]>();
    for (const s of sensors) sensorsOf.set(s.deviceId, [...(sensorsOf.get(s.deviceId) ?? []), s]);
    return devices.map((d) => exportShape(d, sensorsOf.get(d.id) ?? []));
  }

  async exportCsv(orgId: string, query: DeviceListQuery): Promise<string> {
    return devicesToCsv(await this.exportDevices(orgId, query));
  }
}

function priorFromKeys(k: DeviceKeys): Prior {
  return {
    id: k.id,
    mqttLogin: k.mqttLogin,
    mqttPasswordHash: k.mqttPasswordHash,
    mqttPasswordDelivered: k.mqttPasswordDelivered,
    state: k.state,
    createdAt: k.createdAt,
  };
}

function exportShape(d: Device, sensors: Sensor[]): ImportDevice {
  const location: NonNullable<ImportDevice['location']> = {};
  if (d.location.siteSlug !== null) location.site = d.location.siteSlug;
  if (d.location.buildingSlug !== null) location.building = d.location.buildingSlug;
  if (d.location.roomSlug !== null) location.room = d.location.roomSlug;
  if (d.location.outdoor !== null) location.outdoor = d.location.outdoor;
  return {
    code: d.code,
    type: d.typeName ?? '',
    identity: d.identity,
    description: d.description,
    location,
    ...(d.baseTopicOverride && d.baseTopic !== null && { baseTopic: d.baseTopic }),
    latitude: d.latitude,
    longitude: d.longitude,
    altitude: d.altitude,
    locationDescription: d.locationDescription,
    properties: d.properties,
    config: d.config,
    enabled: d.enabled,
    offlineAfter: d.offlineAfter,
    sensors: sensors
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .map((s) => ({
        code: s.code,
        externalId: s.externalId,
        brand: s.brand,
        model: s.model,
        description: s.description,
        properties: s.properties,
        archiveDays: s.archiveDays,
      })),
  };
}
