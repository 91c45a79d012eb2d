import type { Clock } from '../shared/clock.js';
import { DomainError, invalid, notFound } from '../shared/errors.js';
import {
  type DerivedDatastream,
  type DerivedDefinition,
  type DerivedStore,
  WINDOW_AGGREGATES,
  type WindowAggregate,
} from './derived.js';
import { compile, ExpressionError } from './expression.js';
import { conversion } from './units.js';

/** What a client sends (absent optional fields take their defaults). */
export interface DerivedInput {
  inputs: Record<string, number>;
  window?: { seconds: number; aggregate: string } | null | undefined;
  expression?: string | null | undefined;
  convert?: { from: string; to: string } | null | undefined;
  latenessSeconds?: number | undefined;
  backfillSeconds?: number | undefined;
}

/** Something that follows definitions (the engine). */
export interface DerivedFollower {
  /** A new definition: computed from its `doneUntil`. */
  set(d: DerivedDatastream): void;
  /** A changed definition: stores it and recomputes the whole series (answers it with `doneUntil` reset). */
  redefine(d: DerivedDatastream): Promise<DerivedDatastream>;
  remove(datastreamId: number): void;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const MAX_INPUTS = 16;
const MAX_DEPTH = 16;

export const derivedNotFound = (id: string | number) =>
  new DomainError('DERIVED_NOT_FOUND', `datastream ${id} is not a derived datastream`, { id });

/** Derived datastream definitions: checked, kept, handed to the engine. */
export class DerivedService {
  constructor(
    private readonly store: DerivedStore,
    private readonly follower: DerivedFollower,
    private readonly clock: Clock,
  ) {}

  async get(orgId: string, id: string): Promise<DerivedDatastream> {
    const n = datastreamId(id);
    const d = n === undefined ? undefined : await this.store.find(orgId, n);
    if (!d) {
      if (n !== undefined && (await this.store.numericStreams(orgId, [n])).size > 0) throw derivedNotFound(id);
      throw notFound('datastream', id);
    }
    return d;
  }

  /**
   * Makes datastream `id` derived: computed from the backfill start on. A datastream derived
   * already gets the new definition and its whole series is recomputed from the stored inputs
   * (values the new definition does not give are removed).
   */
  async put(orgId: string, id: string, input: DerivedInput): Promise<DerivedDatastream> {
    const target = datastreamId(id);
    const targetInfo = target === undefined ? undefined : (await this.store.numericStreams(orgId, [target])).get(target);
    if (target === undefined || !targetInfo) throw notFound('datastream', id);
    if (targetInfo.valueKind !== 'number') throw invalid('datastream', 'only a numeric datastream can be derived');
    const definition = await this.check(orgId, target, input);
    const existing = await this.store.find(orgId, target);
    const d = this.draft(orgId, target, definition, existing?.createdAt);
    if (existing) return this.follower.redefine(d);
    await this.store.put(d);
    this.follower.set(d);
    return d;
  }

  /**
   * Checks a definition for a datastream about to be created (`POST /api/datastreams` with
   * `derived`): a 400 names `derived.<field>`. Answers the definition with its defaults.
   */
  async checkNew(orgId: string, input: DerivedInput): Promise<DerivedDefinition> {
    try {
      return await this.check(orgId, undefined, input);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION_FAILED' && typeof err.details?.field === 'string')
        throw new DomainError(err.code, err.message, { ...err.details, field: `derived.${err.details.field}` });
      throw err;
    }
  }

  /** Makes a datastream created now derived, with a definition `checkNew` answered. */
  async attach(orgId: string, id: number, definition: DerivedDefinition): Promise<DerivedDatastream> {
    const d = this.draft(orgId, id, definition, undefined);
    await this.store.put(d);
    this.follower.set(d);
    return d;
  }

  private draft(orgId: string, target: number, definition: DerivedDefinition, createdAt: number | undefined): DerivedDatastream {
    const now = this.clock();
    const w = definition.window ? definition.window.seconds * 1000 : 1;
    const start = now - definition.backfillSeconds * 1000;
    return {
      datastreamId: target,
      orgId,
      definition,
      doneUntil: start - (start % w),
      createdAt: createdAt ?? now,
      updatedAt: now,
    };
  }

