import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { observationsVisibleTo } from '../../src/consent';
import { consents, observations, studyPatients } from '../../src/db/schema';
import type { Principal } from '../../src/lib/principal';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, FORBIDDEN } from '../fixtures/api';
import { accessTokenFor } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';
import { OMH, SCOPE } from '../fixtures/seed-wire';
import { db, makeObservation, makePatient, makePractitioner } from './patients.fixtures';

const { bloodPressure: BP, heartRate: HR, questionnaireResponse: QR } = SCOPE;
const BIDS = { id: 20003, name: 'Berkeley Institute for Data Science (BIDS)', type: 'edu' };
const BIDS_SOURCES = [
  { id: 70001, name: 'CareX', type: 'personal_device', supportedScopes: [BP, HR] },
  { id: 70005, name: 'Questionnaire', type: 'patient_app', supportedScopes: [QR] },
];
const STUDY_30001 = {
  id: 30001,
  name: 'BIDS Study on BP & HR',
  description: 'Blood Pressure & Heart Rate',
  organization: BIDS,
  dataSources: BIDS_SOURCES,
};
const STUDY_30002 = {
  id: 30002,
  name: 'BIDS Study on BP',
  description: 'Blood Pressure',
  organization: BIDS,
  dataSources: BIDS_SOURCES,
};
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Consent = { codingSystem: string; codingCode: string; consented?: boolean };
const body = (studyId: number, ...scopeConsents: Consent[]) => ({
  studyScopeConsents: [{ studyId, scopeConsents }],
});
const bp = (consented?: boolean): Consent => ({
  codingSystem: OMH,
  codingCode: 'omh:blood-pressure:4.0',
  ...(consented !== undefined && { consented }),
});
const hr = (consented?: boolean): Consent => ({
  codingSystem: OMH,
  codingCode: 'omh:heart-rate:2.0',
  ...(consented !== undefined && { consented }),
});

interface Written {
  studyScopeConsents: {
    id: number;
    studyPatient: { id: number; study: number; patient: number };
    consentedTime: string;
    [key: string]: unknown;
  }[];
}

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

const consentsPath = (patientId: number) => `/api/v1/patients/${patientId}/consents`;

/** A BIDS patient in 30001 (BP, HR consented through the API) and 30002 (nothing yet). */
async function consentingPatient() {
  const made = await makePatient({ studies: [30001, 30002] });
  const res = await api(consentsPath(made.patientId), tokens.member, {
    method: 'POST',
    body: body(30001, bp(true), hr(true)),
  });
  expect(res.status).toBe(201);
  return made;
}

