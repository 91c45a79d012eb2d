import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config.js';
import { STATUS_BY_CODE } from '../src/http/errors.js';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('docs stay true', () => {
  it('docs/errors.md lists every error code with its status, and nothing else', () => {
    const rows = [...read('docs/errors.md').matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(STATUS_BY_CODE);
  });

  it('docs/configuration.md and the README describe every setting', () => {
    const doc = read('docs/configuration.md');
    const readme = read('README.md');
    for (const s of Object.values(SETTINGS)) {
      expect(doc, s.env).toContain(`\`${s.env}\``);
      expect(readme, s.env).toContain(`\`${s.env}\``);
    }
  });
});