  async remove(orgId: string, id: string): Promise<void> {
    const d = await this.get(orgId, id);
    await this.store.remove(orgId, d.datastreamId);
    this.follower.remove(d.datastreamId);
  }

  /** `target`: the datastream being derived (undefined: one not created yet, which nothing can refer to). */
  private async check(orgId: string, target: number | undefined, input: DerivedInput): Promise<DerivedDefinition> {
    const entries = Object.entries(input.inputs ?? {});
    if (entries.length === 0) throw invalid('inputs', 'name at least one input datastream: {"l1": 12}');
    if (entries.length > MAX_INPUTS) throw invalid('inputs', `at most ${MAX_INPUTS} inputs`);
    for (const [name, ds] of entries) {
      if (!NAME_RE.test(name)) throw invalid(`inputs.${name}`, 'an input name is a letter or _ then letters, digits or _');
      if (!Number.isSafeInteger(ds) || ds <= 0) throw invalid(`inputs.${name}`, 'an input is a datastream id (an integer)');
      if (ds === target) throw invalid(`inputs.${name}`, 'a derived datastream cannot be its own input');
    }
    const known = await this.store.numericStreams(
      orgId,
      entries.map(([, ds]) => ds),
    );
    for (const [name, ds] of entries) {
      const info = known.get(ds);
      if (!info) throw invalid(`inputs.${name}`, `datastream ${ds} not found`);
      if (info.valueKind !== 'number') throw invalid(`inputs.${name}`, `datastream ${ds} does not hold numbers`);
    }
    if (target !== undefined)
      await this.checkNoCycle(
        orgId,
        target,
        entries.map(([, ds]) => ds),
      );
    let window: DerivedDefinition['window'] = null;
    if (input.window) {
      const { seconds, aggregate } = input.window;
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86400 || 86400 % seconds !== 0)
        throw invalid('window.seconds', 'a window is 1 to 86400 whole seconds that divide a day (60, 300, 3600 …)');
      if (!(WINDOW_AGGREGATES as readonly string[]).includes(aggregate))
        throw invalid('window.aggregate', `one of ${WINDOW_AGGREGATES.join(', ')}`);
      window = { seconds, aggregate: aggregate as WindowAggregate };
    }
    const expression = input.expression ?? null;
    const names = new Set(entries.map(([n]) => n));
    if (expression === null && names.size > 1)
      throw invalid('expression', 'several inputs need an expression (e.g. l1 + l2 + l3)');
    if (expression !== null) {
      try {
        const { uses } = compile(expression, names);
        const unused = [...names].filter((n) => !uses.has(n));
        if (unused.length > 0) throw invalid('expression', `inputs not used by the expression: ${unused.join(', ')}`);
      } catch (err) {
        if (err instanceof ExpressionError) throw invalid('expression', err.message, { position: err.position });
        throw err;
      }
    }
    const convert = input.convert ?? null;
    if (convert && !conversion(convert.from, convert.to))
      throw invalid('convert', `no conversion from ${convert.from} to ${convert.to}`);
    const latenessSeconds = input.latenessSeconds ?? 5;
    if (!(latenessSeconds >= 0 && latenessSeconds <= 3600)) throw invalid('latenessSeconds', '0 to 3600 seconds');
    const backfillSeconds = input.backfillSeconds ?? 0;
    if (!(backfillSeconds >= 0 && backfillSeconds <= 31 * 86400)) throw invalid('backfillSeconds', '0 to 31 days');
    return { inputs: Object.fromEntries(entries), window, expression, convert, latenessSeconds, backfillSeconds };
  }

  /** A derived input whose own inputs lead back to the target would compute forever. */
  private async checkNoCycle(orgId: string, target: number, inputs: number[]): Promise<void> {
    let frontier = inputs;
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const id of frontier) {
        const d = await this.store.find(orgId, id);
        if (!d) continue;
        for (const up of Object.values(d.definition.inputs)) {
          if (up === target) throw invalid('inputs', `datastream ${id} is derived from this one: that would be a cycle`);
          next.push(up);
        }
      }
      frontier = next;
    }
  }
}

function datastreamId(id: string): number | undefined {
  const n = /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}