describe('GET /api/v1/patients/{id}/consents', () => {
  it('classifies every scope request of every enrolled study as pending or answered (C.3.1)', async () => {
    const { patientId } = await consentingPatient();
    const patient = (await api(`/api/v1/patients/${patientId}`, tokens.manager)).body;
    const answers = await db
      .select({ time: consents.consentedTime })
      .from(consents)
      .innerJoin(studyPatients, eq(studyPatients.id, consents.studyPatientId))
      .where(eq(studyPatients.patientId, patientId));
    const time = answers[0]?.time;
    const res = await api(consentsPath(patientId), tokens.viewer);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      patient,
      consolidatedConsentedScopes: [BP, HR],
      studiesPendingConsent: [
        { ...STUDY_30002, pendingScopeConsents: [{ code: BP, consented: null, consentedTime: null }] },
      ],
      studies: [
        {
          ...STUDY_30001,
          scopeConsents: [
            { code: BP, consented: true, consentedTime: time },
            { code: HR, consented: true, consentedTime: time },
          ],
        },
      ],
    });
  });

  it('shows the seeded consents of Peter to Peter himself', async () => {
    const res = await api<{ studies: { id: number }[]; studiesPendingConsent: { id: number }[] }>(
      consentsPath(40001),
      tokens.patient,
    );
    expect(res.status).toBe(200);
    expect(res.body.studies.map((s) => s.id)).toEqual([30001]);
    expect(res.body.studiesPendingConsent.map((s) => s.id)).toEqual([30002]);
  });

  it('lists a study in both lists when some requests are answered and some are not; revoked stay answered', async () => {
    const { patientId } = await makePatient({ studies: [30001] });
    await api(consentsPath(patientId), tokens.member, { method: 'POST', body: body(30001, hr(false)) });
    const res = await api<Record<string, unknown>>(consentsPath(patientId), tokens.member);
    expect(res.body).toMatchObject({
      consolidatedConsentedScopes: [],
      studiesPendingConsent: [
        { id: 30001, pendingScopeConsents: [{ code: BP, consented: null, consentedTime: null }] },
      ],
      studies: [
        {
          id: 30001,
          scopeConsents: [{ code: HR, consented: false, consentedTime: expect.stringMatching(ISO) }],
        },
      ],
    });
  });

  it('is 403 for other patients, other organizations and members-less superusers; 404 when missing', async () => {
    expect(await api(consentsPath(40001), tokens.pamela)).toMatchObject({ status: 403, body: FORBIDDEN });
    expect(await api(consentsPath(40001), tokens.outsider)).toMatchObject({ status: 403, body: FORBIDDEN });
    expect(await api(consentsPath(40001), tokens.superuser)).toMatchObject({ status: 403 });
    expect(await api(consentsPath(49999), tokens.manager)).toMatchObject({
      status: 404,
      body: { detail: 'No Patient matches the given query.' },
    });
  });
});

