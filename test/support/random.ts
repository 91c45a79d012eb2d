import { seededRng } from '../../src/simulate/traffic/rng.js';

/** A small seeded PRNG (mulberry32, the simulator's), so a randomized test that fails can be replayed from its seed. */
export function seededRandom(seed: number) {
  const rng = seededRng(seed);
  return {
    next: rng.next,
    /** An integer in [lo, hi). */
    int: rng.int,
    pick: <T>(items: readonly T[]): T => items[rng.int(0, items.length)] as T,
  };
}

/** The seed of this run: POLDER_TEST_SEED to replay one, else a fresh one (printed by the test name). */
export const testSeed = (): number => Number(process.env.POLDER_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
