/** A small seeded PRNG (mulberry32), so a randomized test that fails can be replayed from its seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [lo, hi). */
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

/** The seed of this run: POLDER_TEST_SEED to replay one, else a fresh one (printed by the test name). */
export const testSeed = (): number => Number(process.env.POLDER_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
