import { describe, expect, it } from 'vitest';
import { knownOrgs, mergeOrgs, rememberOrg } from './known-orgs.js';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe('organisations remembered for the switcher', () => {
  it('remembers each organisation once, by slug, sorted by name, the latest name winning', () => {
    const s = memory();
    rememberOrg({ slug: 'lab', name: 'Lab' }, s);
    rememberOrg({ slug: 'campus', name: 'Campus' }, s);
    rememberOrg({ slug: 'lab', name: 'Laboratory' }, s);
    expect(knownOrgs(s)).toEqual([
      { slug: 'campus', name: 'Campus' },
      { slug: 'lab', name: 'Laboratory' },
    ]);
  });

  it('ignores what it cannot read', () => {
    const s = memory();
    s.setItem('polder.organisations', '{not json');
    expect(knownOrgs(s)).toEqual([]);
    s.setItem('polder.organisations', '[{"slug":1},{"slug":"a","name":"A"}]');
    expect(knownOrgs(s)).toEqual([{ slug: 'a', name: 'A' }]);
    expect(mergeOrgs([{ slug: 'a', name: 'A' }], [{ slug: 'b', name: 'B' }]).map((o) => o.slug)).toEqual(['a', 'b']);
  });
});
