import { Hono, type Context } from 'hono';
import { createdObservationRecords, readObservation, searchObservations } from '../domain/observation-search';
import { ingestObservations } from '../domain/observation-ingest';
import type { AppEnv } from '../env';
import { readJsonObject } from '../http/body';
import { AppError } from '../lib/errors';
import { fhirBase, fhirJson, pathId, searchParams } from './http';
import { observationResource } from './observation.map';
import { decodeAttachment, parseObservation } from './observation.parse';
import { observationCriteria, sortSignature } from './observation.search';
import { type RawParams } from './params';
import { searchResponse } from './search-page';

/** `If-None-Exist: identifier=system|value` (conditional create): the identifier to look for. */
export function parseIfNoneExist(value: string | undefined): { system: string; value: string } | undefined {
  if (!value) return undefined;
  const match = /^identifier=(.*)$/.exec(value.trim());
  if (!match?.[1])
    throw new AppError('invalid', 'If-None-Exist supports identifier=system|value only.', {
      expression: 'If-None-Exist',
    });
  const token = decodeURIComponent(match[1]);
  const bar = token.indexOf('|');
  return bar < 0
    ? { system: '', value: token }
    : { system: token.slice(0, bar), value: token.slice(bar + 1) };
}

/** An uploaded Observation as the ingest service takes it (structure and subject checked here). */
export function newObservation(resource: unknown) {
  const parsed = parseObservation(resource);
  return { ...parsed, decode: () => decodeAttachment(parsed.data) };
}

async function search(c: Context<AppEnv>, params: RawParams) {
  const criteria = observationCriteria(params);
  return searchResponse(
    c,
    params,
    criteria && {
      sort: sortSignature(criteria),
      run: (page) => searchObservations(c.get('db'), c.get('principal'), criteria, page),
      render: observationResource,
    },
  );
}

/** API.md D.3-D.6: search, read and create Observations. */
export const observationRoutes = new Hono<AppEnv>()
  .get('/', async (c) => search(c, await searchParams(c)))
  .post('/_search', async (c) => search(c, await searchParams(c)))
  .get('/:id', async (c) =>
    fhirJson(
      c,
      observationResource(await readObservation(c.get('db'), c.get('principal'), pathId(c, 'Observation'))),
    ),
  )
  .post('/', async (c) => {
    const observation = newObservation(await readJsonObject(c));
    const ifNoneExist = parseIfNoneExist(c.req.header('If-None-Exist'));
    const db = c.get('db');
    const [outcome] = await ingestObservations(db, c.get('principal'), [
      { observation, ...(ifNoneExist && { ifNoneExist }) },
    ]);
    if (!outcome) throw new Error('ingest returned no outcome');
    if (outcome.kind === 'failed') throw outcome.error;
    const [record] = await createdObservationRecords(db, [outcome.id]);
    if (!record) throw new Error('created observation not found');
    const location = `${fhirBase(c)}/Observation/${record.id}`;
    return fhirJson(c, observationResource(record), outcome.kind === 'created' ? 201 : 200, {
      Location: location,
    });
  });
