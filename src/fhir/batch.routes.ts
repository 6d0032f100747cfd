/**
 * `POST` at the FHIR base (API.md D.7): `batch` Bundles (each entry independent, one response entry
 * per request entry, in order) and `transaction` Bundles (all or nothing). The whole Bundle goes
 * through the ingest service at once: a constant number of D1 round trips whatever its size.
 */
import { Hono } from 'hono';
import { ingestObservations, type IngestCandidate, type IngestOutcome } from '../domain/observation-ingest';
import type { AppEnv } from '../env';
import { readJsonObject } from '../http/body';
import { operationOutcome, STATUS_BY_CODE } from '../http/errors';
import { AppError } from '../lib/errors';
import { fhirJson } from './http';
import { newObservation, parseIfNoneExist } from './observation.routes';

/** [R] A sane bound on entries per Bundle (D.7). */
export const MAX_BUNDLE_ENTRIES = 1000;

const REASON: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type EntryResult = { candidate: IngestCandidate } | { error: AppError };

/** Check one request entry's envelope and structure (D.6 checks 1-2). */
function readEntry(entry: unknown, index: number): EntryResult {
  try {
    if (!isObject(entry))
      throw new AppError('invalid', 'A Bundle entry must be an object.', {
        expression: `Bundle.entry[${index}]`,
      });
    const request = isObject(entry.request) ? entry.request : {};
    if (request.method !== undefined && request.method !== 'POST') {
      throw new AppError('invalid', `Only POST entries are supported (got ${String(request.method)}).`, {
        expression: `Bundle.entry[${index}].request.method`,
      });
    }
    if (!isObject(entry.resource) || entry.resource.resourceType !== 'Observation') {
      throw new AppError('invalid', 'Only Observation resources can be created in a Bundle.', {
        expression: `Bundle.entry[${index}].resource`,
      });
    }
    const ifNoneExist = parseIfNoneExist(
      typeof request.ifNoneExist === 'string' ? request.ifNoneExist : undefined,
    );
    return {
      candidate: { observation: newObservation(entry.resource), ...(ifNoneExist && { ifNoneExist }) },
    };
  } catch (err) {
    if (err instanceof AppError) return { error: err };
    throw err;
  }
}

function responseEntry(outcome: IngestOutcome) {
  if (outcome.kind === 'failed') {
    const status = STATUS_BY_CODE[outcome.error.code];
    return {
      response: {
        status: `${status} ${REASON[status] ?? ''}`.trim(),
        outcome: operationOutcome(outcome.error),
      },
    };
  }
  const status = outcome.kind === 'created' ? 201 : 200;
  return {
    resource: { resourceType: 'Observation', id: String(outcome.id) },
    response: { status: `${status} ${REASON[status]}`, location: `Observation/${outcome.id}` },
  };
}

export const batchRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const bundle = await readJsonObject(c);
  if (bundle.resourceType !== 'Bundle')
    throw new AppError('invalid', 'The body must be a FHIR Bundle.', { expression: 'Bundle.resourceType' });
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    throw new AppError('invalid', 'Bundle.type must be "batch" or "transaction".', {
      expression: 'Bundle.type',
    });
  }
  const entries = bundle.entry;
  if (!Array.isArray(entries))
    throw new AppError('invalid', 'Bundle.entry must be an array.', { expression: 'Bundle.entry' });
  if (entries.length > MAX_BUNDLE_ENTRIES) {
    throw new AppError(
      'payload_too_large',
      `A Bundle may hold at most ${MAX_BUNDLE_ENTRIES} entries (got ${entries.length}); split it.`,
      { expression: 'Bundle.entry' },
    );
  }
  // [U] an Observation entry without attachment data rejects the whole request (D.7).
  entries.forEach((entry, i) => {
    const resource = isObject(entry) && isObject(entry.resource) ? entry.resource : undefined;
    if (resource?.resourceType !== 'Observation') return;
    const data = isObject(resource.valueAttachment) ? resource.valueAttachment.data : undefined;
    if (data === undefined || data === null) {
      throw new AppError('invalid', 'resource.valueAttachment.data must be not null.', {
        expression: `Bundle.entry[${i}].resource.valueAttachment.data`,
      });
    }
  });
  const read = entries.map(readEntry);
  const atomic = bundle.type === 'transaction';
  if (atomic) {
    const failed = read.find((r): r is { error: AppError } => 'error' in r);
    if (failed) throw failed.error;
  }
  const candidates = read.flatMap((r) => ('candidate' in r ? [r.candidate] : []));
  const ingested = await ingestObservations(c.get('db'), c.get('principal'), candidates, { atomic });
  if (atomic) {
    const failed = ingested.find((o) => o.kind === 'failed');
    if (failed?.kind === 'failed') throw failed.error;
  }
  let next = 0;
  const outcomes: IngestOutcome[] = read.map((r) =>
    'error' in r
      ? { kind: 'failed', error: r.error }
      : (ingested[next++] ?? { kind: 'failed', error: new AppError('invalid', 'Entry was not processed.') }),
  );
  return fhirJson(c, {
    resourceType: 'Bundle',
    type: atomic ? 'transaction-response' : 'batch-response',
    entry: outcomes.map(responseEntry),
  });
});
