/**
 * Seeded randomness for the traffic generators: a run with the same seed sends the same bytes
 * (given the same clock), so a payload that breaks a worker can be replayed.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** An integer in [lo, hi). */
  int(lo: number, hi: number): number;
  /** Normal with mean 0 and standard deviation `sd` (Box–Muller). */
  gauss(sd?: number): number;
  /** A child generator whose sequence depends only on this seed and `salt` (one per device). */
  fork(salt: number): Rng;
}

/** mulberry32: small, fast, good enough for payloads (not for secrets). */
export function seededRng(seed: number): Rng {
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
    range: (lo, hi) => lo + next() * (hi - lo),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo)),
    gauss: (sd = 1) => {
      const u = 1 - next();
      const v = next();
      return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: (salt) => seededRng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)),
  };
}

/** Hex of `bytes` random bytes (upper case), e.g. for DevEUIs and gateway ids. */
export const randomHex = (rng: Rng, bytes: number): string =>
  Array.from({ length: bytes }, () => rng.int(0, 256).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();

/** A version-4-shaped UUID from the seeded generator (ChirpStack deduplication ids). */
export function randomUuid(rng: Rng): string {
  const h = randomHex(rng, 16).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((rng.int(0, 4) + 8) >>> 0).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

export const clamp = (value: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, value));
