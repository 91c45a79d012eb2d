import { type EntitySet, isSetName, observationKey, SETS } from './entities.js';
import type { Constraint } from './sta-reader.js';

/** One segment of a resource path: `Things`, `Things('x')`, `Datastreams(5)`, `name`, `$value`, `$ref`. */
export interface Segment {
  name: string;
  key?: string | undefined;
  /** The key was a quoted string: a registry key rather than an integer alias. */
  quoted?: boolean;
}

export class PathError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
  }
}

/** Splits `/Things('a(b)')/Datastreams` (already without the version prefix) into segments. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '/') {
      i++;
      continue;
    }
    const m = /^[$\w@.]+/.exec(path.slice(i));
    if (!m) throw new PathError(`bad resource path at '${path.slice(i, i + 20)}'`, 400);
    const name = m[0];
    i += name.length;
    let key: string | undefined;
    let quoted = false;
    if (path[i] === '(') {
      let j = i + 1;
      if (path[j] === "'") {
        quoted = true;
        // A quoted key: '' is an escaped quote.
        j++;
        let value = '';
        for (;;) {
          const q = path.indexOf("'", j);
          if (q < 0) throw new PathError('unterminated quoted id', 400);
          value += path.slice(j, q);
          if (path[q + 1] === "'") {
            value += "'";
            j = q + 2;
            continue;
          }
          j = q + 1;
          break;
        }
        key = value;
      } else {
        const close = path.indexOf(')', j);
        if (close < 0) throw new PathError('unbalanced parenthesis in resource path', 400);
        key = path.slice(j, close);
        j = close;
      }
      if (path[j] !== ')') throw new PathError('expected ) after the id', 400);
      i = j + 1;
    }
    if (i < path.length && path[i] !== '/') throw new PathError(`bad resource path at '${path.slice(i, i + 20)}'`, 400);
    segments.push({ name, key, ...(quoted && { quoted }) });
  }
  return segments;
}

/**
 * The constraint selecting one entity of `set` by the id in a URL; undefined when no entity can
 * have it. An integer is the `@iot.id`; a quoted string is the registry's own key (a device's
 * UUID), which older links and Polder's API use.
 */
export function keyConstraint(set: EntitySet, key: string, quoted = false): Constraint | undefined {
  if (set.name === 'Observations') {
    const k = observationKey(key);
    return (
      k && [
        { col: 'ds_id', value: k.dsId },
        { col: 'time', value: k.time },
      ]
    );
  }
  if (set.key === 'int' && !(quoted && set.alias)) {
    if (!/^\d{1,16}$/.test(key) || !Number.isSafeInteger(Number(key))) return undefined;
    return [{ col: set.idCol, value: Number(key) }];
  }
  return [{ col: 'id', value: key }];
}

export function setOf(segment: Segment): EntitySet {
  if (!isSetName(segment.name)) throw new PathError(`no entity set '${segment.name}'`, 404);
  return SETS[segment.name];
}
