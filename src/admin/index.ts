import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { clientRoutes } from './clients.routes';
import { dataSourceRoutes } from './data-sources.routes';
import { invitationRoutes } from './invitations.routes';
import { observationRoutes } from './observations.routes';
import { organizationRoutes } from './organizations.routes';
import { patientRoutes } from './patients.routes';
import { practitionerClientRoutes } from './practitioner-clients.routes';
import { practitionerRoutes } from './practitioners.routes';
import { settingRoutes } from './settings.routes';
import { studyRoutes } from './studies.routes';
import { userRoutes } from './users.routes';

/** The admin REST API (`/api/v1`, API.md C), one sub-router per resource. */
export const adminRoutes = new Hono<AppEnv>()
  .route('/users', userRoutes)
  .route('/organizations', organizationRoutes)
  .route('/practitioners', practitionerRoutes)
  .route('/jhe_settings', settingRoutes)
  .route('/patients', patientRoutes)
  .route('/studies', studyRoutes)
  .route('/invitation', invitationRoutes)
  .route('/data_sources', dataSourceRoutes)
  .route('/observations', observationRoutes)
  .route('/clients', clientRoutes)
  .route('/practitioner_clients', practitionerClientRoutes);
