import { Hono } from 'hono';
import { adminRoutes } from './admin';
import { openapiRoutes } from './admin/openapi.routes';
import { oauthRoutes, oidcSettingsRoutes } from './auth';
import { accountsRoutes } from './auth/accounts.routes';
import { createDb } from './db/client';
import { fhirRoutes } from './fhir';
import type { AppEnv } from './env';
import { fromHonoException, renderError } from './http/errors';
import { healthRoutes } from './http/health';
import { requestContext } from './http/middleware';
import { normalizePath } from './http/normalize-path';
import { routeFamily } from './http/route-family';
import { AppError } from './lib/errors';
import { createLogger, parseLogLevel } from './lib/log';
import { portalRoutes } from './portal/portal.routes';

/** Build the application: global middleware, the routers, the one error handler. */
export function createApp() {
  const app = new Hono<AppEnv>({ getPath: (req) => normalizePath(new URL(req.url).pathname) });

  app.use('*', requestContext);
  app.use('*', async (c, next) => {
    c.set('db', createDb(c.env.DB));
    await next();
  });
  app.route('/', healthRoutes);
  app.route('/', accountsRoutes);
  app.route('/', oauthRoutes);
  app.route('/', oidcSettingsRoutes);
  app.route('/api/v1', adminRoutes);
  app.route('/', openapiRoutes);
  app.route('/fhir/r5', fhirRoutes);
  app.route('/', portalRoutes);

  app.notFound(async (c) => {
    const pathname = new URL(c.req.url).pathname;
    // Static files (public/: portal, vendored Swagger UI) outside the API, OAuth and FHIR families.
    const isApi = pathname === '/api' || pathname.startsWith('/api/');
    if (c.env.ASSETS && ['GET', 'HEAD'].includes(c.req.method) && routeFamily(pathname) === 'api' && !isApi) {
      const asset = await c.env.ASSETS.fetch(c.req.raw);
      if (asset.status !== 404) return asset;
    }
    return renderError(new AppError('not_found', 'Not found.'), pathname);
  });

  app.onError((thrown, c) => {
    const pathname = new URL(c.req.url).pathname;
    const err = fromHonoException(thrown);
    const log = c.get('log') ?? createLogger(parseLogLevel(c.env.LOG_LEVEL));
    if (err instanceof AppError && err.code === 'misconfigured') {
      // One clear line for the operator: which setting is wrong, never its value or a stack.
      log.error(err.message, { path: pathname });
    } else if (!(err instanceof AppError)) {
      log.error('unhandled error', {
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        stack: err instanceof Error ? err.stack : undefined,
        path: pathname,
      });
    }
    return renderError(err, pathname);
  });

  return app;
}
