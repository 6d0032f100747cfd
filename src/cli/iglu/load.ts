/**
 * Load the iglu study through the public API, as a study coordinator and a patient app would:
 * the practitioner sets up the study, patients, invitations; each patient's app consents and
 * uploads its readings as FHIR batch Bundles with conditional creates. `fetch` only (no node
 * imports): the CLI and the benchmark share it.
 */
import {
  batchBundle,
  entryStatus,
  GLUCOSE_CODE,
  GLUCOSE_DEVICE_ID,
  groupBySubject,
  OMH_SYSTEM,
  readingEntry,
  SUBJECT_SYSTEM,
  subjectEmail,
  type Reading,
} from './readings';
import {
  consentTo,
  ensurePatient,
  ensureStudy,
  HttpError,
  JheApi,
  RawJson,
  patientToken,
  type StudySpec,
} from './jhe-client';

export const IGLU_STUDY: StudySpec = {
  name: 'iglu CGM',
  description:
    'Continuous glucose monitor readings of 19 subjects (iglu example data, Hall et al. 2018, PLOS Biology).',
  /** BIDS (API.md F.2). */
  organizationId: 20003,
  dataSourceId: GLUCOSE_DEVICE_ID,
  /** omh:blood-glucose:4.0 (F.7). */
  scopeCodeId: 50001,
};
/** The CommonHealth application (F.9 pk 2): its data sources include Dexcom. */
export const PATIENT_APP_CLIENT_PK = 2;

export interface StudySetup {
  studyId: number;
  studyCreated: boolean;
  patients: { subject: string; patientId: number; token: string; created: boolean; consented: boolean }[];
}

/** Run `work` over `items` with at most `concurrency` in flight; results in item order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
  return results;
}

/** Study, data source, scope request, one patient per subject, enrolment, patient tokens, consents. */
export async function setUpStudy(
  practitioner: JheApi,
  subjects: readonly string[],
  { concurrency = 4, study: spec = IGLU_STUDY }: { concurrency?: number; study?: StudySpec } = {},
): Promise<StudySetup> {
  const study = await ensureStudy(practitioner, spec);
  const patients = await pool(subjects, concurrency, async (subject) => {
    const patient = await ensurePatient(practitioner, {
      organizationId: spec.organizationId,
      email: subjectEmail(subject),
      nameFamily: subject,
      nameGiven: 'iglu',
      birthDate: '1970-01-01',
      identifier: { system: SUBJECT_SYSTEM, value: subject },
    });
    return { subject, patientId: patient.id, created: patient.created };
  });
  await practitioner.call('POST', `/api/v1/studies/${study.id}/patients`, {
    patientIds: patients.map((p) => p.patientId),
  });
  const withTokens = await pool(patients, concurrency, async (p) => {
    const token = await patientToken(practitioner, p.patientId, PATIENT_APP_CLIENT_PK);
    const consented = await consentTo(new JheApi(practitioner.origin, token), p.patientId, study.id, {
      system: OMH_SYSTEM,
      code: GLUCOSE_CODE,
    });
    return { ...p, token, consented };
  });
  return { studyId: study.id, studyCreated: study.created, patients: withTokens };
}

export interface UploadCounts {
  created: number;
  existing: number;
  failed: number;
  /** The first few failure messages, for the operator. */
  failures: string[];
}

/** One FHIR batch request, ready to send: its patient's token and the serialized Bundle. */
export interface PreparedBundle {
  token: string;
  readings: number;
  body: string;
}

/** Build the Bundles of every reading, `bundleSize` readings of one patient each. */
export async function prepareBundles(
  readings: readonly Reading[],
  setup: StudySetup,
  bundleSize = 500,
): Promise<PreparedBundle[]> {
  const bySubject = new Map(setup.patients.map((p) => [p.subject, p]));
  const bundles: PreparedBundle[] = [];
  for (const [subject, group] of groupBySubject(readings)) {
    const patient = bySubject.get(subject);
    if (!patient) throw new Error(`no patient was set up for subject ${subject}`);
    for (let i = 0; i < group.length; i += bundleSize) {
      const part = group.slice(i, i + bundleSize);
      const entries = await Promise.all(part.map((r) => readingEntry(r, patient.patientId)));
      bundles.push({
        token: patient.token,
        readings: part.length,
        body: JSON.stringify(batchBundle(entries)),
      });
    }
  }
  return bundles;
}

export interface UploadCounts {
  created: number;
  existing: number;
  failed: number;
  /** The first few failure messages, for the operator. */
  failures: string[];
}

/**
 * POST the Bundles to the FHIR base, `concurrency` in flight; a lost connection or 502/503 is
 * retried (safe: every entry is a conditional create). `onBundle` runs after each response.
 */
export async function sendBundles(
  origin: string,
  bundles: readonly PreparedBundle[],
  {
    concurrency = 4,
    onBundle,
  }: { concurrency?: number; onBundle?: (readings: number, counts: UploadCounts) => void } = {},
): Promise<UploadCounts> {
  const counts: UploadCounts = { created: 0, existing: 0, failed: 0, failures: [] };
  await pool(bundles, concurrency, async (bundle) => {
    const { json } = await new JheApi(origin, bundle.token).call<{ entry?: unknown[] }>(
      'POST',
      '/fhir/r5/',
      new RawJson(bundle.body),
      [],
      { retries: 5 },
    );
    for (const entry of json.entry ?? []) {
      const status = entryStatus(entry);
      counts[status] += 1;
      if (status === 'failed' && counts.failures.length < 5)
        counts.failures.push(JSON.stringify(entry).slice(0, 300));
    }
    onBundle?.(bundle.readings, counts);
  });
  return counts;
}

/**
 * Read a study's observations as `jupyterhealth-client` does (API.md Appendix A): `_count=1000`,
 * follow `next` verbatim, stop when a page adds no new ids. Returns the ids and each page's latency.
 */
export async function readStudyObservations(
  origin: string,
  token: string,
  studyId: number,
  { count = 1000, onPage }: { count?: number; onPage?: (ms: number, entries: number) => void } = {},
): Promise<{ ids: Set<string>; pageMs: number[]; total: number | undefined }> {
  const ids = new Set<string>();
  const pageMs: number[] = [];
  let total: number | undefined;
  let url: string | undefined =
    `${origin}/FHIR/R5/Observation?patient._has:Group:member:_id=${studyId}&_count=${count}`;
  while (url !== undefined) {
    const started = performance.now();
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, 'GET', url, text);
    const bundle = JSON.parse(text) as {
      total?: number;
      entry?: { resource?: { id?: string } }[];
      link?: { relation: string; url: string }[];
    };
    const ms = performance.now() - started;
    pageMs.push(ms);
    total ??= bundle.total;
    const before = ids.size;
    for (const entry of bundle.entry ?? []) if (entry.resource?.id) ids.add(entry.resource.id);
    onPage?.(ms, bundle.entry?.length ?? 0);
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    url = next !== undefined && ids.size > before ? next : undefined;
  }
  return { ids, pageMs, total };
}
