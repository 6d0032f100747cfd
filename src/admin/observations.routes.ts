import { Hono, type Context } from 'hono';
import { requireAuth } from '../auth';
import { listObservationsForAdmin, type AdminObservationFilters } from '../domain/observations';
import type { AppEnv } from '../env';
import { positiveInt, queryParam } from '../http/body';
import { pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute } from '../http/validate';
import { AppError } from '../lib/errors';
import { adminObservationWire } from './observations.wire';

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** An optional id filter (snake or camel name, A.4); absent or empty = no filter, not an id = 400. */
function idFilter(c: Context<AppEnv>, snakeName: string): number | undefined {
  const text = queryParam(c, snakeName);
  if (text === undefined || text === '') return undefined;
  const id = positiveInt(text);
  if (id === undefined) {
    throw new AppError('invalid', `${snakeName} must be a positive integer.`, {
      body: { [camel(snakeName)]: ['A valid integer is required.'] },
    });
  }
  return id;
}

const FILTERS = ['organization_id', 'study_id', 'patient_id', 'observation_id'] as const;

/** API.md C.7: the admin observation list. */
export const observationRoutes = new Hono<AppEnv>().use(requireAuth).get(
  '/',
  apiRoute({
    method: 'get',
    path: '/observations',
    summary: 'Observations the caller may read (consent as authorization), newest first',
    tag: 'Observations',
    access: 'Practitioners; others 403.',
    query: [
      {
        name: 'organization_id',
        type: 'integer',
        description: 'Patients of this organization (one of the caller’s).',
      },
      {
        name: 'study_id',
        type: 'integer',
        description: 'Only through this study; a study the caller cannot see is 403.',
      },
      { name: 'patient_id', type: 'integer' },
      { name: 'observation_id', type: 'integer' },
      { name: 'page', type: 'integer' },
      { name: 'page_size', type: 'integer', description: 'Default 20, at most 1000 (alias pageSize).' },
    ],
    responses: {
      200: 'A page of observation rows with omhData.',
      400: 'A filter is not an integer.',
      403: 'Not a practitioner, or a study filter the caller cannot see.',
      404: 'Invalid page.',
    },
  }),
  async (c) => {
    const request = pageRequest(c);
    const [organizationId, studyId, patientId, observationId] = FILTERS.map((name) => idFilter(c, name));
    const filters: AdminObservationFilters = { organizationId, studyId, patientId, observationId };
    const { count, records } = await listObservationsForAdmin(c.get('db'), c.get('principal'), filters, {
      offset: request.offset,
      limit: request.pageSize,
    });
    return c.json(pageEnvelope(c, request, count, records.map(adminObservationWire)));
  },
);
