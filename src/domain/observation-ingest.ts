/**
 * Uploading Observations (API.md D.6, D.7): the checks of D.6 in their order, evaluated for a whole
 * batch with a constant number of D1 round trips — every fact (patients, devices, codes, consents,
 * existing identifiers) is read with one set query per table, and every accepted row is written in
 * one atomic `db.batch` of multi-row inserts sized to D1's 100 bound parameters.
 */
import { and, eq, inArray, or } from 'drizzle-orm';
import { patientsWritableBy } from '../consent';
import type { Db } from '../db/client';
import { insertObservations, type ObservationInsert } from '../db/observation-writes';
import { isUniqueViolation } from '../db/errors';
import { flag, pairIn } from '../db/expressions';
import {
  codeableConcepts,
  consents,
  dataSources,
  dataSourceSupportedScopes,
  observationIdentifiers,
  patients,
  studyPatients,
} from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { AppError } from '../lib/errors';
import type { ObservationStatus } from '../lib/observation-status';
import type { Principal } from '../lib/principal';
import { extractEffectiveTime, validateDataPoint } from '../omh';

/** An Observation that passed the structural checks (D.6 checks 1-2), as the FHIR layer parsed it. */
export interface NewObservation {
  status: ObservationStatus;
  patientId: number;
  deviceReference: string | undefined;
  identifiers: { system: string; value: string }[];
  codings: { system: string; code: string }[];
  /** Decodes the attachment to JSON (D.6 check 10); throws a 400 AppError. */
  decode: () => unknown;
}

export interface IngestCandidate {
  observation: NewObservation;
  /** Conditional create: `identifier=system|value` — an existing match is returned instead of a 409. */
  ifNoneExist?: { system: string; value: string };
}

export type IngestOutcome =
  { kind: 'created'; id: number } | { kind: 'existing'; id: number } | { kind: 'failed'; error: AppError };

const OMH_SYSTEMS = new Set(['https://w3id.org/openmhealth', 'https://w3id.org/ieee1752']);
/** Data source types that may carry uploads (D.6 check 5 [R]). */
const UPLOAD_SOURCE_TYPES = new Set(['personal_device', 'medical_device', 'patient_app']);

interface Facts {
  patients: Map<number, { userId: number | null; writable: boolean }>;
  devices: Map<number, { type: string; scopeIds: Set<number> }>;
  codes: Map<string, number>;
  consented: Set<string>;
  identifiers: Map<string, number>;
}

const codeKey = (system: string, code: string) => `${system}|${code}`;
const identifierKey = (i: { system: string; value: string }) => `${i.system}|${i.value}`;

/**
 * Check and store candidates; one outcome per candidate, in order. Checks that fail produce a
 * `failed` outcome with the status of D.6; nothing is stored for failed candidates.
 */
export async function ingestObservations(
  db: Db,
  principal: Principal,
  candidates: readonly IngestCandidate[],
  options: { atomic?: boolean; now?: Date } = {},
): Promise<IngestOutcome[]> {
  try {
    return await ingestOnce(db, principal, candidates, options);
  } catch (err) {
    // A concurrent upload took one of our identifiers between check and write: the whole batch was
    // rolled back, so run the checks again (that entry now answers 409 or its existing id).
    if (!isUniqueViolation(err, 'observation_identifiers.system, observation_identifiers.value')) throw err;
    return ingestOnce(db, principal, candidates, options);
  }
}

/** With `atomic` (a FHIR transaction), nothing is written unless every candidate passes. */
async function ingestOnce(
  db: Db,
  principal: Principal,
  candidates: readonly IngestCandidate[],
  { atomic = false, now = new Date() }: { atomic?: boolean; now?: Date },
): Promise<IngestOutcome[]> {
  const facts = await loadFacts(db, principal, candidates);
  const seenInBatch = new Set<string>();
  const accepted: {
    index: number;
    row: ObservationInsert;
    identifiers: { system: string; value: string }[];
  }[] = [];
  const outcomes: IngestOutcome[] = candidates.map((candidate, index) => {
    try {
      const existing = candidate.ifNoneExist && facts.identifiers.get(identifierKey(candidate.ifNoneExist));
      if (existing) return { kind: 'existing', id: existing };
      const row = checkCandidate(principal, candidate.observation, facts, seenInBatch, now);
      candidate.observation.identifiers.forEach((i) => seenInBatch.add(identifierKey(i)));
      accepted.push({ index, row, identifiers: candidate.observation.identifiers });
      return { kind: 'created', id: 0 };
    } catch (err) {
      if (err instanceof AppError) return { kind: 'failed', error: err };
      throw err;
    }
  });
  if (atomic && outcomes.some((o) => o.kind === 'failed')) return outcomes;
  const ids = await writeAccepted(db, accepted);
  accepted.forEach((a, i) => {
    outcomes[a.index] = { kind: 'created', id: ids[i] ?? 0 };
  });
  return outcomes;
}

