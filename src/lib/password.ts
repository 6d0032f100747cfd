import { constantTimeEqual } from './crypto';
import { base64 } from './encoding';
import { randomAlphanumeric } from './random';

/**
 * PBKDF2-SHA-256 iterations: the most Cloudflare's production runtime allows ("Pbkdf2 failed:
 * iteration counts above 100000 are not supported", cloudflare/workerd#1346). Local workerd does
 * not enforce the cap, so it is also the ceiling `verifyPassword` accepts, keeping hashes portable.
 */
export const PBKDF2_ITERATIONS = 100_000;
const ALGORITHM = 'pbkdf2_sha256';

/**
 * Hash a password in Django's format `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, so hashes
 * are self-describing and a later iteration change can still verify old ones.
 */
export async function hashPassword(password: string, salt = randomAlphanumeric(22)): Promise<string> {
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${ALGORITHM}$${PBKDF2_ITERATIONS}$${salt}$${hash}`;
}

/** Check a password against a stored hash in constant time; malformed hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algorithm, iterationsText, salt, expected] = stored.split('$');
  const iterations = Number(iterationsText);
  if (algorithm !== ALGORITHM || !salt || !expected) return false;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
  return constantTimeEqual(await derive(password, salt, iterations), expected);
}

async function derive(password: string, salt: string, iterations: number): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(salt), iterations },
    key,
    256,
  );
  return base64(new Uint8Array(bits));
}
