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
import { deviceRoutes, groupRoutes, organizationRoutes, practitionerRoutes } from './directory.routes';
import { metadataRoutes } from './metadata.routes';
import { observationRoutes } from './observation.routes';
import { patientRoutes } from './patient.routes';
import { RESOURCES } from './resources';
import { validateRoutes } from './validate.routes';

const NATIVE_TYPES = new Set(RESOURCES.map((r) => r.type as string));

/** Public: CapabilityStatement and SMART configuration (D.9). */
const publicRoutes = new Hono<AppEnv>().route('/', metadataRoutes);

/** Behind the bearer check. */
const protectedRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .route('/', batchRoutes)
  .route('/', validateRoutes)
  .route('/Observation', observationRoutes)
  .route('/Patient', patientRoutes)
  .route('/Group', groupRoutes)
  .route('/Device', deviceRoutes)
  .route('/Organization', organizationRoutes)
  .route('/Practitioner', practitionerRoutes)
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
