import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorHandler } from './errors.js';
import { registerInputGuards } from './input-guards.js';

async function app() {
  const a = Fastify();
  a.setErrorHandler(errorHandler);
  registerInputGuards(a);
  a.post('/echo/:id', async (request) => ({ body: request.body, query: request.query }));
  await a.ready();
  return a;
}

const post = async (url: string, payload: string) => {
  const a = await app();
  const res = await a.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
  await a.close();
  return res;
};

describe('input guards', () => {
  it('names the field of a bad value deep in a body, through objects and arrays', async () => {
    const res = await post('/echo/1', '{"ok":1,"a":{"b":[1,"x\\u0000y"]},"c":"fine"}');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('body.a.b.1');
    expect(res.json().error.message).toBe('body.a.b.1: must be text without NUL characters or unpaired surrogates');
  });

  it('names the object that holds a malformed key', async () => {
    const res = await post('/echo/1', '{"a":{"good":1,"ba\\ud800d":2}}');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('body.a');
    expect(res.json().error.message).toBe('body.a: keys must be text without NUL characters or unpaired surrogates');
  });

  it('looks into params and the query string too, and lets good input through unchanged', async () => {
    expect((await post('/echo/a%00b', '{}')).json().error.details.field).toBe('params.id');
    expect((await post('/echo/1?q=a%00b', '{}')).json().error.details.field).toBe('querystring.q');
    const res = await post('/echo/1?q=x', '{"a":[1,{"b":"é ✓"}],"n":-1.5}');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: { a: [1, { b: 'é ✓' }], n: -1.5 }, query: { q: 'x' } });
  });
});
