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

/** `body.location.latitude`: where validated input holds a value no store can keep (raw bodies, bytes, are not looked into). */
function badValueAt(where: string, value: unknown): { field: string; rule: string } | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [where] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.value;
    if (typeof v === 'number' && !Number.isFinite(v)) return { field: item.path.join('.'), rule: 'must be a finite number' };
    if (typeof v === 'string' && MALFORMED_TEXT.test(v))
      return { field: item.path.join('.'), rule: 'must be text without NUL characters or unpaired surrogates' };
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    for (const [key, child] of Object.entries(v)) {
      if (MALFORMED_TEXT.test(key))
        return { field: item.path.join('.'), rule: 'keys must be text without NUL characters or unpaired surrogates' };
      stack.push({ value: child, path: [...item.path, key] });
    }
  }
  return undefined;
}