describe('POST /api/v1/patients/{id}/consents', () => {
  it('creates rows with one consentedTime and answers 201 with the C.3.1 shape', async () => {
    const { patientId } = await makePatient({ studies: [30001] });
    const res = await api<Written>(consentsPath(patientId), tokens.manager, {
      method: 'POST',
      body: body(30001, bp(true), hr(false)),
    });
    expect(res.status).toBe(201);
    const [first, second] = res.body.studyScopeConsents;
    const studyPatient = { id: expect.any(Number), study: 30001, patient: patientId };
    expect(res.body).toEqual({
      studyScopeConsents: [
        {
          id: expect.any(Number),
          studyPatient,
          scopeCode: BP,
          consented: true,
          consentedTime: expect.stringMatching(ISO),
        },
        {
          id: expect.any(Number),
          studyPatient,
          scopeCode: HR,
          consented: false,
          consentedTime: first?.consentedTime,
        },
      ],
    });
    expect(second?.studyPatient.id).toBe(first?.studyPatient.id);
  });

  it('accepts snake_case bodies and lets the patient consent for themself', async () => {
    const { patientId, userId } = await makePatient({ studies: [30002] });
    const own = await accessTokenFor(userId);
    const res = await api<Written>(consentsPath(patientId), own, {
      method: 'POST',
      body: {
        study_scope_consents: [
          {
            study_id: 30002,
            scope_consents: [{ coding_system: OMH, coding_code: 'omh:blood-pressure:4.0', consented: true }],
          },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.studyScopeConsents).toHaveLength(1);
  });

  it('is 409 for a row that exists already', async () => {
    const { patientId } = await consentingPatient();
    expect(
      await api(consentsPath(patientId), tokens.member, { method: 'POST', body: body(30001, bp(true)) }),
    ).toMatchObject({
      status: 409,
      body: {
        detail: `Patient ${patientId} already has a consent for ${OMH}|omh:blood-pressure:4.0 in study 30001; use PATCH to change it.`,
      },
    });
  });

  it.each([
    [
      'a study the patient is not enrolled in',
      body(30004, { codingSystem: OMH, codingCode: 'omh:body-temperature:4.0', consented: true }),
      (p: number) => `Patient ${p} is not enrolled in study 30004.`,
    ],
    [
      'an unknown scope code',
      body(30001, { codingSystem: OMH, codingCode: 'omh:nope:1.0', consented: true }),
      () => `Unknown scope code ${OMH}|omh:nope:1.0.`,
    ],
    [
      'a scope the study does not request',
      body(30002, hr(true)),
      () => `Study 30002 does not request the scope ${OMH}|omh:heart-rate:2.0.`,
    ],
    [
      'a scope listed twice',
      body(30001, bp(true), bp(false)),
      () => `The scope ${OMH}|omh:blood-pressure:4.0 is listed more than once for study 30001.`,
    ],
  ])('rejects %s with 400', async (_, request, detail) => {
    const { patientId } = await makePatient({ studies: [30001, 30002] });
    expect(await api(consentsPath(patientId), tokens.member, { method: 'POST', body: request })).toEqual(
      expect.objectContaining({ status: 400, body: { detail: detail(patientId) } }),
    );
  });

  it('validates everything before writing anything', async () => {
    const { patientId } = await makePatient({ studies: [30001, 30002] });
    const res = await api(consentsPath(patientId), tokens.member, {
      method: 'POST',
      body: {
        studyScopeConsents: [
          { studyId: 30001, scopeConsents: [bp(true), hr(true)] },
          { studyId: 30002, scopeConsents: [hr(true)] },
        ],
      },
    });
    expect(res.status).toBe(400);
    const rows = await db
      .select()
      .from(consents)
      .innerJoin(studyPatients, eq(studyPatients.id, consents.studyPatientId))
      .where(eq(studyPatients.patientId, patientId));
    expect(rows).toEqual([]);
  });

  it.each([
    ['no studyScopeConsents', {}, { studyScopeConsents: ['This field is required.'] }],
    [
      'a missing consented flag',
      body(30001, bp()),
      { 'studyScopeConsents.0.scopeConsents.0.consented': ['This field is required.'] },
    ],
    ['a non-list', { studyScopeConsents: 'all' }, { studyScopeConsents: ['Expected a list of items.'] }],
  ])('rejects a malformed body (%s) with a 400 field map', async (_, request, errors) => {
    const { patientId } = await makePatient({ studies: [30001] });
    expect(
      await api(consentsPath(patientId), tokens.member, { method: 'POST', body: request }),
    ).toMatchObject({
      status: 400,
      body: errors,
    });
  });

  it('answers invalid JSON with 400', async () => {
    expect(await api(consentsPath(40001), tokens.member, { method: 'POST', body: '[' })).toMatchObject({
      status: 400,
    });
  });
});

describe('PATCH /api/v1/patients/{id}/consents', () => {
  it('updates consented and consentedTime of existing rows (200, same shape)', async () => {
    const { patientId } = await consentingPatient();
    const res = await api<Written>(consentsPath(patientId), tokens.member, {
      method: 'PATCH',
      body: body(30001, bp(false), hr(true)),
    });
    expect(res.status).toBe(200);
    expect(res.body.studyScopeConsents.map((c) => [c.scopeCode, c.consented])).toEqual([
      [BP, false],
      [HR, true],
    ]);
    const after = await api<{ consolidatedConsentedScopes: unknown[] }>(
      consentsPath(patientId),
      tokens.member,
    );
    expect(after.body.consolidatedConsentedScopes).toEqual([HR]);
  });

  it('is 404 for a row that does not exist', async () => {
    const { patientId } = await makePatient({ studies: [30002] });
    expect(
      await api(consentsPath(patientId), tokens.member, { method: 'PATCH', body: body(30002, bp(true)) }),
    ).toMatchObject({
      status: 404,
      body: {
        detail: `Patient ${patientId} has no consent for ${OMH}|omh:blood-pressure:4.0 in study 30002.`,
      },
    });
  });
});

describe('DELETE /api/v1/patients/{id}/consents', () => {
  it('removes the rows (204; consented may be omitted) and ignores rows that do not exist', async () => {
    const { patientId } = await consentingPatient();
    expect(
      (await api(consentsPath(patientId), tokens.member, { method: 'DELETE', body: body(30001, bp()) }))
        .status,
    ).toBe(204);
    expect(
      (await api(consentsPath(patientId), tokens.member, { method: 'DELETE', body: body(30001, bp(), hr()) }))
        .status,
    ).toBe(204);
    const after = await api<Record<string, unknown>>(consentsPath(patientId), tokens.member);
    expect(after.body).toMatchObject({ consolidatedConsentedScopes: [], studies: [] });
  });
});

describe('consent writes: who', () => {
  it('needs a manager/member role in the study’s organization, which the patient shares', async () => {
    const { patientId } = await makePatient({ studies: [30001] });
    for (const actor of ['viewer', 'outsider', 'pamela'] as const) {
      expect(
        await api(consentsPath(patientId), tokens[actor], { method: 'POST', body: body(30001, bp(true)) }),
      ).toMatchObject({ status: 403, body: FORBIDDEN });
    }
    // A member of another organization of the patient is not enough for a BIDS study.
    const { patientId: both } = await makePatient({ organizations: [20003, 20007], studies: [30001] });
    expect(
      await api(consentsPath(both), tokens.outsider, { method: 'POST', body: body(30001, bp(true)) }),
    ).toMatchObject({ status: 403, body: FORBIDDEN });
    expect(
      (await api(consentsPath(patientId), tokens.superuser, { method: 'POST', body: body(30001, bp(true)) }))
        .status,
    ).toBe(201);
  });
});

describe('consent as authorization (E.5)', () => {
  const mary: Principal = {
    kind: 'practitioner',
    clientId: 't',
    scope: 'openid',
    jti: 'j',
    userId: 10002,
    practitionerId: 80002,
    isSuperuser: false,
  };
  const visible = async (observationId: number) =>
    (
      await db
        .select({ id: observations.id })
        .from(observations)
        .where(and(eq(observations.id, observationId), observationsVisibleTo(db, mary)))
    ).length === 1;

  it('revoking with PATCH consented:false hides the data; re-consenting restores it', async () => {
    const { patientId } = await consentingPatient();
    const observationId = await makeObservation(patientId, 50002);
    expect(await visible(observationId)).toBe(true);

    await api(consentsPath(patientId), tokens.member, { method: 'PATCH', body: body(30001, bp(false)) });
    expect(await visible(observationId)).toBe(false);
    const revoked = await api<{ studies: { scopeConsents: { code: unknown; consented: boolean }[] }[] }>(
      consentsPath(patientId),
      tokens.member,
    );
    expect(revoked.body.studies[0]?.scopeConsents).toEqual([
      expect.objectContaining({ code: BP, consented: false }),
      expect.objectContaining({ code: HR, consented: true }),
    ]);

    await api(consentsPath(patientId), tokens.member, { method: 'PATCH', body: body(30001, bp(true)) });
    expect(await visible(observationId)).toBe(true);
    const restored = await api<{ consolidatedConsentedScopes: unknown[] }>(
      consentsPath(patientId),
      tokens.member,
    );
    expect(restored.body.consolidatedConsentedScopes).toEqual([BP, HR]);
  });

  it('DELETE hides the data too, and a practitioner of another organization never sees it', async () => {
    const { patientId } = await consentingPatient();
    const observationId = await makeObservation(patientId, 50004);
    const other = await makePractitioner([[20007, 'manager']]);
    const stranger: Principal = { ...mary, userId: other.userId, practitionerId: other.practitionerId };
    const seenBy = async (p: Principal) =>
      (
        await db
          .select({ id: observations.id })
          .from(observations)
          .where(and(eq(observations.id, observationId), observationsVisibleTo(db, p)))
      ).length;
    expect(await seenBy(stranger)).toBe(0);
    expect(await visible(observationId)).toBe(true);
    await api(consentsPath(patientId), tokens.member, { method: 'DELETE', body: body(30001, hr()) });
    expect(await visible(observationId)).toBe(false);
  });
});
