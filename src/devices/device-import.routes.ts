import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../http/auth.js';
import { errors } from '../http/schemas.js';
import type { TypedApp } from '../http/types.js';
import { DomainError, invalid } from '../shared/errors.js';
import { CSV_COLUMNS } from './device-csv.js';
import type { DeviceImportService, ImportReport } from './device-import.service.js';
import { ImportDevice } from './device-schemas.js';
import { DeviceFilterQuery } from './devices.routes.js';

function dryRunOf(raw: unknown): boolean {
  if (raw === undefined || raw === false || raw === 'false' || raw === '0') return false;
  if (raw === true || raw === 'true' || raw === '1' || raw === '') return true;
  throw invalid('querystring.dryRun', 'dryRun is true or false');
}

/** Large enough for 10,000+ devices with configs and sensors. */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

const Problem = Type.Object({
  row: Type.Integer({ description: 'Device number in the input, from 1 (0: the whole file)' }),
  field: Type.String(),
  message: Type.String(),
});
const Report = Type.Object({
  dryRun: Type.Boolean(),
  total: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  errors: Type.Array(Problem),
});

/**
 * Bulk import and export. Registered in its own plugin scope so that its text/csv body parser
 * and body limit stay with these routes.
 */
export function deviceImportRoutes(app: TypedApp, importer: DeviceImportService) {
  app.register(async (scope) => {
    const api = scope as unknown as TypedApp;
    (scope as unknown as FastifyInstance).addContentTypeParser(
      ['text/csv', 'application/csv'],
      { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );

    api.post(
      '/api/devices/import',
      {
        config: { scope: 'devices:write' },
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['devices'],
          summary: 'Import devices with their sensors (CSV or JSON): upsert by code; ?dryRun=true only reports',
          description:
            `CSV columns: ${CSV_COLUMNS.join(', ')}; properties, config and sensors cells hold JSON. ` +
            'JSON: an array of devices (the body of POST /api/devices plus sensors) or {"devices": [...]}. ' +
            'Nothing is written unless every row is valid: a dry run answers 200 with the row errors, an import with errors 400.',
          querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
          body: {
            content: {
              'text/csv': { schema: Type.String() },
              'application/json': {
                schema: Type.Union([Type.Array(ImportDevice), Type.Object({ devices: Type.Array(ImportDevice) })]),
              },
            },
          },
          response: { 200: Report, ...errors() },
        },
        // The service validates rows one by one (each error with its row): the body schema above
        // documents the shape without stopping at the first bad row. The query is read by hand.
        validatorCompiler: () => () => true,
      },
      async (request) => {
        const orgId = principalOf(request).orgId;
        const dryRun = dryRunOf((request.query as { dryRun?: unknown }).dryRun);
        const body = request.body as unknown;
        const report: ImportReport =
          typeof body === 'string'
            ? await importer.importCsv(orgId, body, dryRun)
            : await importer.importJson(orgId, body, dryRun);
        if (!dryRun && report.errors.length > 0) {
          const first = report.errors[0] as ImportReport['errors'][number];
          throw new DomainError(
            'VALIDATION_FAILED',
            `row ${first.row}: ${first.message} (${report.errors.length} error(s); nothing imported)`,
            {
              field: first.field,
              row: first.row,
              errors: report.errors,
            },
          );
        }
        return report;
      },
    );

    api.get(
      '/api/devices/export',
      {
        config: { scope: 'devices:read' },
        schema: {
          tags: ['devices'],
          summary: 'Export devices with their sensors as CSV or JSON, in the shape import takes',
          querystring: Type.Object({
            format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'json' })),
            ...DeviceFilterQuery,
          }),
          response: { 200: Type.Unknown({ description: 'text/csv, or application/json: an array of devices' }), ...errors() },
        },
      },
      async (request, reply) => {
        const orgId = principalOf(request).orgId;
        const { format, ...filters } = request.query;
        if (format === 'csv') {
          reply.header('content-type', 'text/csv; charset=utf-8');
          reply.header('content-disposition', 'attachment; filename="devices.csv"');
          return importer.exportCsv(orgId, filters);
        }
        reply.header('content-type', 'application/json; charset=utf-8');
        return JSON.stringify(await importer.exportDevices(orgId, filters));
      },
    );
  });
}
