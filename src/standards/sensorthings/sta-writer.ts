import type { FastifyReply } from 'fastify';
import type { Database } from '../../db/database.js';
import type { MeasurementService } from '../../measurements/measurement.service.js';
import type { Clock } from '../../shared/clock.js';
import { NotImplementedError } from './filter-context.js';
import type { Segment } from './resource-path.js';
import type { Scope, StaReader } from './sta-reader.js';

/** A write refused: 400 (bad body), 404 (no such entity), 409 (integrity). */
export class WriteError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class StaWriter {
  constructor(
    readonly database: Database,
    readonly reader: StaReader,
    readonly measurements: MeasurementService,
    readonly clock: Clock,
  ) {}

  async handle(_scope: Scope, method: string, _segments: Segment[], _body: unknown, _reply: FastifyReply): Promise<unknown> {
    throw new NotImplementedError(`${method} is not supported yet`);
  }
}
