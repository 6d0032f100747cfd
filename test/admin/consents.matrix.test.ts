import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { allow, describeMatrix, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';
import { makePatient } from './patients.fixtures';

/**
 * API.md C.3.1 and E.2 "Write consents" / "Read consents", relative to BIDS (20003) whose study
 * 30001 requests blood pressure: Mary manager, Megan member, Victor viewer, Peter a patient acting
 * on someone else, Mark (outsider) of UCSF, Sam a superuser without memberships.
 */
const BP = { codingSystem: 'https://w3id.org/openmhealth', codingCode: 'omh:blood-pressure:4.0' };
const consentBody = (consented?: boolean) => ({
  studyScopeConsents: [
    { studyId: 30001, scopeConsents: [{ ...BP, ...(consented !== undefined && { consented }) }] },
  ],
});

const writers = (ok: number) => allow(ok, ['superuser', 'manager', 'member']);

/** A fresh BIDS patient enrolled in 30001, with a blood-pressure consent row when `answered`. */
async function freshPatient(answered: boolean): Promise<number> {
  const { patientId } = await makePatient({ studies: [30001] });
  if (answered) {
    const res = await api(`/api/v1/patients/${patientId}/consents`, tokens.member, {
      method: 'POST',
      body: consentBody(true),
    });
    expect(res.status).toBe(201);
  }
  return patientId;
}

const CASES: readonly MatrixCase[] = [
  {
    action: 'GET /patients/{id}/consents',
    request: async () => ({ path: '/api/v1/patients/40001/consents' }),
    // Peter reads his own; superusers read only through a shared organization (E.2).
    expected: {
      superuser: 403,
      manager: 200,
      member: 200,
      viewer: 200,
      patient: 200,
      outsider: 403,
      anonymous: 401,
    },
  },
  {
    action: 'POST /patients/{id}/consents',
    request: async () => ({
      path: `/api/v1/patients/${await freshPatient(false)}/consents`,
      method: 'POST',
      body: consentBody(true),
    }),
    expected: writers(201),
  },
  {
    action: 'PATCH /patients/{id}/consents',
    request: async () => ({
      path: `/api/v1/patients/${await freshPatient(true)}/consents`,
      method: 'PATCH',
      body: consentBody(false),
    }),
    expected: writers(200),
  },
  {
    action: 'DELETE /patients/{id}/consents',
    request: async () => ({
      path: `/api/v1/patients/${await freshPatient(true)}/consents`,
      method: 'DELETE',
      body: consentBody(),
    }),
    expected: writers(204),
  },
];

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describeMatrix('consents access matrix (API.md C.3.1, E.2)', CASES, {
  tokens: () => tokens,
  forbiddenBody: true,
  unauthorizedBody: true,
});

describe('consents across organizations (API.md E.2)', () => {
  it('Mark cannot read BIDS consents, Mary cannot read Moslehi Lab’s', async () => {
    expect((await api('/api/v1/patients/40001/consents', tokens.outsider)).status).toBe(403);
    expect((await api('/api/v1/patients/40003/consents', tokens.manager)).status).toBe(403);
    expect((await api('/api/v1/patients/40003/consents', tokens.outsider)).status).toBe(200);
  });
});
