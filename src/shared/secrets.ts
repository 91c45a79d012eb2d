import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Two kinds of secrets, two hashes:
 * - passwords people choose are low-entropy, so they get scrypt (slow on purpose);
 * - secrets Polder generates (API keys, device passwords, session tokens) carry ≥ 128 random
 *   bits, so a SHA-256 digest cannot be brute-forced and can be looked up by index: checking
 *   10,000 MQTT devices at reconnect must not cost 10,000 scrypt runs.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

const scryptAsync = (password: string, salt: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) }, (err, k) =>
      err ? reject(err) : resolve(k),
    ),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Digest of a generated secret, used as its lookup key (one-shot `hash`: half the cost of a Hash object; Node >= 20.12). */
export const digestSecret = (secret: string): string => hash('sha256', secret, 'base64url');
