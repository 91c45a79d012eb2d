import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid } from '../shared/errors.js';
import { depthError, MALFORMED_TEXT, tooDeepAt } from '../shared/json.js';

/**
 * Input checks every route gets, in one place:
 * - JSON bodies are parsed by Fastify's own parser (prototype poisoning refused), then refused
 *   when nested deeper than MAX_JSON_DEPTH (400 naming the field);
 * - numbers must be finite: Ajv's type coercion turns `limit=Infinity`, `?radius=1e400` or a
 *   body's `"latitude": "Infinity"` into Infinity, and then skips `minimum`/`maximum` for it;
 * - text (values and keys) must be well-formed Unicode without NUL: PostgreSQL stores neither
 *   NUL nor lone surrogates, in text or JSON.
 * Each refusal is a 400 VALIDATION_FAILED naming the field (`querystring.limit`, `body.name`).
 */
export function registerInputGuards(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parseJson(request, body as string, (err, value) => {
      if (err) return done(err, undefined);
      const path = tooDeepAt(value);
      return path ? done(depthError('body', path), undefined) : done(null, value);
    });
  });

  // Callback style, not async: every request runs it, and a promise per request is not free.
  app.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
    const bad =
      badValueAt('params', request.params) ?? badValueAt('querystring', request.query) ?? badValueAt('body', request.body);
    done(bad ? invalid(bad.field, `${bad.field}: ${bad.rule}`) : undefined);
  });
}

type Bad = { path: string[]; rule: string };

/** `body.location.latitude`: where validated input holds a value no store can keep (raw bodies, bytes, are not looked into). */
function badValueAt(where: string, value: unknown): { field: string; rule: string } | undefined {
  const bad = badIn(value);
  if (bad === undefined) return undefined;
  bad.path.push(where);
  return { field: bad.path.reverse().join('.'), rule: bad.rule };
}

/**
 * The first bad value under `v`, its path from the innermost key outwards. Nothing is allocated
 * while all is well (every request runs this); the order is a depth-first walk that checks an
 * object's keys, then its values from the last to the first.
 */
function badIn(v: unknown): Bad | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { path: [], rule: 'must be a finite number' };
  if (typeof v === 'string')
    return MALFORMED_TEXT.test(v) ? { path: [], rule: 'must be text without NUL characters or unpaired surrogates' } : undefined;
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return undefined;
  const keys = Object.keys(v);
  for (const key of keys)
    if (MALFORMED_TEXT.test(key)) return { path: [], rule: 'keys must be text without NUL characters or unpaired surrogates' };
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    const bad = badIn((v as Record<string, unknown>)[key]);
    if (bad) {
      bad.path.push(key);
      return bad;
    }
  }
  return undefined;
}
