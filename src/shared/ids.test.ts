import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7Generator } from './ids.js';

const millisOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('uuidv7Generator', () => {
  it('takes its time from the injected clock', () => {
    const id = uuidv7Generator(() => Date.UTC(2024, 0, 1))();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(millisOf(id)).toBe(Date.UTC(2024, 0, 1));
  });

  it('writes RFC 9562 text: lower-case hex, dashes at 8-4-4-4-12, variant 10', () => {
    const newId = uuidv7Generator(() => 0x0123456789ab);
    const ids = Array.from({ length: 600 }, newId);
    for (const id of ids) {
      expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // Random bits differ from id to id (one buffer is reused for the text, not shared by the ids).
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(ids.length);
  });

  it('never repeats nor decreases within one millisecond, past 4,096 ids', () => {
    const newId = uuidv7Generator(() => 1_000_000);
    const ids = Array.from({ length: 10_000 }, newId);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string), `${i}`).toBe(true);
    // The counter overflowed twice: the timestamp moved on by two milliseconds, not back.
    expect(millisOf(ids.at(-1) as string)).toBe(1_000_002);
  });

  it('keeps increasing when the clock steps back', () => {
    let now = 5_000;
    const newId = uuidv7Generator(() => now);
    const a = newId();
    now = 4_000;
    const b = newId();
    expect(a < b).toBe(true);
  });

  it('keeps state per generator', () => {
    const one = uuidv7Generator(() => 7);
    one();
    one();
    const other = uuidv7Generator(() => 7)();
    expect(other.slice(14, 18)).toBe('7000');
  });
});
