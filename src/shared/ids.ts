import { randomBytes } from 'node:crypto';

/** Produces ids; injected so tests can make them predictable. */
export type IdGenerator = () => string;

let lastMs = 0;
let seq = 0;
// One randomBytes call per 256 ids: a call per id costs more than the rest of uuidv7, and bulk
// paths (imports, uplink traces) make ids by the thousand. Same CSPRNG, consumed in slices.
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(16 * POOL_IDS);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return b;
}

/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits. Ids sort by creation
 * time, which keeps B-tree inserts at the right edge and gives lists a stable order. Within one
 * millisecond a 12-bit counter in rand_a keeps them increasing.
 */
export const uuidv7: IdGenerator = () => {
  const now = Date.now();
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else {
    lastMs = now;
    seq = 0;
  }
  const b = random16();
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** A high-entropy secret (API key, device password, session token), URL-safe. */
export const randomSecret = (bytes = 24): string => randomBytes(bytes).toString('base64url');
