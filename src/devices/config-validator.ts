import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { DomainError, invalid } from '../shared/errors.js';
import type { DeviceType } from './devices.js';

// ajv-formats is CommonJS: under NodeNext its default export arrives as the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv2020) => Ajv2020;

/** Upper bound on a type's schema, so a hostile schema cannot make compilation expensive. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

export interface ConfigProblem {
  /** JSON pointer into the config (`/frequency`, `/modules/0/unit`; `` is the config itself). */
  pointer: string;
  /** The JSON Schema keyword that failed (`maximum`, `required`, `type` …). */
  rule: string;
  message: string;
}

function problemOf(e: ErrorObject): ConfigProblem {
  let pointer = e.instancePath;
  // `required` and `additionalProperties` fail on the parent object: point at the property itself.
  const prop =
    (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
    (e.params as { additionalProperty?: string }).additionalProperty;
  if (typeof prop === 'string') pointer += `/${prop.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  const where = pointer || '/';
  if (e.keyword === 'required') return { pointer, rule: e.keyword, message: `${where} is required` };
  if (e.keyword === 'additionalProperties') return { pointer, rule: e.keyword, message: `${where} is not allowed` };
  return { pointer, rule: e.keyword, message: `${where} ${e.message ?? 'is invalid'}` };
}

/**
 * One Ajv per schema: schemas of different organisations may reuse the same `$id`, which one
 * shared instance would refuse (and it would keep every schema ever compiled).
 */
function compile(schema: object): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * Validates device configs against their type's JSON Schema (draft 2020-12). Compiled
 * validators are cached per type and revision (`updatedAt`), so a type update is picked up at
 * once, in this process and in any other that shares the database.
 */
export class ConfigValidator {
  private readonly cache = new Map<string, { revision: number; validate: ValidateFunction }>();

  /** Throws VALIDATION_FAILED naming `configSchema` when the schema is not a usable 2020-12 schema. */
  checkSchema(schema: unknown): void {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      throw invalid('configSchema', 'configSchema must be a JSON Schema object');
    if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES)
      throw invalid('configSchema', `configSchema is larger than ${MAX_SCHEMA_BYTES} bytes`);
    try {
      compile(schema);
    } catch (err) {
      throw invalid('configSchema', `configSchema is not a valid JSON Schema: ${(err as Error).message}`);
    }
  }

  /** Every problem of `config` under the type's schema (empty when valid). */
  problems(type: DeviceType, config: unknown): ConfigProblem[] {
    const validate = this.validatorOf(type);
    if (validate(config)) return [];
    return (validate.errors ?? []).map(problemOf);
  }

  /** Throws VALIDATION_FAILED with details.field = the JSON pointer and details.rule = the keyword. */
  check(type: DeviceType, config: unknown): void {
    const problems = this.problems(type, config);
    const first = problems[0];
    if (!first) return;
    throw new DomainError('VALIDATION_FAILED', `config does not match the schema of type ${type.name}: ${first.message}`, {
      field: first.pointer || '/',
      rule: first.rule,
      errors: problems.map((p) => ({ field: p.pointer || '/', rule: p.rule, message: p.message })),
    });
  }

  forget(typeId: string) {
    this.cache.delete(typeId);
  }

  private validatorOf(type: DeviceType): ValidateFunction {
    const hit = this.cache.get(type.id);
    if (hit && hit.revision === type.updatedAt) return hit.validate;
    const validate = compile(type.configSchema);
    this.cache.set(type.id, { revision: type.updatedAt, validate });
    return validate;
  }
}
