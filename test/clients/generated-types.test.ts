import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientTypesSource, GENERATED_TYPES } from '../../scripts/client-types.js';

describe('TypeScript client types', () => {
  it('are what the routes generate now (else run npm run generate:client and commit)', async () => {
    const committed = readFileSync(GENERATED_TYPES, 'utf8').split('\n');
    const fresh = (await clientTypesSource()).split('\n');
    // The first differing lines are enough: a whole-file diff would print 6,000 lines.
    const at = committed.findIndex((line, i) => line !== fresh[i]);
    const where = at === -1 ? committed.length : at;
    expect(
      committed.slice(where, where + 3),
      `clients/typescript/src/generated/openapi.ts is stale from line ${where + 1}: run npm run generate:client`,
    ).toEqual(fresh.slice(where, where + 3));
    expect(committed.length).toBe(fresh.length);
  });
});
