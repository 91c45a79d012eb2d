import type { Rule, Scope, StreamContext } from './rules.js';

export function inScope(scope: Scope, ctx: StreamContext): boolean {
  if (scope.site && scope.site !== ctx.site) return false;
  if (scope.building && scope.building !== ctx.building) return false;
  if (scope.deviceType && scope.deviceType !== ctx.deviceType) return false;
  if (scope.device && scope.device !== ctx.deviceId && scope.device !== ctx.deviceCode) return false;
  if (scope.tags?.length && !scope.tags.every((t) => ctx.tags.includes(t))) return false;
  return true;
}

/**
 * Enabled rules indexed by (organisation, property), and per datastream the rules whose scope
 * it is in (computed once, dropped when rules change): a measurement costs a map lookup plus
 * the rules that apply to it, whatever the number of rules and datastreams.
 */
export class RuleIndex {
  private readonly byKey = new Map<string, Rule[]>();
  private readonly byId = new Map<string, Rule>();
  private readonly perStream = new Map<number, Rule[]>();

  replace(rules: Rule[]): void {
    this.byKey.clear();
    this.byId.clear();
    this.perStream.clear();
    for (const r of rules) this.add(r);
  }

  /** Puts (or replaces, or with `undefined` removes) one rule. */
  set(id: string, rule: Rule | undefined): void {
    const old = this.byId.get(id);
    if (old) {
      const key = `${old.orgId}\u0000${old.property}`;
      const list = (this.byKey.get(key) ?? []).filter((r) => r.id !== id);
      if (list.length) this.byKey.set(key, list);
      else this.byKey.delete(key);
      this.byId.delete(id);
    }
    if (rule?.enabled) this.add(rule);
    this.perStream.clear();
  }

  get(id: string): Rule | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<Rule> {
    return this.byId.values();
  }

  /** The rules that apply to a datastream. */
  rulesFor(ctx: StreamContext): Rule[] {
    let rules = this.perStream.get(ctx.datastreamId);
    if (!rules) {
      rules = (this.byKey.get(`${ctx.orgId}\u0000${ctx.property}`) ?? []).filter((r) => inScope(r.scope, ctx));
      this.perStream.set(ctx.datastreamId, rules);
    }
    return rules;
  }

  /** A datastream's context changed (device moved, retagged): match it again. */
  forget(datastreamId: number): void {
    this.perStream.delete(datastreamId);
  }

  private add(rule: Rule) {
    const key = `${rule.orgId}\u0000${rule.property}`;
    const list = this.byKey.get(key);
    if (list) list.push(rule);
    else this.byKey.set(key, [rule]);
    this.byId.set(rule.id, rule);
  }
}
