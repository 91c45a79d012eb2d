import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('merges calls of the same turn into one commit, and calls made during a commit into the next', async () => {
    const commits: number[][] = [];
    let release: () => void = () => {};
    const group = new GroupCommit<number>(async (items) => {
      commits.push(items);
      if (commits.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = [group.add([1]), group.add([2, 3]), group.add([4])];
    await new Promise((r) => setImmediate(r));
    expect(commits).toEqual([[1, 2, 3, 4]]);
    // The first commit is still in flight: these wait and then share one commit.
    const second = [group.add([5]), group.add([6])];
    await new Promise((r) => setImmediate(r));
    expect(commits).toHaveLength(1);
    release();
    await Promise.all([...first, ...second]);
    expect(commits).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
  });

  it("settles a caller only with its own commit, and a failed commit rejects only that commit's callers", async () => {
    let n = 0;
    const group = new GroupCommit<string>(async (items) => {
      n++;
      if (items.includes('bad')) throw new Error('disk full');
    });
    const bad = group.add(['a', 'bad']);
    await expect(bad).rejects.toThrow('disk full');
    await expect(group.add(['good'])).resolves.toBeUndefined();
    expect(n).toBe(2);
  });

  it('keeps whole callers together and splits the queue at maxItems', async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number>(async (items) => {
      commits.push(items);
    }, 3);
    await Promise.all([group.add([1, 2]), group.add([3, 4]), group.add([5]), group.add([6, 7, 8, 9])]);
    expect(commits).toEqual([
      [1, 2],
      [3, 4, 5],
      [6, 7, 8, 9],
    ]);
  });

  it('gives the callers of one commit one promise (none of their own while in flight); the next commit another', async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number>(async (items) => {
      commits.push([...items]);
    }, 3);
    const a = group.add([1]);
    const b = group.add([2, 3]);
    const c = group.add([4]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    await Promise.all([a, c]);
    expect(commits).toEqual([[1, 2, 3], [4]]);
    // Added after its commit was taken: a new one.
    const d = group.add([5]);
    expect(d).not.toBe(c);
    await d;
    expect(commits.at(-1)).toEqual([5]);
  });

  it('resolves an empty add at once and drain() waits for what is pending', async () => {
    const seen: number[] = [];
    const group = new GroupCommit<number>(async (items) => {
      seen.push(...items);
    });
    await group.add([]);
    void group.add([1]);
    void group.add([2]);
    await group.drain();
    expect(seen).toEqual([1, 2]);
  });
});

describe('GroupCommit with maxInFlight', () => {
  it('runs up to maxInFlight commits at once, a second only once overlapFrom items wait; callers settle with their own commit', async () => {
    const commits: number[][] = [];
    const release: (() => void)[] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        commits.push(items);
        await new Promise<void>((r) => release.push(r));
      },
      3,
      { maxInFlight: 2, overlapFrom: 2 },
    );
    const settled: number[] = [];
    const add = (n: number) => group.add([n]).then(() => settled.push(n));
    const first = add(1);
    await new Promise((r) => setImmediate(r));
    expect(commits).toEqual([[1]]);
    // One item waiting is not enough to start beside the running commit.
    const second = add(2);
    await new Promise((r) => setImmediate(r));
    expect(commits).toHaveLength(1);
    const more = [add(3), add(4), add(5), add(6)];
    await new Promise((r) => setImmediate(r));
    expect(commits).toEqual([[1], [2, 3, 4]]);
    // Two run: the rest waits for a slot, then goes whatever its size.
    release[1]!();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(settled).toEqual([2, 3, 4]);
    expect(commits).toEqual([[1], [2, 3, 4], [5, 6]]);
    release[0]!();
    release[2]!();
    await Promise.all([first, second, ...more]);
    expect(settled).toEqual([2, 3, 4, 1, 5, 6]);
    await group.drain();
  });
});
