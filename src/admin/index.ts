import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { invitationRoutes } from './invitations.routes';
import { patientRoutes } from './patients.routes';
import { practitionerClientRoutes } from './practitioner-clients.routes';
import { userRoutes } from './users.routes';

/** The admin REST API (`/api/v1`, API.md C), one sub-router per resource. */
export const adminRoutes = new Hono<AppEnv>()
  .route('/users', userRoutes)
  .route('/patients', patientRoutes)
  .route('/invitation', invitationRoutes)
  .route('/practitioner_clients', practitionerClientRoutes);