/** D.6 checks 3-11 for one candidate, in order, against the batch's facts. */
function checkCandidate(
  principal: Principal,
  obs: NewObservation,
  facts: Facts,
  seenInBatch: Set<string>,
  now: Date,
): ObservationInsert {
  const patient = facts.patients.get(obs.patientId);
  if (!patient)
    throw new AppError('invalid', `Patient id=${obs.patientId} can not be found.`, {
      expression: 'Observation.subject',
    });
  if (principal.kind === 'patient' && principal.patientId !== obs.patientId) {
    throw new AppError('forbidden', 'The Subject Patient does not match the current user.');
  }
  if (principal.kind === 'client') throw new AppError('forbidden', 'Current user is not a Patient.');
  if (!patient.writable) throw new AppError('forbidden', "Current user doesn't have access to the Patient.");

  const deviceId = /^Device\/(\d{1,15})$/.exec(obs.deviceReference ?? '')?.[1];
  if (!deviceId) {
    throw new AppError(
      'invalid',
      "Device is required and must be a reference to a Data Source ID and start with 'Device/'",
      {
        expression: 'Observation.device',
      },
    );
  }
  const device = facts.devices.get(Number(deviceId));
  if (!device || !UPLOAD_SOURCE_TYPES.has(device.type)) {
    throw new AppError('invalid', `Device Data Source id=${deviceId} can not be found.`, {
      expression: 'Observation.device',
    });
  }

  for (const identifier of obs.identifiers) {
    if (facts.identifiers.has(identifierKey(identifier)) || seenInBatch.has(identifierKey(identifier))) {
      throw new AppError(
        'conflict',
        `Identifier already exists: system=${identifier.system} value=${identifier.value}`,
        {
          expression: 'Observation.identifier',
        },
      );
    }
  }

  const [coding, ...more] = obs.codings;
  if (!coding || more.length > 0)
    throw new AppError('invalid', 'Exactly one Code must be provided.', { expression: 'Observation.code' });
  const scopeId = facts.codes.get(codeKey(coding.system, coding.code));
  if (scopeId === undefined) {
    throw new AppError('invalid', `Code not found: system=${coding.system} code=${coding.code}`, {
      expression: 'Observation.code',
    });
  }
  if (!OMH_SYSTEMS.has(coding.system) || !/^(omh|ieee):/.test(coding.code)) {
    throw new AppError(
      'invalid',
      `Only Open mHealth and IEEE 1752 codes are stored here (got system=${coding.system} code=${coding.code}).`,
      {
        expression: 'Observation.code',
      },
    );
  }
  // [R] a medical device or app must support the code; personal devices are accepted as upstream does.
  if (device.type !== 'personal_device' && !device.scopeIds.has(scopeId)) {
    throw new AppError('invalid', `Device Data Source id=${deviceId} does not support code ${coding.code}.`, {
      expression: 'Observation.device',
    });
  }
  if (!facts.consented.has(`${obs.patientId}|${scopeId}`)) {
    throw new AppError(
      'forbidden',
      `Code ${coding.code} has not been consented for any studies by this Patient.`,
    );
  }

  const data = obs.decode();
  const result = validateDataPoint(coding.code, data);
  if (!result.ok) {
    if (result.reason === 'unknown_code')
      throw new AppError('invalid', result.message, { expression: 'Observation.code' });
    const [issue] = result.errors;
    const summary = result.errors.map((e) => `${e.path}: ${e.message} (${e.keyword})`).join('; ');
    throw new AppError('unprocessable', `Open mHealth validation failed: ${summary}`, {
      expression: issue?.path,
    });
  }
  const body =
    result.form === 'dataPoint' && typeof data === 'object' && data !== null
      ? (data as { body: unknown }).body
      : data;
  const effective = extractEffectiveTime(body);
  return {
    patientId: obs.patientId,
    scopeCodeId: scopeId,
    dataSourceId: Number(deviceId),
    status: obs.status,
    omhData: JSON.stringify(data),
    effectiveStart: effective?.start ?? null,
    effectiveEnd: effective?.end ?? null,
    lastUpdated: now.toISOString(),
  };
}

