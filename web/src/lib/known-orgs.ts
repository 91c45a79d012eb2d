/**
 * Organisations this browser has signed in to, remembered (localStorage) by the login and
 * invitation pages. The header's switcher no longer reads it: it lists the user's memberships
 * from `GET /api/auth/organisations`.
 */
export interface KnownOrg {
  slug: string;
  name: string;
}

const KEY = 'polder.organisations';

export function mergeOrgs(known: readonly KnownOrg[], more: readonly KnownOrg[]): KnownOrg[] {
  const bySlug = new Map(known.map((o) => [o.slug, o]));
  for (const o of more) bySlug.set(o.slug, o);
  return [...bySlug.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function knownOrgs(storage: Pick<Storage, 'getItem'> = localStorage): KnownOrg[] {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((o): o is KnownOrg => typeof o?.slug === 'string' && typeof o?.name === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberOrg(org: KnownOrg, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {
  storage.setItem(KEY, JSON.stringify(mergeOrgs(knownOrgs(storage), [{ slug: org.slug, name: org.name }])));
}
