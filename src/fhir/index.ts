/**
 * The FHIR R5 API (API.md D), mounted at `/fhir/r5` (the app folds `/FHIR/R5` and other spellings
 * of the base onto it). Public discovery documents are routed first; everything registered after
 * `requireAuth` needs a bearer token.
 */
import { Hono } from 'hono';
import { requireAuth } from '../auth';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { batchRoutes } from './batch.routes';
import { observationRoutes } from './observation.routes';
import { RESOURCES } from './resources';

const NATIVE_TYPES = new Set(RESOURCES.map((r) => r.type as string));

/** Public: CapabilityStatement and SMART configuration (D.9). */
const publicRoutes = new Hono<AppEnv>();

/** Behind the bearer check. */
const protectedRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .route('/', batchRoutes)
  .route('/Observation', observationRoutes)
  // D.1: JHE-native resources are read-only through FHIR except Observation create.
  .on(['PUT', 'PATCH', 'DELETE'], '/:type/:id', (c) => {
    const type = c.req.param('type');
    if (!NATIVE_TYPES.has(type)) throw new AppError('not_found', `Unsupported FHIR resource type: ${type}.`);
    throw new AppError(
      'method_not_allowed',
      `${c.req.method} is not allowed on ${type}: JHE-native resources are read-only.`,
    );
  })
  .all('/:type/*', (c) => {
    throw new AppError('not_found', `Unsupported FHIR resource type: ${c.req.param('type')}.`);
  })
  .all('/:type', (c) => {
    throw new AppError('not_found', `Unsupported FHIR resource type: ${c.req.param('type')}.`);
  });

export const fhirRoutes = new Hono<AppEnv>().route('/', publicRoutes).route('/', protectedRoutes);
