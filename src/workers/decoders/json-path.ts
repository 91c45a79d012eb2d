/**
 * The path language of json-map: `a.b`, `a[0].b`, `['Battery Status']`, `$.a`, and `*` for any
 * key or index. Small on purpose: no filters, no recursion.
 */
export type Segment = string | number | '*';

export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  while (i < path.length) {
    const c = path.charAt(i);
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new Error(`unclosed [ at ${i}`);
      const inner = path.slice(i + 1, close).trim();
      const quoted = /^(['"])(.*)\1$/.exec(inner);
      if (quoted) out.push(quoted[2] ?? '');
      else if (inner === '*') out.push('*');
      else if (/^\d+$/.test(inner)) out.push(Number(inner));
      else throw new Error(`[${inner}] is neither an index, '*' nor a quoted key`);
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < path.length && path.charAt(j) !== '.' && path.charAt(j) !== '[') j++;
    out.push(path.slice(i, j));
    i = j;
  }
  if (out.length === 0) throw new Error('path is empty');
  return out;
}

export interface Match {
  value: unknown;
  /** The keys the wildcards matched, in order. */
  wild: string[];
  /** The concrete path, for messages. */
  at: string;
}

/** Every value a path reaches; none when a key is missing. */
export function select(root: unknown, path: Segment[]): Match[] {
  let current: Match[] = [{ value: root, wild: [], at: '$' }];
  for (const seg of path) {
    const next: Match[] = [];
    for (const m of current) {
      const v = m.value;
      if (seg === '*') {
        if (Array.isArray(v)) {
          v.forEach((x, i) => {
            next.push({ value: x, wild: [...m.wild, String(i)], at: `${m.at}[${i}]` });
          });
        } else if (typeof v === 'object' && v !== null) {
          for (const [k, x] of Object.entries(v)) next.push({ value: x, wild: [...m.wild, k], at: `${m.at}.${k}` });
        }
      } else if (typeof seg === 'number') {
        if (Array.isArray(v) && seg < v.length) next.push({ value: v[seg], wild: m.wild, at: `${m.at}[${seg}]` });
      } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, seg)) {
        next.push({ value: (v as Record<string, unknown>)[seg], wild: m.wild, at: `${m.at}.${seg}` });
      }
    }
    current = next;
  }
  return current;
}
