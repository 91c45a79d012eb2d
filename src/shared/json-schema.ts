import { createHash } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export arrives as the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv2020) => Ajv2020;

/** Compiled schemas kept (least recently used dropped first). */
export const JSON_SCHEMA_CACHE_SIZE = 500;

/**
 * The one Ajv (JSON Schema draft 2020-12, formats checked) for JSON Schemas Polder does not
 * write itself: device types' config schemas, and the import row shape. Polder's own shapes
 * are TypeBox, checked with TypeBox's compiler. Built once by the composition root.
 *
 * Compiled validators are cached by the schema's text, so two organisations with the same
 * schema share one. `addUsedSchema: false`: a schema's `$id` is not registered in the
 * instance, so schemas of different organisations may reuse one without clashing, and an
 * evicted schema leaves nothing behind.
 */
export class JsonSchemas {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true, addUsedSchema: false });
  private readonly cache = new Map<string, { schema: Record<string, unknown>; validate: ValidateFunction }>();

  constructor(private readonly capacity = JSON_SCHEMA_CACHE_SIZE) {
    addFormats(this.ajv);
  }

  /** The validator of `schema`; throws when it is not a valid 2020-12 schema. */
  compile(schema: object): ValidateFunction {
    const key = createHash('sha256').update(JSON.stringify(schema)).digest('base64url');
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.validate;
    }
    // Ajv keeps its own cache keyed by the schema object: compile a copy we own, so that
    // eviction can drop it (and a caller changing its object later changes nothing here).
    const own = structuredClone(schema) as Record<string, unknown>;
    const validate = this.ajv.compile(own);
    this.cache.set(key, { schema: own, validate });
    if (this.cache.size > this.capacity) this.evictOldest();
    return validate;
  }

  get size(): number {
    return this.cache.size;
  }

  private evictOldest() {
    const [key, entry] = this.cache.entries().next().value ?? [];
    if (key === undefined || entry === undefined) return;
    this.cache.delete(key);
    // removeSchema(object) also forgets the schema's `$id` among the instance's own schemas
    // (its meta-schemas): the copy loses its `$id` first, so only the cache entry goes.
    delete entry.schema.$id;
    this.ajv.removeSchema(entry.schema);
  }
}
