import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { requestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const parent = pino(
    { level, redact: { paths: ['secret'], censor: '***' } },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  ).child({ component: 'http' });
  return { parent, lines };
}

describe('requestLogger', () => {
  it('makes no pino child for a request that logs nothing at an enabled level', () => {
    const { parent, lines } = capture('info');
    const child = vi.spyOn(parent, 'child');
    const log = requestLogger(parent, { reqId: 'r1' }, {});
    log.debug({ req: 1 }, 'incoming request');
    log.trace('nothing');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(log.level).toBe('info');
  });

  it('logs as pino child would: bindings of the parent and the request, redaction, one child per request', () => {
    const { parent, lines } = capture('info');
    const child = vi.spyOn(parent, 'child');
    const log = requestLogger(parent, { reqId: 'r2' }, {});
    log.error({ secret: 'x', status: 500 }, 'request errored');
    log.warn('second');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { level: 50, component: 'http', reqId: 'r2', secret: '***', status: 500, msg: 'request errored' },
      { level: 40, component: 'http', reqId: 'r2', msg: 'second' },
    ]);
    expect(log.child({ deviceId: 'd' })).toBeDefined();
  });

  it('follows the level the parent has when the request logs', () => {
    const { parent, lines } = capture('info');
    const log = requestLogger(parent, { reqId: 'r3' }, {});
    parent.level = 'debug';
    log.debug('now visible');
    expect(lines).toMatchObject([{ level: 20, reqId: 'r3', msg: 'now visible' }]);
  });

  it("a route's own level gets pino's child at once", () => {
    const { parent, lines } = capture('info');
    const log = requestLogger(parent, { reqId: 'r4' }, { level: 'debug' });
    log.debug('route at debug');
    expect(lines).toMatchObject([{ level: 20, reqId: 'r4' }]);
  });
});
