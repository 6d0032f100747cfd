/**
 * Public discovery documents (API.md D.9): the CapabilityStatement at `/metadata` and the SMART
 * configuration. No database access and no bearer check (an invalid token must not matter), CORS
 * as on `/o/*` (A.9), cacheable for an hour.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { capabilityStatement } from './capability';
import { fhirBase, fhirJson } from './http';

/** A.9 [U]: the four CORS headers on every response of these routes, spelled as listed. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Max-Age': '86400',
};

const CACHEABLE = { ...CORS_HEADERS, 'Cache-Control': 'public, max-age=3600' };

let startedAt: string | undefined;

/**
 * D.9: `date` is when this server (isolate) started, stable between requests. Taken on the first
 * request, not at module load: Workers freeze the clock during global-scope evaluation.
 */
function serverStart(): string {
  startedAt ??= new Date().toISOString();
  return startedAt;
}

function authServer(c: Context<AppEnv>) {
  const origin = new URL(fhirBase(c)).origin;
  return {
    origin,
    issuer: `${origin}/o`,
    authorize: `${origin}/o/authorize/`,
    token: `${origin}/o/token/`,
    revoke: `${origin}/o/revoke_token/`,
    introspect: `${origin}/o/introspect/`,
    jwks: `${origin}/o/.well-known/jwks.json`,
  };
}

const preflight = (c: Context<AppEnv>) => c.body(null, 204, CORS_HEADERS);

export const metadataRoutes = new Hono<AppEnv>()
  // GET also answers HEAD (Hono runs the GET handler and drops the body).
  .get('/metadata', (c) => {
    const urls = authServer(c);
    return fhirJson(c, capabilityStatement({ base: fhirBase(c), ...urls }, serverStart()), 200, CACHEABLE);
  })
  .options('/metadata', preflight)
  .get('/.well-known/smart-configuration', (c) => {
    const urls = authServer(c);
    // OAuth discovery keys are snake_case (A.3); values match /o/.well-known/openid-configuration.
    return c.json(
      {
        issuer: urls.issuer,
        jwks_uri: urls.jwks,
        authorization_endpoint: urls.authorize,
        token_endpoint: urls.token,
        revocation_endpoint: urls.revoke,
        introspection_endpoint: urls.introspect,
        grant_types_supported: ['authorization_code'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'email'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
        capabilities: ['launch-standalone', 'client-public', 'client-confidential-symmetric'],
      },
      200,
      CACHEABLE,
    );
  })
  .options('/.well-known/smart-configuration', preflight);
