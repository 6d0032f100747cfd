import { Hono } from 'hono';
import { requireAuth } from '../auth';
import { getProfile } from '../domain/users';
import type { AppEnv } from '../env';
import { profileWire } from './users.wire';

export const userRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get('/profile', async (c) => c.json(profileWire(await getProfile(c.get('db'), c.get('principal')))));
