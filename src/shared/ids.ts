import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from './clock.js';

/** Produces ids; injected so tests can make them predictable. */
export type IdGenerator = () => string;

// One randomBytes call per 256 ids: a call per id costs more than the rest of uuidv7, and bulk
// paths (imports, uplink traces) make ids by the thousand. Same CSPRNG, consumed in slices.
const POOL_IDS = 256;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;

/**
 * A UUIDv7 generator (RFC 9562 §5.7): 48-bit Unix milliseconds from the injected clock, then
 * random bits. Ids sort by creation time, which keeps B-tree inserts at the right edge and gives
 * lists a stable order. Within one millisecond a 12-bit counter in rand_a keeps them increasing;
 * when it overflows, or the clock steps back, the timestamp is advanced instead (RFC 9562 §6.2,
 * method 1), so a generator's ids never repeat and never decrease. Each generator keeps its own
 * state.
 */
export function uuidv7Generator(clock: Clock = systemClock): IdGenerator {
  let lastMs = -1;
  let seq = 0;
  let pool = Buffer.alloc(0);
  let poolOffset = 0;
  const text = Buffer.alloc(36);
  return () => {
    let now = Math.floor(clock());
    if (now > lastMs) {
      lastMs = now;
      seq = 0;
    } else if (seq < 0xfff) {
      seq++;
      now = lastMs;
    } else {
      now = ++lastMs;
      seq = 0;
    }
    if (poolOffset + 16 > pool.length) {
      pool = randomBytes(16 * POOL_IDS);
      poolOffset = 0;
    }
    // The 16 bytes in place in the pool, then written as text into one reused buffer: one
    // string per id (no view, hex string and slices to join; ids are made per uplink).
    const o = poolOffset;
    poolOffset += 16;
    pool.writeUIntBE(now, o, 6);
    pool[o + 6] = 0x70 | (seq >> 8);
    pool[o + 7] = seq & 0xff;
    pool[o + 8] = ((pool[o + 8] ?? 0) & 0x3f) | 0x80;
    let t = 0;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[t++] = DASH;
      const v = pool[o + i] ?? 0;
      text[t++] = HEX[v >> 4] ?? 0;
      text[t++] = HEX[v & 15] ?? 0;
    }
    return text.toString('latin1', 0, 36);
  };
}

/** A generator on the system clock, for code handed no generator (request ids, tests). */
export const uuidv7: IdGenerator = uuidv7Generator();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** A high-entropy secret (API key, device password, session token), URL-safe. */
export const randomSecret = (bytes = 24): string => randomBytes(bytes).toString('base64url');
