import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { VERSION } from '../lib/version';

/** Liveness without touching the database (API.md A.1): the acceptance harness polls it. */
export const healthRoutes = new Hono<AppEnv>().get('/health', (c) =>
  c.json({ status: 'ok', version: VERSION }),
);
