import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { PageRequest } from '../shared/page.js';
import { checkRule } from './rule-validation.js';
import type { Rule, RuleInput, RuleStore } from './rules.js';

/** Rule CRUD; every change is announced so the engine re-indexes. */
export class RuleService {
  private readonly listeners = new Set<(orgId: string, ruleId: string) => void>();

  constructor(
    private readonly store: RuleStore,
    private readonly clock: Clock,
    private readonly newId: IdGenerator,
    /** Checks that referenced things (webhooks, order devices) exist in the organisation. */
    private readonly checkRefs: (orgId: string, rule: Rule) => Promise<void> = async () => {},
  ) {}

  onChange(listener: (orgId: string, ruleId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(orgId: string, input: RuleInput): Promise<Rule> {
    checkRule(input);
    const now = this.clock();
    const rule = this.build(orgId, this.newId(), input, now, now);
    await this.checkRefs(orgId, rule);
    await this.store.insert(rule);
    this.changed(orgId, rule.id);
    return rule;
  }

  async update(orgId: string, id: string, patch: Partial<RuleInput>): Promise<Rule> {
    const old = await this.get(orgId, id);
    const input: RuleInput = { ...old, ...patch };
    checkRule(input);
    const rule = this.build(orgId, id, input, old.createdAt, this.clock());
    await this.checkRefs(orgId, rule);
    if (!(await this.store.update(rule))) throw notFound('rule', id);
    this.changed(orgId, id);
    return rule;
  }

  async remove(orgId: string, id: string): Promise<void> {
    if (!(await this.store.remove(orgId, id))) throw notFound('rule', id);
    this.changed(orgId, id);
  }

  async get(orgId: string, id: string): Promise<Rule> {
    const rule = await this.store.get(orgId, id);
    if (!rule) throw notFound('rule', id);
    return rule;
  }

  list(orgId: string, page: PageRequest) {
    return this.store.list(orgId, page);
  }

  private build(orgId: string, id: string, input: RuleInput, createdAt: number, updatedAt: number): Rule {
    return {
      id,
      orgId,
      name: input.name.trim(),
      scope: input.scope ?? {},
      property: input.property.trim(),
      condition: input.condition,
      clear: input.clear ?? null,
      severity: input.severity ?? 'warning',
      repeatSeconds: input.repeatSeconds ?? null,
      actions: input.actions?.length ? input.actions : [{ kind: 'alert' }],
      enabled: input.enabled ?? true,
      createdAt,
      updatedAt,
    };
  }

  private changed(orgId: string, id: string) {
    for (const l of this.listeners) l(orgId, id);
  }
}
