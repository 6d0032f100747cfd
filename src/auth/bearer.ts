import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { accessTokenIssuer, verifyAccessToken, type VerifiedAccessToken } from './access-token';

const CHALLENGE = 'Bearer realm="api"';

/** The bearer token of a request, or undefined when the header is absent. */
function bearerToken(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('Authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError('invalid_token', 'Invalid token header.', {
      headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` },
    });
  }
  return match[1];
}

/** Verify the request's bearer token (RFC 6750); 401 with `WWW-Authenticate` when absent or bad. */
export async function authenticateBearer(c: Context<AppEnv>): Promise<VerifiedAccessToken> {
  const token = bearerToken(c);
  if (!token) {
    throw new AppError('unauthorized', 'Authentication credentials were not provided.', {
      headers: { 'WWW-Authenticate': CHALLENGE },
    });
  }
  try {
    return await verifyAccessToken(
      c.get('db'),
      c.env.OIDC_RSA_PRIVATE_KEY,
      accessTokenIssuer(c.env.SITE_URL),
      token,
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_token') {
      throw new AppError('invalid_token', err.message, {
        headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` },
      });
    }
    throw err;
  }
}

/**
 * Middleware for `/api/v1` and the FHIR base: sets `c.var.principal` from a verified access token.
 * The only place a principal is set.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { principal } = await authenticateBearer(c);
  c.set('principal', principal);
  await next();
});
