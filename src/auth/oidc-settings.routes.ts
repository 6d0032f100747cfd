import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { oauthClients } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { requestOrigin } from '../http/origin';

/** The OAuth application the portal signs in with (B.7). */
export const PORTAL_CLIENT_NAME = 'JHE Admin UI';

/**
 * `/common/server-settings.js` (B.7 [U]): the portal's OIDC settings, served as a script so the
 * static portal needs no build step per deployment.
 */
export const oidcSettingsRoutes = new Hono<AppEnv>().get('/common/server-settings.js', async (c) => {
  const client = await c
    .get('db')
    .select({ clientId: oauthClients.clientId })
    .from(oauthClients)
    .where(eq(oauthClients.name, PORTAL_CLIENT_NAME))
    .get();
  if (!client)
    throw new AppError(
      'misconfigured',
      `Server misconfigured: no OAuth application named "${PORTAL_CLIENT_NAME}" (run the seed).`,
    );
  const origin = requestOrigin(c.req.url, c.req.header('X-Forwarded-Proto'));
  const settings = {
    authority: `${origin}/o/`,
    client_id: client.clientId,
    redirect_uri: `${origin}/auth/callback`,
    response_mode: 'query',
    scope: 'openid email',
  };
  const title = c.env.SITE_TITLE ?? 'JupyterHealth Exchange';
  c.header('Content-Type', 'application/javascript; charset=utf-8');
  c.header('Cache-Control', 'no-cache');
  return c.body(
    `window.OIDCSettings = ${JSON.stringify(settings)};\nwindow.JHE_SITE_TITLE = ${JSON.stringify(title)};\n`,
  );
});
