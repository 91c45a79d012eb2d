import { describe, expect, it } from 'vitest';
import { diffLines } from './diff.js';

describe('revision diff', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
    expect(diffLines('same', 'same')).toEqual([{ op: ' ', text: 'same' }]);
  });
});
