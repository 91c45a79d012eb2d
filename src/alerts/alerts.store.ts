import { type Kysely, type Selectable, sql } from 'kysely';
import { paginate } from '../db/paginate.js';
import type { AlertTable, Schema } from '../db/schema.js';
import { deviceIdByIdOrCode } from '../devices/device-read-models.js';
import { fromJsonColumn, toJsonColumn } from '../shared/json.js';
import type { Page, PageRequest } from '../shared/page.js';
import type { Alert, AlertDraft, AlertFilter, AlertStatus, AlertStore, Severity } from './alerts.js';

const toAlert = (r: Selectable<AlertTable>): Alert => ({
  id: r.id,
  orgId: r.org_id,
  kind: r.kind,
  severity: r.severity as Severity,
  status: r.status as AlertStatus,
  subjectType: r.subject_type as Alert['subjectType'],
  subjectId: r.subject_id,
  subjectName: r.subject_name,
  message: r.message,
  details: fromJsonColumn(r.details, {}),
  openedAt: r.opened_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedComment: r.acknowledged_comment ?? null,
  resolvedAt: r.resolved_at,
  updatedAt: r.updated_at,
  ruleId: r.rule_id === '' ? null : r.rule_id,
});

const CHUNK = 500;

export class KyselyAlertStore implements AlertStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async openMany(orgId: string, drafts: AlertDraft[], now: number, newId: () => string): Promise<Alert[]> {
    const opened: Alert[] = [];
    for (let i = 0; i < drafts.length; i += CHUNK) {
      const rows = drafts.slice(i, i + CHUNK).map((d) => ({
        id: newId(),
        org_id: orgId,
        kind: d.kind,
        severity: d.severity,
        status: 'firing',
        subject_type: d.subjectType,
        subject_id: d.subjectId,
        subject_name: d.subjectName ?? null,
        message: d.message,
        details: toJsonColumn(d.details ?? {}),
        opened_at: now,
        acknowledged_at: null,
        acknowledged_by: null,
        acknowledged_comment: null,
        resolved_at: null,
        updated_at: now,
        rule_id: d.ruleId ?? '',
      }));
      // The partial unique index (one open alert per kind and subject) makes this idempotent.
      const inserted = await this.db
        .insertInto('alerts')
        .values(rows)
        .onConflict((oc) => oc.columns(['org_id', 'kind', 'subject_id', 'rule_id']).where('resolved_at', 'is', null).doNothing())
        .returningAll()
        .execute();
      opened.push(...inserted.map(toAlert));
    }
    return opened;
  }

  async resolveMany(orgId: string, kind: string, subjectIds: string[], now: number, ruleId = ''): Promise<Alert[]> {
    const resolved: Alert[] = [];
    for (let i = 0; i < subjectIds.length; i += CHUNK) {
      const rows = await this.db
        .updateTable('alerts')
        .set({ status: 'resolved', resolved_at: now, updated_at: now })
        .where('org_id', '=', orgId)
        .where('kind', '=', kind)
        .where('rule_id', '=', ruleId)
        .where('resolved_at', 'is', null)
        .where('subject_id', 'in', subjectIds.slice(i, i + CHUNK))
        .returningAll()
        .execute();
      resolved.push(...rows.map(toAlert));
    }
    return resolved;
  }

  async acknowledge(orgId: string, id: string, by: string, now: number, comment: string | null = null) {
    const row = await this.db
      .updateTable('alerts')
      .set({ status: 'acknowledged', acknowledged_at: now, acknowledged_by: by, acknowledged_comment: comment, updated_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('status', '=', 'firing')
      .returningAll()
      .executeTakeFirst();
    return row && toAlert(row);
  }

  async get(orgId: string, id: string) {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAlert(row);
  }

  async deviceIdOf(orgId: string, idOrCode: string): Promise<string | undefined> {
    return deviceIdByIdOrCode(this.db, orgId, idOrCode);
  }

  async list(orgId: string, f: AlertFilter, req: PageRequest): Promise<Page<Alert>> {
    let q = this.db.selectFrom('alerts').selectAll().where('org_id', '=', orgId);
    if (f.status?.length) q = q.where('status', 'in', f.status);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.severity) q = q.where('severity', '=', f.severity);
    if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
    const deviceId = f.deviceId;
    if (deviceId !== undefined) {
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('subject_type', '=', 'device'), eb('subject_id', '=', deviceId)]),
          eb.and([
            eb('subject_type', '=', 'datastream'),
            eb(
              'subject_id',
              'in',
              eb
                .selectFrom('datastreams')
                .select(sql<string>`cast(id as text)`.as('id'))
                .where('org_id', '=', orgId)
                .where('device_id', '=', deviceId),
            ),
          ]),
        ]),
      );
    }
    if (f.ruleId) q = q.where('rule_id', '=', f.ruleId);
    if (f.from !== undefined) q = q.where('opened_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('opened_at', '<', f.to);
    // Newest first: ids are UUIDv7, so descending id is descending creation time.
    const page = await paginate(q, req, [{ column: 'id', desc: true }], (r) => [r.id]);
    return { ...page, items: page.items.map(toAlert) };
  }
}
