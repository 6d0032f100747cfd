import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { userRoutes } from './users.routes';

/** The admin REST API (`/api/v1`, API.md C), one sub-router per resource. */
export const adminRoutes = new Hono<AppEnv>().route('/users', userRoutes);
