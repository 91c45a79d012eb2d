import type { ValidateFunction } from 'ajv/dist/2020.js';
import { DomainError, invalid } from '../shared/errors.js';
import type { JsonSchemas } from '../shared/json-schema.js';
import { describeProblem, pointerField, problemsOf, validationDetails } from '../shared/validation.js';
import type { DeviceType } from './devices.js';

/** Upper bound on a type's schema, so a hostile schema cannot make compilation expensive. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

export interface ConfigProblem {
  /** JSON pointer into the config (`/frequency`, `/modules/0/unit`; `` is the config itself). */
  pointer: string;
  /** The JSON Schema keyword that failed (`maximum`, `required`, `type` …). */
  rule: string;
  message: string;
}

/**
 * Validates device configs against their type's JSON Schema (draft 2020-12). Compiled
 * validators are cached per type and revision (`updatedAt`), so a type update is picked up at
 * once, in this process and in any other that shares the database.
 */
export class ConfigValidator {
  constructor(private readonly schemas: JsonSchemas) {}

  private readonly cache = new Map<string, { revision: number; validate: ValidateFunction }>();

  /** Throws VALIDATION_FAILED naming `configSchema` when the schema is not a usable 2020-12 schema. */
  checkSchema(schema: unknown): void {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      throw invalid('configSchema', 'configSchema must be a JSON Schema object');
    if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES)
      throw invalid('configSchema', `configSchema is larger than ${MAX_SCHEMA_BYTES} bytes`);
    try {
      this.schemas.compile(schema);
    } catch (err) {
      throw invalid('configSchema', `configSchema is not a valid JSON Schema: ${(err as Error).message}`);
    }
  }

  /** Every problem of `config` under the type's schema (empty when valid). */
  problems(type: DeviceType, config: unknown): ConfigProblem[] {
    const validate = this.validatorOf(type);
    if (validate(config)) return [];
    return problemsOf(validate.errors).map((p) => {
      const where = pointerField(p.path);
      return { pointer: p.path.length === 0 ? '' : where, rule: p.rule, message: describeProblem(where, p) };
    });
  }

  /** Throws VALIDATION_FAILED with details.field = the JSON pointer and details.rule = the keyword. */
  check(type: DeviceType, config: unknown): void {
    const validate = this.validatorOf(type);
    if (validate(config)) return;
    const details = validationDetails(problemsOf(validate.errors), pointerField);
    const first = details.errors[0]?.message ?? `${details.field} is invalid`;
    throw new DomainError('VALIDATION_FAILED', `config does not match the schema of type ${type.name}: ${first}`, { ...details });
  }

  forget(typeId: string) {
    this.cache.delete(typeId);
  }

  private validatorOf(type: DeviceType): ValidateFunction {
    const hit = this.cache.get(type.id);
    if (hit && hit.revision === type.updatedAt) return hit.validate;
    const validate = this.schemas.compile(type.configSchema);
    this.cache.set(type.id, { revision: type.updatedAt, validate });
    return validate;
  }
}
