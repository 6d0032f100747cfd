import { AppError } from '../lib/errors';

const MIN_SECRET_LENGTH = 32;
let cached: { secret: string; key: Uint8Array } | undefined;

/**
 * SECRET_KEY as HMAC key bytes (session cookies). At least 32 characters; anything else is one
 * clear `misconfigured` error at first use.
 */
export function secretKeyBytes(secret: string | undefined): Uint8Array {
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    throw new AppError(
      'misconfigured',
      `Server misconfigured: the secret SECRET_KEY must be set to at least ${MIN_SECRET_LENGTH} random characters.`,
    );
  }
  if (cached?.secret !== secret) cached = { secret, key: new TextEncoder().encode(secret) };
  return cached.key;
}