/** Every fact the checks need, one set query per table, all in one batch. */
async function loadFacts(
  db: Db,
  principal: Principal,
  candidates: readonly IngestCandidate[],
): Promise<Facts> {
  const patientIds = [...new Set(candidates.map((c) => c.observation.patientId))];
  const deviceIds = [
    ...new Set(
      candidates
        .flatMap((c) => /^Device\/(\d{1,15})$/.exec(c.observation.deviceReference ?? '')?.[1] ?? [])
        .map(Number),
    ),
  ];
  const codings = uniqueBy(
    candidates.flatMap((c) => c.observation.codings),
    (c) => codeKey(c.system, c.code),
  );
  const identifiers = uniqueBy(
    candidates.flatMap((c) => [...c.observation.identifiers, ...(c.ifNoneExist ? [c.ifNoneExist] : [])]),
    identifierKey,
  );
  const facts: Facts = {
    patients: new Map(),
    devices: new Map(),
    codes: new Map(),
    consented: new Set(),
    identifiers: new Map(),
  };

  const queries = {
    patients: chunk(patientIds, 90).map((ids) =>
      db
        .select({
          id: patients.id,
          userId: patients.userId,
          writable: flag(patientsWritableBy(db, principal)),
        })
        .from(patients)
        .where(inArray(patients.id, ids)),
    ),
    devices: chunk(deviceIds, 90).map((ids) =>
      db
        .select({
          id: dataSources.id,
          type: dataSources.type,
          scopeId: dataSourceSupportedScopes.scopeCodeId,
        })
        .from(dataSources)
        .leftJoin(dataSourceSupportedScopes, eq(dataSourceSupportedScopes.dataSourceId, dataSources.id))
        .where(inArray(dataSources.id, ids)),
    ),
    codes: chunk(codings, 45).map((part) =>
      db
        .select({
          id: codeableConcepts.id,
          system: codeableConcepts.codingSystem,
          code: codeableConcepts.codingCode,
        })
        .from(codeableConcepts)
        .where(
          or(
            ...part.map((c) =>
              and(eq(codeableConcepts.codingSystem, c.system), eq(codeableConcepts.codingCode, c.code)),
            ),
          ),
        ),
    ),
    consents: chunk(patientIds, 90).map((ids) =>
      db
        .selectDistinct({ patientId: studyPatients.patientId, scopeId: consents.scopeCodeId })
        .from(consents)
        .innerJoin(studyPatients, eq(studyPatients.id, consents.studyPatientId))
        .where(and(inArray(studyPatients.patientId, ids), eq(consents.consented, true))),
    ),
    identifiers: chunk(identifiers, Math.floor((D1_MAX_BOUND_PARAMETERS - 1) / 2)).map((part) =>
      db
        .select({
          id: observationIdentifiers.observationId,
          system: observationIdentifiers.system,
          value: observationIdentifiers.value,
        })
        .from(observationIdentifiers)
        .where(
          pairIn(
            observationIdentifiers.system,
            observationIdentifiers.value,
            part.map((i) => [i.system, i.value] as const),
          ),
        ),
    ),
  };
  const all = [
    ...queries.patients,
    ...queries.devices,
    ...queries.codes,
    ...queries.consents,
    ...queries.identifiers,
  ];
  const [head, ...rest] = all;
  if (!head) return facts;
  const results = await db.batch([head, ...rest]);
  let i = 0;
  const take = <T>(n: number) => results.slice(i, (i += n)).flat() as T[];
  for (const p of take<{ id: number; userId: number | null; writable: number }>(queries.patients.length)) {
    facts.patients.set(p.id, { userId: p.userId, writable: p.writable === 1 });
  }
  for (const d of take<{ id: number; type: string; scopeId: number | null }>(queries.devices.length)) {
    const device = facts.devices.get(d.id) ?? { type: d.type, scopeIds: new Set<number>() };
    if (d.scopeId !== null) device.scopeIds.add(d.scopeId);
    facts.devices.set(d.id, device);
  }
  for (const c of take<{ id: number; system: string; code: string }>(queries.codes.length))
    facts.codes.set(codeKey(c.system, c.code), c.id);
  for (const c of take<{ patientId: number; scopeId: number }>(queries.consents.length))
    facts.consented.add(`${c.patientId}|${c.scopeId}`);
  for (const r of take<{ id: number; system: string; value: string }>(queries.identifiers.length))
    facts.identifiers.set(identifierKey(r), r.id);
  return facts;
}

/**
 * Insert accepted rows and their identifiers in one atomic batch. Identifier rows find their
 * observation by position: within the batch's transaction the new observations take consecutive
 * AUTOINCREMENT ids ending at max(id), so row k of n has id max(id) - (n - 1 - k).
 */
async function writeAccepted(
  db: Db,
  accepted: readonly { row: ObservationInsert; identifiers: { system: string; value: string }[] }[],
): Promise<number[]> {
  return insertObservations(
    db,
    accepted.map((a) => a.row),
    accepted.flatMap((a, row) => a.identifiers.map((i) => ({ row, ...i }))),
  );
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
