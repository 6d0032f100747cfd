import { Hono, type Context } from 'hono';
import { readFhirPatient, searchFhirPatients } from '../domain/fhir-patients';
import type { AppEnv } from '../env';
import { fhirJson, pathId, searchParams } from './http';
import type { RawParams } from './params';
import { patientResource } from './patient.map';
import { patientCriteria, patientSortSignature } from './patient.search';
import { searchResponse } from './search-page';

async function search(c: Context<AppEnv>, params: RawParams) {
  const criteria = patientCriteria(params);
  return searchResponse(
    c,
    params,
    criteria && {
      sort: patientSortSignature(criteria),
      run: (page) => searchFhirPatients(c.get('db'), c.get('principal'), criteria, page),
      render: patientResource,
    },
  );
}

/** API.md D.2, D.5: search and read Patients. */
export const patientRoutes = new Hono<AppEnv>()
  .get('/', async (c) => search(c, await searchParams(c)))
  .post('/_search', async (c) => search(c, await searchParams(c)))
  .get('/:id', async (c) =>
    fhirJson(
      c,
      patientResource(await readFhirPatient(c.get('db'), c.get('principal'), pathId(c, 'Patient'))),
    ),
  );
