import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from './clock.js';

/** Produces ids; injected so tests can make them predictable. */
export type IdGenerator = () => string;

// One randomBytes call per 256 ids: a call per id costs more than the rest of uuidv7, and bulk
// paths (imports, uplink traces) make ids by the thousand. Same CSPRNG, consumed in slices.
const POOL_IDS = 256;

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
    const b = pool.subarray(poolOffset, poolOffset + 16);
    poolOffset += 16;
    b.writeUIntBE(now, 0, 6);
    b[6] = 0x70 | (seq >> 8);
    b[7] = seq & 0xff;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

/** A generator on the system clock, for code handed no generator (request ids, tests). */
export const uuidv7: IdGenerator = uuidv7Generator();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** A high-entropy secret (API key, device password, session token), URL-safe. */
export const randomSecret = (bytes = 24): string => randomBytes(bytes).toString('base64url');
