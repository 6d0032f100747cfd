import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { createLogger, parseLogLevel } from '../lib/log';

/**
 * Per-request context: request id (echoed as `X-Request-Id`) and a logger carrying it.
 * Logs one line per request with its status and duration.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('X-Request-Id');
  const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : crypto.randomUUID();
  const log = createLogger(parseLogLevel(c.env.LOG_LEVEL), { requestId });
  c.set('requestId', requestId);
  c.set('log', log);
  const started = Date.now();
  await next();
  c.header('X-Request-Id', requestId);
  log.info('request', {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    status: c.res.status,
    ms: Date.now() - started,
  });
});
